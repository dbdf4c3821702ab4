"""Reading a file into text, and the shared position types.

Positions are 1-based lines and columns counted in code points, the SARIF
``unicodeCodePoints`` column kind. They live beside the parsed data, in a
``Locations`` side table keyed by path tuples, never inside the data.
"""

from __future__ import annotations

import bisect
import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 64 * 1024 * 1024   # plans can be large; templates are at most 1 MB in CloudFormation
MAX_DEPTH = 256                     # no real template nests deeper; 10,000-deep input must not recurse


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file, 1-based and inclusive of ``line``/``column``."""

    line: int
    column: int
    end_line: int
    end_column: int


class LoadError(Exception):
    """A file that could not be read or parsed. Renders as ``path:line:col: message``."""

    def __init__(self, path: str, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.path = path
        self.message = " ".join(message.split())  # always one line
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = self.path
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        return f"{where}: {self.message}"


class LineIndex:
    """Maps character offsets of a text to (line, column)."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


class Locations:
    """Path tuple -> Span, with a longest-prefix fallback.

    Subclasses compute spans lazily: most runs need the positions of a handful
    of findings, not of every node in every file.
    """

    def find(self, path: tuple) -> Span | None:  # pragma: no cover - interface
        raise NotImplementedError

    def nearest(self, path: tuple) -> tuple[Span, tuple]:
        """The span of ``path`` or of its longest existing prefix, and that prefix."""
        for end in range(len(path), -1, -1):
            span = self.find(tuple(path[:end]))
            if span is not None:
                return span, tuple(path[:end])
        return Span(1, 1, 1, 1), ()


def read_text(path: Path, display: str, max_bytes: int = MAX_FILE_BYTES) -> str:
    """Read and decode a file: UTF-8 (BOM optional) or UTF-16 with a BOM.

    Terraform plans written by PowerShell's ``>`` are UTF-16LE with a BOM.
    Raises ``LoadError`` with the line of the first undecodable byte.
    """
    try:
        status = os.stat(path)
        if stat.S_ISDIR(status.st_mode):
            raise LoadError(display, "is a directory, expected a file")
        if not stat.S_ISREG(status.st_mode):
            raise LoadError(display, "is not a regular file (a pipe, socket or device); not read")
        size = status.st_size
        if size > max_bytes:
            raise LoadError(display, f"file is {size:,} bytes, over the {max_bytes:,}-byte limit")
        with open(path, "rb") as handle:
            raw = handle.read(max_bytes + 1)
    except LoadError:
        raise
    except IsADirectoryError:
        raise LoadError(display, "is a directory, expected a file") from None
    except OSError as exc:
        raise LoadError(display, f"cannot read: {exc.strerror or exc}") from None
    return decode(raw, display)


def decode(raw: bytes, display: str) -> str:
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise LoadError(
            display, f"not valid {encoding.upper().replace('-SIG', '')} text "
            f"(byte 0x{raw[exc.start]:02x} at offset {exc.start})", line, column) from None
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise LoadError(display, "contains a NUL character; this looks like a binary file", line, 1)
    return text


def too_deep(data: object, limit: int = MAX_DEPTH) -> bool:
    """Whether parsed data nests deeper than ``limit`` (iterative: safe on any input)."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values()
                         if isinstance(child, (dict, list)))
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value if isinstance(child, (dict, list)))
    return False

"""JSON text -> plain data plus lazily computed source positions.

The data comes from the C ``json`` parser (fast, exact numbers). Positions come
from a second, lazy pass: a regular-expression tokenizer that follows the
structure and records where every key and array element starts. That pass runs
only when something asks for a location, so a clean run never pays for it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from .source import MAX_DEPTH, LineIndex, LoadError, Locations, Span, too_deep

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|-?[0-9][0-9eE.+-]*|true|false|null')


class DuplicateKeyError(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _strict_pairs(pairs: list) -> dict:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set = set()
        for key, _ in pairs:
            if key in seen:
                raise DuplicateKeyError(key)
            seen.add(key)
    return result


def parse_json(text: str, display: str,
               pairs_hook: Callable[[list], dict] | None = None) -> tuple[object, JsonLocations]:
    """Parse JSON text. Duplicate keys are an error unless ``pairs_hook`` handles them."""
    locations = JsonLocations(text)
    try:
        data = json.loads(text, object_pairs_hook=pairs_hook or _strict_pairs)
    except DuplicateKeyError as exc:
        span, first = locations.duplicate(exc.key)
        raise LoadError(display, f"duplicate key {exc.key!r} (first at line {first})",
                        span.line, span.column) from None
    except json.JSONDecodeError as exc:
        raise LoadError(display, f"invalid JSON: {exc.msg}", exc.lineno, exc.colno) from None
    except RecursionError:
        line, column = locations.too_deep()
        raise LoadError(display, f"nesting deeper than {MAX_DEPTH} levels", line, column) from None
    if too_deep(data):
        line, column = locations.too_deep()
        raise LoadError(display, f"nesting deeper than {MAX_DEPTH} levels", line, column)
    return data, locations


class JsonLocations(Locations):
    def __init__(self, text: str) -> None:
        self._text = text
        self._spans: dict[tuple, Span] | None = None
        self._lines: LineIndex | None = None

    def _position(self, offset: int) -> tuple[int, int]:
        if self._lines is None:
            self._lines = LineIndex(self._text)
        return self._lines.position(offset)

    def find(self, path: tuple) -> Span | None:
        if self._spans is None:
            self._spans = self._index()
        return self._spans.get(tuple(path))

    def too_deep(self) -> tuple[int, int]:
        depth = 0
        for match in _TOKEN.finditer(self._text):
            token = match.group()
            if token in "[{":
                depth += 1
                if depth > MAX_DEPTH:
                    return self._position(match.start())
            elif token in "]}":
                depth -= 1
        return 1, 1

    def duplicate(self, key: str) -> tuple[Span, int]:
        """The span of the second occurrence of ``key`` in one object, and the first's line."""
        stack: list[set] = []
        first: list[dict] = []
        expecting_key = False
        for match in _TOKEN.finditer(self._text):
            token = match.group()
            if token == "{":
                stack.append(set())
                first.append({})
                expecting_key = True
            elif token == "[":
                stack.append(None)
                first.append({})
                expecting_key = False
            elif token in "]}":
                stack.pop()
                first.pop()
                expecting_key = False
            elif token == ",":
                expecting_key = bool(stack) and stack[-1] is not None
            elif token == ":":
                expecting_key = False
            elif expecting_key and token.startswith('"'):
                name = json.loads(token)
                line, column = self._position(match.start())
                if name in stack[-1] and name == key:
                    return Span(line, column, line, column + len(token)), first[-1][name]
                stack[-1].add(name)
                first[-1].setdefault(name, line)
                expecting_key = False
        return Span(1, 1, 1, 1), 1

    def _index(self) -> dict[tuple, Span]:
        """Walk the tokens once, recording a span for every key and array element."""
        spans: dict[tuple, Span] = {(): Span(1, 1, 1, 1)}
        position = self._position
        # each frame: [path, is_object, current key or index, expecting_key]
        frames: list[list] = []
        last_path: tuple | None = None
        for match in _TOKEN.finditer(self._text):
            token = match.group()
            first = token[0]
            if first in "{[":
                if frames:
                    frame = frames[-1]
                    if not frame[1]:
                        path = (*frame[0], frame[2])
                        line, column = position(match.start())
                        spans[path] = Span(line, column, line, column + 1)
                    else:
                        path = (*frame[0], frame[2])
                else:
                    path = ()
                frames.append([path, first == "{", 0 if first == "[" else None, first == "{"])
                last_path = None
            elif first in "}]":
                frames.pop()
                last_path = None
            elif first == ",":
                if frames:
                    frame = frames[-1]
                    if frame[1]:
                        frame[3] = True
                    else:
                        frame[2] += 1
            elif first == ":":
                continue
            elif frames:
                frame = frames[-1]
                line, column = position(match.start())
                end_line, end_column = line, column + len(token)
                if frame[1] and frame[3]:
                    key = json.loads(token) if first == '"' else token
                    frame[2] = key
                    frame[3] = False
                    last_path = (*frame[0], key)
                    spans[last_path] = Span(line, column, end_line, end_column)
                elif frame[1]:
                    # a scalar value: extend its key's span to cover it when on the same line
                    if last_path is not None:
                        key_span = spans[last_path]
                        if key_span.line == line:
                            spans[last_path] = Span(key_span.line, key_span.column,
                                                    end_line, end_column)
                    last_path = None
                else:
                    spans[(*frame[0], frame[2])] = Span(line, column, end_line, end_column)
        return spans

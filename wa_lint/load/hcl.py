"""Terraform HCL configuration (``*.tf``) -> the same Document as ``*.tf.json``.

python-hcl2 parses the text; this module walks its syntax tree and writes the
data in the shape the Terraform JSON loader produces, so the graph stage and
every rule see one format:

- blocks nest under their labels (``resource`` -> type -> name -> body); a
  label path written twice becomes a list, like repeated keys in HCL JSON;
- nested blocks in a body (``ingress { ... }``) are lists of objects;
- strings are HCL templates exactly as in JSON (``"web-${var.env}"``) and any
  other expression is a one-interpolation template (``"${aws_subnet.a.id}"``),
  so the graph stage's expression evaluator reads both;
- comments in a resource block, or directly above it, become the resource's
  ``"//"`` comment (where ``# wa-lint:ignore RULE reason`` suppressions live);
  comments at the head of the file, before the first block, are the file's.

Positions come from the parse tree (python-hcl2 8 keeps Lark's line/column on
every rule; its ``with_meta`` option is accepted but adds nothing) and are
kept beside the data in a ``Locations`` table. When a tree node has no
position, the attribute's key is searched for in the text of its block.

python-hcl2 (and Lark) are imported on first use, so runs over CloudFormation
alone never load them.
"""

from __future__ import annotations

import re
import textwrap

from .document import TERRAFORM, Document
from .source import MAX_DEPTH, LoadError, Locations, Span, too_deep
from .terraform import COMMENT, bare_expression, build

MAX_HCL_BYTES = 8 * 1024 * 1024      # Lark parses about 1 MB/s; real modules are far smaller
LABELS = {"resource": 2, "data": 2, "ephemeral": 2}
REPEATABLE = frozenset({"locals", "terraform", "provider", "moved", "import", "removed", "check"})
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*)\s?(.*?)\s*(?:\*/)?\s*$")
_HCL_HINT = re.compile(r'^\s*(resource|data|variable|output|module|provider|locals|terraform)'
                       r'(\s+"[^"\n]*")*\s*\{', re.M)


def looks_like_hcl(text: str) -> bool:
    """Whether text reads as HCL native syntax (for a ``.tf.json`` that is not JSON)."""
    return bool(_HCL_HINT.search(text))


class HclLocations(Locations):
    def __init__(self) -> None:
        self.spans: dict[tuple, Span] = {(): Span(1, 1, 1, 1)}

    def find(self, path: tuple) -> Span | None:
        return self.spans.get(tuple(path))


def _options():
    from hcl2.utils import SerializationOptions
    return SerializationOptions(with_comments=False, with_meta=False, wrap_objects=False,
                                wrap_tuples=False, explicit_blocks=False,
                                preserve_heredocs=True, strip_string_quotes=True)


_HEREDOC = re.compile(r"\A<<(-?)([A-Za-z][A-Za-z0-9._-]*)\r?\n(.*?)^[ \t]*\2[ \t]*\Z", re.S | re.M)


def heredocs(value: object) -> object:
    """Heredoc text as Terraform reads it (python-hcl2 re-escapes quotes when it converts).

    The body is taken raw (heredocs have no backslash escapes), ``<<-`` removes
    the common indentation, and the value ends with the last line's newline.
    """
    if isinstance(value, str):
        if not value.startswith("<<"):
            return value
        match = _HEREDOC.match(value)
        if match is None:
            return value
        body = match.group(3)
        if match.group(1):
            body = textwrap.dedent(body)
        return body
    if isinstance(value, list):
        return [heredocs(item) for item in value]
    if isinstance(value, dict):
        return {key: heredocs(item) for key, item in value.items()}
    return value


def parse(text: str, display: str) -> tuple:
    """HCL text -> (python-hcl2 tree); raises LoadError with the line of a syntax error."""
    try:
        import hcl2
        from lark.exceptions import LarkError, UnexpectedInput
    except ImportError:  # pragma: no cover - a broken installation
        raise LoadError(display, "reading .tf files needs the python-hcl2 package "
                                 "(pip install python-hcl2)") from None
    try:
        return hcl2.parses(text)
    except UnexpectedInput as exc:
        line, column = getattr(exc, "line", 0) or 0, getattr(exc, "column", 0) or 0
        if line < 0:
            line, column = text.count("\n") + 1, 1
        found = _describe(exc)
        raise LoadError(display, f"invalid HCL: {found}", line, column) from None
    except RecursionError:
        raise LoadError(display, f"nesting deeper than {MAX_DEPTH} levels") from None
    except LarkError as exc:
        raise LoadError(display, f"invalid HCL: {str(exc).splitlines()[0]}") from None


def _describe(exc: Exception) -> str:
    token = getattr(exc, "token", None)
    if token is not None:
        if getattr(token, "type", "") == "$END":
            return "unexpected end of file"
        value = str(token)
        if value[:1] in ("\n", "\r"):
            return "unexpected line break"
        if value.strip():
            return f"unexpected {value.strip().splitlines()[0][:40]!r}"
    if getattr(exc, "char", None):
        return f"unexpected character {exc.char!r}"
    return "syntax error"


def load(text: str, display: str) -> Document:
    tree = parse(text, display)
    walker = _Walker(text, display)
    try:
        data = walker.top(tree)
    except RecursionError:
        raise LoadError(display, f"nesting deeper than {MAX_DEPTH} levels") from None
    except LoadError:
        raise
    except Exception as exc:  # python-hcl2 raises plain errors on some valid-looking input
        raise LoadError(display, f"invalid HCL: {exc}") from None
    if too_deep(data):
        raise LoadError(display, f"nesting deeper than {MAX_DEPTH} levels")
    document = build(display, data, walker.locations)
    notes = tuple(walker.notes)
    if notes:
        from dataclasses import replace
        document = replace(document, notes=(*document.notes, *notes))
    return document


class _Walker:
    def __init__(self, text: str, display: str) -> None:
        self.text = text
        self.lines = text.splitlines()
        self.display = display
        self.locations = HclLocations()
        self.options = _options()
        self.notes: list[str] = []
        self.opaque = _heredoc_lines(self.lines)   # lines of heredoc text: never comments

    # -- positions ------------------------------------------------------------------
    def _span(self, node: object, key: str | None = None) -> Span | None:
        meta = getattr(node, "_meta", None)
        line = getattr(meta, "line", None) if meta is not None else None
        if not line:
            return None
        column = meta.column
        end_line, end_column = meta.end_line, meta.end_column
        if end_line != line:  # a multi-line value: the key alone
            end_line, end_column = line, column + len(key or "")
        return Span(line, column, end_line, end_column)

    def _search(self, key: str, first: int, last: int) -> Span | None:
        """Fallback: the first line in [first, last] that assigns ``key``."""
        pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*(=|\{|\")")
        for number in range(max(first, 1), min(last, len(self.lines)) + 1):
            line = self.lines[number - 1]
            if pattern.match(line):
                column = line.index(key[0]) + 1 if key else 1
                return Span(number, column, number, column + len(key))
        return None

    def _record(self, path: tuple, node: object, key: str, within: tuple[int, int]) -> None:
        span = self._span(node, key) or self._search(key, *within)
        if span is not None:
            self.locations.spans[path] = span

    # -- structure ------------------------------------------------------------------
    def top(self, tree) -> dict:
        body = tree.body
        data: dict = {}
        first_block_line = None
        for child in body.children:
            kind = type(child).__name__
            if kind == "BlockRule":
                first_block_line = first_block_line or self._line(child)
                self._top_block(child, data)
            elif kind == "AttributeRule":
                key = self._key(child.identifier)
                line = self._line(child)
                self.notes.append(f"{self.display}:{line}: attribute {key} outside any block; "
                                  "ignored")
        header = self._header_comments(first_block_line)
        if header:
            texts = [text for text, _ in header]
            data[COMMENT] = texts if len(texts) > 1 else texts[0]
            line = next((number for text, number in header if "wa-lint:" in text), header[0][1])
            length = len(self.lines[line - 1]) if line <= len(self.lines) else 0
            self.locations.spans[(COMMENT,)] = Span(line, 1, line, length + 1)
        return data

    def _line(self, node: object) -> int:
        meta = getattr(node, "_meta", None)
        return getattr(meta, "line", 0) or 0 if meta is not None else 0

    def _end_line(self, node: object) -> int:
        meta = getattr(node, "_meta", None)
        return getattr(meta, "end_line", 0) or 0 if meta is not None else 0

    def _key(self, node) -> str:
        value = node.serialize(self.options)
        return str(value)

    def _top_block(self, block, data: dict) -> None:
        labels = [self._key(label) for label in block.labels]
        block_type, names = labels[0], labels[1:]
        expected = LABELS.get(block_type)
        if expected is not None and len(names) != expected:
            self.notes.append(f"{self.display}:{self._line(block)}: {block_type} block with "
                              f"{len(names)} labels (expected {expected}); ignored")
            return
        keys = [block_type, *names]
        container = data
        for key in keys[:-1]:
            container = container.setdefault(key, {})
            if not isinstance(container, dict):
                return
        last, pointer = keys[-1], tuple(keys)
        within = (self._line(block), self._end_line(block))
        if last in container:
            if block_type not in REPEATABLE:
                self.notes.append(f"{self.display}:{self._line(block)}: {' '.join(keys)} is "
                                  "declared twice in this file; the second one is ignored")
                return
            previous = container[last]
            if not isinstance(previous, list):
                previous = container[last] = [previous]
                self._move_spans(pointer, (*pointer, 0))
            pointer = (*pointer, len(previous))
            previous.append(self._block_body(block, block_type, pointer, within))
        else:
            container[last] = self._block_body(block, block_type, pointer, within)
        self._block_span(pointer, block)

    def _block_body(self, block, block_type: str, pointer: tuple, within: tuple) -> dict:
        body = _bare_meta_arguments(self.body(block.body, pointer, within))
        if block_type == "variable" and "type" in body:
            body["type"] = bare_expression(body["type"])
        if block_type in LABELS:
            comment, line = self._block_comments(block)
            if comment:
                body = {COMMENT: comment, **body}
                text = self.lines[line - 1]
                column = len(text) - len(text.lstrip()) + 1
                self.locations.spans[(*pointer, COMMENT)] = Span(line, column, line, len(text) + 1)
        return body

    def _move_spans(self, old: tuple, new: tuple) -> None:
        """Re-key positions recorded under ``old`` (a block that became a list item)."""
        spans = self.locations.spans
        for path in [path for path in spans if path[:len(old)] == old]:
            spans[(*new, *path[len(old):])] = spans.pop(path)

    def _block_span(self, pointer: tuple, block) -> None:
        span = self._span(block, self._key(block.labels[0]))
        if span is not None:
            self.locations.spans[pointer] = span

    def body(self, body, pointer: tuple, within: tuple[int, int]) -> dict:
        result: dict = {}
        for child in body.children:
            kind = type(child).__name__
            if kind == "AttributeRule":
                key = self._key(child.identifier)
                path = (*pointer, key)
                value = heredocs(child.expression.serialize(self.options))
                result[key] = value
                self._record(path, child, key, within)
                self._value_spans(child.expression, path)
            elif kind == "BlockRule":
                labels = [self._key(label) for label in child.labels]
                key = labels[0]
                nested = result.setdefault(key, [])
                if not isinstance(nested, list):
                    continue  # an attribute and a block of one name: Terraform rejects it
                path = (*pointer, key)
                if not nested:
                    self._record(path, child, key, within)
                item_path = (*path, len(nested))
                inner = self.body(child.body, item_path, (self._line(child),
                                                           self._end_line(child)))
                for label in reversed(labels[1:]):  # labelled nested blocks (rare in resources)
                    inner = {label: inner}
                nested.append(inner)
                span = self._span(child, key)
                if span is not None:
                    self.locations.spans[item_path] = span
        return result

    def _value_spans(self, expression, path: tuple) -> None:
        """Positions inside an attribute's value: object keys and list items."""
        stack = [(expression, path)]
        while stack:
            node, where = stack.pop()
            if len(where) - len(path) > MAX_DEPTH:
                return
            kind = type(node).__name__
            if kind == "ExprTermRule":
                if not getattr(node, "parentheses", False):
                    stack.append((node.expression, where))
            elif kind == "ObjectRule":
                for element in node.elements:
                    try:
                        key = element.key.serialize(self.options)
                    except Exception:  # an expression key: no static path
                        continue
                    item = (*where, str(key))
                    span = self._span(element, str(key))
                    if span is not None:
                        self.locations.spans[item] = span
                    stack.append((element.expression, item))
            elif kind == "TupleRule":
                for index, element in enumerate(node.elements):
                    item = (*where, index)
                    span = self._span(element)
                    if span is not None:
                        if span.line != span.end_line or span.end_column <= span.column:
                            span = Span(span.line, span.column, span.line, span.column + 1)
                        self.locations.spans[item] = span
                    stack.append((element, item))

    # -- comments -------------------------------------------------------------------
    def _comment_text(self, line: str, number: int = 0) -> str | None:
        if number in self.opaque:
            return None
        stripped = line.strip()
        if not stripped.startswith(("#", "//", "/*", "*")):
            return None
        match = _COMMENT_LINE.match(line)
        return match.group(1) if match else None

    def _block_comments(self, block) -> tuple[str, int]:
        """Comment lines inside a block, or directly above it (no blank line between), and
        the line of the first suppression among them (else of the first comment)."""
        first, last = self._line(block), self._end_line(block)
        if not first:
            return "", 0
        found: list[tuple[str, int]] = []
        number = first - 1
        above: list[str] = []
        while number >= 1:
            text = self._comment_text(self.lines[number - 1], number)
            if text is None:
                break
            above.append((text, number))
            number -= 1
        found.extend(reversed(above))
        for number in range(first, min(last, len(self.lines)) + 1):
            line = self.lines[number - 1]
            position = -1 if number in self.opaque else _comment_start(line)
            if position >= 0:
                found.append((_COMMENT_LINE.match(line[position:]).group(1), number))
        found = [(text, number) for text, number in found if text]
        if not found:
            return "", 0
        line = next((number for text, number in found if "wa-lint:" in text), found[0][1])
        return "\n".join(text for text, _ in found), line

    def _header_comments(self, first_block_line: int | None) -> list[tuple[str, int]]:
        """Comments before the first block, not attached to it (a blank line between)."""
        end = (first_block_line or len(self.lines) + 1) - 1
        while end >= 1 and self._comment_text(self.lines[end - 1], end) is not None:
            end -= 1  # directly above the first block: that block's comment
        if first_block_line is None:
            end = len(self.lines)
        header = []
        for number in range(1, end + 1):
            text = self._comment_text(self.lines[number - 1], number)
            if text:
                header.append((text, number))
        return header


def _bare_meta_arguments(body: dict) -> dict:
    """Meta-arguments whose JSON form is a bare reference string, not a template."""
    if "provider" in body:
        body["provider"] = bare_expression(body["provider"])
    if isinstance(body.get("depends_on"), list):
        body["depends_on"] = [bare_expression(item) for item in body["depends_on"]]
    if isinstance(body.get("providers"), dict):
        body["providers"] = {key: bare_expression(item) for key, item in body["providers"].items()}
    for lifecycle in body.get("lifecycle") or ():
        if isinstance(lifecycle, dict):
            for key in ("ignore_changes", "replace_triggered_by"):
                if isinstance(lifecycle.get(key), list):
                    lifecycle[key] = [bare_expression(item) for item in lifecycle[key]]
    return body


_HEREDOC_START = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)\s*$")


def _heredoc_lines(lines: list[str]) -> set[int]:
    """Line numbers (1-based) of heredoc bodies and their closing markers."""
    opaque: set[int] = set()
    marker = None
    for number, line in enumerate(lines, 1):
        if marker is not None:
            opaque.add(number)
            if line.strip() == marker:
                marker = None
            continue
        comment = _comment_start(line)
        code = line if comment < 0 else line[:comment]
        match = _HEREDOC_START.search(code)
        if match:
            marker = match.group(1)
    return opaque


def _comment_start(line: str) -> int:
    """Where a ``#`` / ``//`` / ``/*`` comment starts on a line, outside strings; -1 if none."""
    quoted = False
    index = 0
    while index < len(line):
        char = line[index]
        if quoted:
            if char == "\\":
                index += 2
                continue
            if char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "#" or line.startswith(("//", "/*"), index):
            return index
        index += 1
    return -1


__all__ = ["MAX_HCL_BYTES", "TERRAFORM", "HclLocations", "load", "looks_like_hcl"]

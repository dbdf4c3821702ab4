"""HCL expressions and string templates: parse, evaluate, and find references.

Terraform JSON strings are HCL templates (``"${aws_subnet.a.id}"``), and the
HCL loader hands us expressions as the same ``${...}`` strings, so one small
evaluator serves both. It covers what architecture checks need: literals,
traversals (``a.b[0].c``, splats), function calls, collections, operators and
conditionals. Anything it cannot evaluate becomes ``UNKNOWN``; nothing is ever
executed, read from disk or fetched.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import ClassVar

from ..values import UNKNOWN, ResourceRef, Splat, Zone, ZoneList

MAX_TEMPLATE_LENGTH = 100_000

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_-]*)
  | (?P<op>\.\.\.|==|!=|<=|>=|&&|\|\||=>|[-+*/%<>!?:.,\[\](){}=])
  | (?P<quote>")
""", re.X)


class HclSyntaxError(ValueError):
    pass


class _Parser:
    """A Pratt parser over one string, starting at ``position``."""

    def __init__(self, text: str, position: int = 0) -> None:
        self.text = text
        self.position = position

    # -- tokens ---------------------------------------------------------------
    def _skip_space(self) -> None:
        text, position = self.text, self.position
        while position < len(text):
            if text[position].isspace():
                position += 1
            elif text.startswith("#", position) or text.startswith("//", position):
                end = text.find("\n", position)
                position = len(text) if end < 0 else end
            elif text.startswith("/*", position):
                end = text.find("*/", position + 2)
                position = len(text) if end < 0 else end + 2
            else:
                break
        self.position = position

    def peek(self) -> tuple[str, str]:
        self._skip_space()
        if self.position >= len(self.text):
            return "eof", ""
        match = _TOKEN.match(self.text, self.position)
        if match is None:
            raise HclSyntaxError(f"unexpected character {self.text[self.position]!r}")
        kind = match.lastgroup or "op"
        return kind, match.group(kind)

    def take(self) -> tuple[str, str]:
        kind, value = self.peek()
        if kind != "quote":
            self.position += len(value)
        return kind, value

    def expect(self, op: str) -> None:
        kind, value = self.take()
        if value != op or kind not in ("op",):
            raise HclSyntaxError(f"expected {op!r}, found {value!r}")

    def at(self, op: str) -> bool:
        kind, value = self.peek()
        return kind == "op" and value == op

    # -- expressions ----------------------------------------------------------
    def expression(self) -> tuple:
        condition = self.binary(0)
        if self.at("?"):
            self.take()
            when_true = self.expression()
            self.expect(":")
            when_false = self.expression()
            return ("cond", condition, when_true, when_false)
        return condition

    _PRECEDENCE: ClassVar[dict[str, int]] = {
        "||": 1, "&&": 2, "==": 3, "!=": 3, "<": 4, ">": 4, "<=": 4, ">=": 4,
        "+": 5, "-": 5, "*": 6, "/": 6, "%": 6}

    def binary(self, minimum: int) -> tuple:
        left = self.unary()
        while True:
            kind, value = self.peek()
            precedence = self._PRECEDENCE.get(value) if kind == "op" else None
            if precedence is None or precedence <= minimum:
                return left
            self.take()
            left = ("binary", value, left, self.binary(precedence))

    def unary(self) -> tuple:
        if self.at("!") or self.at("-"):
            _, op = self.take()
            return ("unary", op, self.unary())
        return self.postfix(self.primary())

    def postfix(self, node: tuple) -> tuple:
        while True:
            if self.at("."):
                self.take()
                kind, value = self.take()
                if kind == "op" and value == "*":
                    node = ("splat", node, self._splat_rest(attribute_only=True))
                elif kind in ("ident", "number"):
                    node = ("attr", node, value) if kind == "ident" else ("index", node,
                                                                           ("lit", int(value)))
                else:
                    raise HclSyntaxError(f"unexpected {value!r} after '.'")
            elif self.at("["):
                self.take()
                if self.at("*"):
                    self.take()
                    self.expect("]")
                    node = ("splat", node, self._splat_rest(attribute_only=False))
                else:
                    index = self.expression()
                    self.expect("]")
                    node = ("index", node, index)
            else:
                return node

    def _splat_rest(self, attribute_only: bool) -> list:
        steps: list = []
        while True:
            if self.at("."):
                save = self.position
                self.take()
                kind, value = self.peek()
                if kind != "ident":
                    self.position = save
                    return steps
                self.take()
                steps.append(("attr", value))
            elif self.at("[") and not attribute_only:
                self.take()
                index = self.expression()
                self.expect("]")
                steps.append(("index", index))
            else:
                return steps

    def primary(self) -> tuple:
        kind, value = self.peek()
        if kind == "number":
            self.take()
            return ("lit", float(value) if any(c in value for c in ".eE") else int(value))
        if kind == "quote":
            self.position += 1
            return self.quoted()
        if kind == "ident":
            self.take()
            if value in ("true", "false"):
                return ("lit", value == "true")
            if value == "null":
                return ("lit", None)
            if self.at("("):
                return self.call(value)
            if self.at(":") and self.text.startswith("::", self.position):
                # provider-defined function: provider::name::fn(...)
                while self.text.startswith("::", self.position):
                    self.position += 2
                    _, part = self.take()
                    value += "::" + part
                return self.call(value)
            return ("var", value)
        if kind == "op" and value == "(":
            self.take()
            inner = self.expression()
            self.expect(")")
            return inner
        if kind == "op" and value == "[":
            self.take()
            if self.peek() == ("ident", "for"):
                return self.for_expression("]")
            items = []
            while not self.at("]"):
                items.append(self.expression())
                if not self.at(","):
                    break
                self.take()
            self.expect("]")
            return ("list", items)
        if kind == "op" and value == "{":
            self.take()
            if self.peek() == ("ident", "for"):
                return self.for_expression("}")
            items = []
            while not self.at("}"):
                key = self.expression()
                if not (self.at("=") or self.at(":")):
                    raise HclSyntaxError("expected '=' or ':' in object")
                self.take()
                items.append((key, self.expression()))
                if self.at(","):
                    self.take()
            self.expect("}")
            return ("object", items)
        raise HclSyntaxError(f"unexpected {value or 'end of expression'!r}")

    def call(self, name: str) -> tuple:
        self.expect("(")
        args = []
        expand = False
        while not self.at(")"):
            args.append(self.expression())
            if self.at("..."):
                self.take()
                expand = True
            if not self.at(","):
                break
            self.take()
        self.expect(")")
        return ("call", name, args, expand)

    def for_expression(self, closing: str) -> tuple:
        """``[for v in coll : expr if cond]`` / ``{for k, v in coll : k => v}``; evaluates to UNKNOWN."""
        self.take()  # for
        self.take()  # first name
        if self.at(","):
            self.take()
            self.take()
        if self.take() != ("ident", "in"):
            raise HclSyntaxError("expected 'in' in a for expression")
        parts = [self.expression()]
        self.expect(":")
        parts.append(self.expression())
        if self.at("=>"):
            self.take()
            parts.append(self.expression())
        if self.at("..."):
            self.take()
        if self.peek() == ("ident", "if"):
            self.take()
            parts.append(self.expression())
        self.expect(closing)
        return ("for", "", parts)

    def quoted(self) -> tuple:
        """A quoted template, after its opening quote; consumes the closing quote."""
        parts, self.position = parse_template_parts(self.text, self.position, closing='"')
        return _template_node(parts)


def _template_node(parts: list) -> tuple:
    if not parts:
        return ("lit", "")
    if len(parts) == 1 and isinstance(parts[0], str):
        return ("lit", parts[0])
    return ("tpl", parts)


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def parse_template_parts(text: str, position: int = 0, closing: str | None = None
                         ) -> tuple[list, int]:
    """Split a template into literal strings and expression ASTs.

    With ``closing='"'`` it parses a quoted string inside an expression (escapes
    apply) and stops after the closing quote.
    """
    parts: list = []
    literal: list[str] = []
    length = len(text)
    while position < length:
        char = text[position]
        if closing and char == closing:
            position += 1
            break
        if closing and char == "\\" and position + 1 < length:
            nxt = text[position + 1]
            if nxt == "u" and position + 6 <= length:
                literal.append(chr(int(text[position + 2:position + 6], 16)))
                position += 6
            else:
                literal.append(_ESCAPES.get(nxt, nxt))
                position += 2
            continue
        if text.startswith("$${", position) or text.startswith("%%{", position):
            literal.append(text[position + 1:position + 3])
            position += 3
            continue
        if text.startswith("${", position) or text.startswith("%{", position):
            directive = char == "%"
            parser = _Parser(text, position + 2)
            if text.startswith("~", parser.position):
                parser.position += 1
            if directive:
                end = _matching_brace(text, position + 2)
                node: tuple = ("directive", text[position + 2:end])
                parser.position = end
            else:
                node = parser.expression()
            parser._skip_space()
            if text.startswith("~", parser.position):
                parser.position += 1
            if not text.startswith("}", parser.position):
                raise HclSyntaxError("expected '}' to close an interpolation")
            position = parser.position + 1
            if literal:
                parts.append("".join(literal))
                literal = []
            parts.append(node)
            continue
        literal.append(char)
        position += 1
    else:
        if closing:
            raise HclSyntaxError("unterminated string")
    if literal:
        parts.append("".join(literal))
    return parts, position


def _matching_brace(text: str, position: int) -> int:
    depth = 1
    while position < len(text):
        if text[position] == "{":
            depth += 1
        elif text[position] == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    raise HclSyntaxError("unterminated template directive")


_CACHE: dict[str, tuple] = {}


def parse_template(text: str) -> tuple:
    """Parse a Terraform JSON string as a template; cached, since strings repeat."""
    node = _CACHE.get(text)
    if node is None:
        if "${" not in text and "%{" not in text:
            node = ("lit", text.replace("$${", "${").replace("%%{", "%{"))
        elif len(text) > MAX_TEMPLATE_LENGTH:
            node = ("unknown",)
        else:
            try:
                parts, _ = parse_template_parts(text)
                node = parts[0] if len(parts) == 1 and not isinstance(parts[0], str) else \
                    _template_node(parts)
            except (HclSyntaxError, ValueError, RecursionError):
                node = ("unknown",)
        if len(_CACHE) > 50_000:
            _CACHE.clear()
        _CACHE[text] = node
    return node


def parse_expression(text: str) -> tuple:
    """Parse a bare expression (``aws_subnet.a.id``); ``("unknown",)`` if it does not parse."""
    try:
        parser = _Parser(text)
        node = parser.expression()
        parser._skip_space()
        return node if parser.position >= len(text) else ("unknown",)
    except (HclSyntaxError, ValueError, RecursionError):
        return ("unknown",)


# -- references ---------------------------------------------------------------

def traversals(node: tuple) -> Iterator[list[str]]:
    """Every static traversal in an AST, as its leading names: ``["aws_subnet", "a", "id"]``."""
    kind = node[0]
    if kind in ("var", "attr", "index", "splat"):
        names = _static_names(node)
        if names:
            yield names
        # indexes may hold references too
        inner = node
        while inner[0] in ("attr", "index", "splat"):
            if inner[0] == "index":
                yield from traversals(inner[2])
            if inner[0] == "splat":
                for step in inner[2]:
                    if step[0] == "index":
                        yield from traversals(step[1])
            inner = inner[1]
        return
    if kind == "tpl":
        for part in node[1]:
            if not isinstance(part, str):
                yield from traversals(part)
    elif kind == "call":
        for arg in node[2]:
            yield from traversals(arg)
    elif kind == "list":
        for item in node[1]:
            yield from traversals(item)
    elif kind == "object":
        for key, value in node[1]:
            if key[0] != "var":  # a bare name as an object key is a string, not a reference
                yield from traversals(key)
            yield from traversals(value)
    elif kind == "unary":
        yield from traversals(node[2])
    elif kind == "binary":
        yield from traversals(node[2])
        yield from traversals(node[3])
    elif kind == "cond":
        for child in node[1:]:
            yield from traversals(child)
    elif kind == "for":
        for part in node[2]:
            yield from traversals(part)


def _static_names(node: tuple) -> list[str]:
    names: list[str] = []
    while True:
        kind = node[0]
        if kind == "var":
            names.append(node[1])
            return names[::-1]
        if kind == "attr":
            names.append(node[2])
        elif kind == "index":
            if node[2][0] == "lit":
                names.append(str(node[2][1]))
            else:
                names.clear()
        elif kind == "splat":
            names.clear()
        else:
            return []
        node = node[1]


# -- evaluation ---------------------------------------------------------------

class Context:
    """What names mean while evaluating: implemented by the Terraform scopes."""

    def root(self, name: str) -> object:          # var, local, count, each, data, aws_x ...
        return UNKNOWN

    def traverse(self, value: object, name: str) -> object:
        return UNKNOWN

    def index(self, value: object, key: object) -> object:
        return UNKNOWN


def evaluate(node: tuple, context: Context) -> object:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "tpl":
        pieces = []
        for part in node[1]:
            value = part if isinstance(part, str) else evaluate(part, context)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = _number_text(value)
            if not isinstance(value, str):
                return UNKNOWN
            pieces.append(value)
        return "".join(pieces)
    if kind == "var":
        return context.root(node[1])
    if kind == "attr":
        base = evaluate(node[1], context)
        return _get_attr(base, node[2], context)
    if kind == "index":
        return _get_index(evaluate(node[1], context), evaluate(node[2], context), context)
    if kind == "splat":
        base = evaluate(node[1], context)
        return _splat(base, node[2], context)
    if kind == "call":
        return _call(node[1], [evaluate(arg, context) for arg in node[2]], node[3])
    if kind == "list":
        return [evaluate(item, context) for item in node[1]]
    if kind == "object":
        result = {}
        for key_node, value_node in node[1]:
            key = node_key(key_node) if key_node[0] == "var" else evaluate(key_node, context)
            if not isinstance(key, str):
                return UNKNOWN
            result[key] = evaluate(value_node, context)
        return result
    if kind == "unary":
        value = evaluate(node[2], context)
        if node[1] == "!":
            return (not value) if isinstance(value, bool) else UNKNOWN
        return -value if isinstance(value, (int, float)) and not isinstance(value, bool) else UNKNOWN
    if kind == "binary":
        return _binary(node[1], evaluate(node[2], context), evaluate(node[3], context))
    if kind == "cond":
        condition = evaluate(node[1], context)
        if condition is True:
            return evaluate(node[2], context)
        if condition is False:
            return evaluate(node[3], context)
        when_true, when_false = evaluate(node[2], context), evaluate(node[3], context)
        return when_true if _known(when_true) and when_true == when_false else UNKNOWN
    return UNKNOWN  # for expressions, directives, unparseable text


def node_key(node: tuple) -> str:
    """Object keys written as bare names (``{ Effect = "Allow" }``) are strings."""
    return node[1]


def _known(value: object) -> bool:
    if value is UNKNOWN:
        return False
    if isinstance(value, list):
        return all(_known(item) for item in value)
    if isinstance(value, dict):
        return all(_known(item) for item in value.values())
    return True


def _number_text(value: int | float) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _get_attr(base: object, name: str, context: Context) -> object:
    if isinstance(base, dict):
        return base.get(name, UNKNOWN)
    if isinstance(base, (ResourceRef, _Traversable)):
        return context.traverse(base, name)
    if isinstance(base, Splat):
        return base
    return UNKNOWN


def _get_index(base: object, index: object, context: Context) -> object:
    if base is UNKNOWN:
        return UNKNOWN
    if isinstance(base, ZoneList):
        return Zone(index=index, region=base.region) if isinstance(index, int) else UNKNOWN
    if isinstance(base, list):
        if isinstance(index, bool) or not isinstance(index, (int, float)):
            return UNKNOWN
        position = int(index)
        return base[position] if -len(base) <= position < len(base) else UNKNOWN
    if isinstance(base, dict):
        return base.get(index, UNKNOWN) if isinstance(index, str) else UNKNOWN
    if isinstance(base, (ResourceRef, _Traversable)):
        return context.index(base, index)
    return UNKNOWN


def _splat(base: object, steps: list, context: Context) -> object:
    if isinstance(base, ResourceRef):
        attribute = next((step[1] for step in steps if step[0] == "attr"), None)
        return Splat(ResourceRef(base.node, attribute))
    if isinstance(base, list):
        results = []
        for item in base:
            for step in steps:
                item = _get_attr(item, step[1], context) if step[0] == "attr" else UNKNOWN
            results.append(item)
        return results
    return UNKNOWN


class _Traversable:
    """Marker base for context values that resolve attribute access themselves."""


def _binary(op: str, left: object, right: object) -> object:
    if left is UNKNOWN or right is UNKNOWN:
        if op == "&&" and (left is False or right is False):
            return False
        if op == "||" and (left is True or right is True):
            return True
        return UNKNOWN
    try:
        if op == "==":
            return left == right
        if op == "!=":
            return left != right
        if op == "&&":
            return left and right if isinstance(left, bool) and isinstance(right, bool) else UNKNOWN
        if op == "||":
            return left or right if isinstance(left, bool) and isinstance(right, bool) else UNKNOWN
        numbers = [_to_number(left), _to_number(right)]
        if any(n is None for n in numbers):
            return UNKNOWN
        a, b = numbers
        result = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b,
                  "/": lambda: a / b, "%": lambda: a % b, "<": lambda: a < b,
                  ">": lambda: a > b, "<=": lambda: a <= b, ">=": lambda: a >= b}[op]()
        if isinstance(result, float) and result.is_integer() and op != "/":
            return int(result)
        return result
    except (ZeroDivisionError, KeyError, TypeError, OverflowError):
        return UNKNOWN


def _to_number(value: object) -> int | float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return None
    return None


def _flatten(value: list) -> list:
    result = []
    for item in value:
        if isinstance(item, list):
            result.extend(_flatten(item))
        else:
            result.append(item)
    return result


def _format(fmt: object, *args: object) -> object:
    if not isinstance(fmt, str) or not all(isinstance(a, (str, int, float)) for a in args):
        return UNKNOWN
    values = iter(args)
    try:
        return re.sub(r"%[-+ #0-9.]*([sdvfq%])",
                      lambda m: "%" if m.group(1) == "%" else str(next(values)), fmt)
    except StopIteration:
        return UNKNOWN


def _jsonencode(value: object) -> object:
    if not _known(value) or _has_symbols(value):
        return UNKNOWN
    return json.dumps(value, separators=(",", ":"))


def _has_symbols(value: object) -> bool:
    if isinstance(value, (ResourceRef, Splat, Zone, ZoneList)):
        return True
    if isinstance(value, list):
        return any(_has_symbols(item) for item in value)
    if isinstance(value, dict):
        return any(_has_symbols(item) for item in value.values())
    return False


def _jsondecode(value: object) -> object:
    if not isinstance(value, str):
        return UNKNOWN
    try:
        return json.loads(value)
    except ValueError:
        return UNKNOWN


def _element(items: object, index: object) -> object:
    if isinstance(items, ZoneList) and isinstance(index, int):
        return Zone(index=index, region=items.region)
    if isinstance(items, list) and items and isinstance(index, int):
        return items[index % len(items)]
    return UNKNOWN


def _slice(items: object, start: object, end: object) -> object:
    if isinstance(items, ZoneList) and isinstance(start, int) and isinstance(end, int):
        return [Zone(index=i, region=items.region) for i in range(start, end)]
    if isinstance(items, list) and isinstance(start, int) and isinstance(end, int):
        return items[start:end]
    return UNKNOWN


def _lookup(mapping: object, key: object, *default: object) -> object:
    if isinstance(mapping, dict) and isinstance(key, str):
        if key in mapping:
            return mapping[key]
        return default[0] if default else UNKNOWN
    return UNKNOWN


def _merge(*maps: object) -> object:
    if not all(isinstance(m, dict) for m in maps):
        return UNKNOWN
    result: dict = {}
    for mapping in maps:
        result.update(mapping)  # type: ignore[arg-type]
    return result


def _coalesce(*values: object) -> object:
    for value in values:
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None and value != "":
            return value
    return UNKNOWN


def _try(*values: object) -> object:
    return values[0] if values and values[0] is not UNKNOWN else UNKNOWN


def _length(value: object) -> object:
    return len(value) if isinstance(value, (list, dict, str)) else UNKNOWN


def _string_fn(fn: Callable[[str], object]) -> Callable[..., object]:
    return lambda value, *rest: fn(value) if isinstance(value, str) else UNKNOWN


def _list_fn(fn: Callable[[list], object]) -> Callable[..., object]:
    return lambda value, *rest: fn(value) if isinstance(value, list) else UNKNOWN


_FUNCTIONS: dict[str, Callable[..., object]] = {
    "jsonencode": _jsonencode,
    "jsondecode": _jsondecode,
    "tolist": lambda v: v if isinstance(v, (list, ZoneList)) else UNKNOWN,
    "toset": lambda v: v if isinstance(v, (list, ZoneList)) else UNKNOWN,
    "tomap": lambda v: v if isinstance(v, dict) else UNKNOWN,
    "tostring": lambda v: v if isinstance(v, str) else (
        _number_text(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else UNKNOWN),
    "tonumber": lambda v: _to_number(v) if _to_number(v) is not None else UNKNOWN,
    "tobool": lambda v: v if isinstance(v, bool) else (
        v == "true" if v in ("true", "false") else UNKNOWN),
    "concat": lambda *v: [x for items in v for x in items] if all(
        isinstance(x, list) for x in v) else UNKNOWN,
    "element": _element,
    "slice": _slice,
    "length": _length,
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "trimspace": _string_fn(str.strip),
    "format": _format,
    "join": lambda sep, items: sep.join(items) if isinstance(sep, str) and isinstance(
        items, list) and all(isinstance(i, str) for i in items) else UNKNOWN,
    "split": lambda sep, text: text.split(sep) if isinstance(sep, str) and isinstance(
        text, str) else UNKNOWN,
    "replace": lambda text, old, new: text.replace(old, new) if all(
        isinstance(x, str) for x in (text, old, new)) and not old.startswith("/") else UNKNOWN,
    "lookup": _lookup,
    "merge": _merge,
    "coalesce": _coalesce,
    "try": _try,
    "compact": _list_fn(lambda v: [x for x in v if x not in ("", None)]),
    "distinct": _list_fn(lambda v: list(dict.fromkeys(x for x in v if _hashable(x)))),
    "flatten": _list_fn(_flatten),
    "keys": lambda v: sorted(v) if isinstance(v, dict) else UNKNOWN,
    "values": lambda v: [v[k] for k in sorted(v)] if isinstance(v, dict) else UNKNOWN,
    "contains": lambda items, value: value in items if isinstance(items, list) and _known(
        value) else UNKNOWN,
    "min": lambda *v: min(v) if v and all(_to_number(x) is not None for x in v) else UNKNOWN,
    "max": lambda *v: max(v) if v and all(_to_number(x) is not None for x in v) else UNKNOWN,
    "list": lambda *v: list(v),
    "map": lambda *v: dict(zip(v[::2], v[1::2], strict=False)) if len(v) % 2 == 0 else UNKNOWN,
}


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _call(name: str, args: list, expand: bool) -> object:
    if expand:
        if not args or not isinstance(args[-1], list):
            return UNKNOWN
        args = args[:-1] + args[-1]
    function = _FUNCTIONS.get(name)
    if function is None:
        return UNKNOWN
    if name not in ("try", "coalesce") and any(arg is UNKNOWN for arg in args):
        return UNKNOWN
    try:
        return function(*args)
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, RecursionError):
        return UNKNOWN

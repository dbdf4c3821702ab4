"""YAML text -> plain data plus source positions, CloudFormation dialect.

PyYAML composes a node tree (libyaml's C composer where available) that keeps
every node's start and end mark. We construct plain data from that tree
ourselves, which lets us:

- map CloudFormation short-form tags (``!Ref``, ``!GetAtt a.b``, ``!Sub`` ...)
  to their long form without executing or constructing anything else;
- report duplicate keys (PyYAML silently keeps the last one);
- refuse alias bombs and absurd nesting with a one-line error;
- keep YAML 1.1 scalars as CloudFormation reads them, except timestamps,
  which CloudFormation does not support and which stay strings.

Positions are looked up lazily in the node tree (``YamlLocations``).
"""

from __future__ import annotations

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .source import MAX_DEPTH, LoadError, Locations, Span

MAX_EXPANDED_NODES = 2_000_000   # after alias expansion; a real template has < 200,000

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc, valid-type]
    """SafeLoader without the timestamp resolver (CloudFormation keeps dates as strings)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_SCALAR_CONSTRUCTORS = {
    "tag:yaml.org,2002:null": lambda loader, node: None,
    "tag:yaml.org,2002:bool": lambda loader, node: loader.construct_yaml_bool(node),
    "tag:yaml.org,2002:int": lambda loader, node: loader.construct_yaml_int(node),
    "tag:yaml.org,2002:float": lambda loader, node: loader.construct_yaml_float(node),
}


def intrinsic_key(tag: str) -> str | None:
    """``!Ref`` -> ``Ref``, ``!GetAtt`` -> ``Fn::GetAtt``; ``None`` for standard tags."""
    if not tag.startswith("!") or tag.startswith("!!") or tag == "!":
        return None
    name = tag[1:]
    return name if name in ("Ref", "Condition") else "Fn::" + name


def _mark(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _next_document_line(text: str, root: Node | None, start: int) -> int:
    """The line of the marker that ends the first document; the parser reports the next
    document's first token, which can come a line or more later."""
    lines = text.splitlines()
    end = root.end_mark.line if root is not None else 0
    return next((number + 1 for number in range(end, min(start, len(lines)))
                 if lines[number].startswith(("---", "..."))), start)


def compose(text: str, display: str) -> tuple[Node | None, int]:
    """Compose the first YAML document.

    Returns the root node and, when another document follows, the line of its
    ``---`` (or ``...``) marker, else 0.
    """
    loader = _Loader(text)
    try:
        root = loader.get_node() if loader.check_node() else None
        more = _next_document_line(text, root, loader.peek_event().start_mark.line + 1) \
            if loader.check_node() else 0
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "YAML syntax error"
        context = f" ({exc.context})" if exc.context and exc.problem else ""
        raise LoadError(display, f"invalid YAML: {problem}{context}",
                        mark.line + 1 if mark else 0, mark.column + 1 if mark else 0) from None
    except yaml.YAMLError as exc:
        raise LoadError(display, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise LoadError(display, f"nesting deeper than {MAX_DEPTH} levels") from None
    finally:
        loader.dispose()
    return root, more


def top_level_keys(root: Node | None) -> dict[str, Node]:
    """The scalar keys of a mapping root, without constructing anything."""
    if not isinstance(root, MappingNode):
        return {}
    return {key.value: value for key, value in root.value if isinstance(key, ScalarNode)}


def construct(root: Node, display: str) -> object:
    """Build plain data from a composed node tree (see the module docstring)."""
    loader = _Loader("")
    memo: dict[int, tuple[object, int]] = {}

    def fail(node: Node, message: str) -> LoadError:
        line, column = _mark(node)
        return LoadError(display, message, line, column)

    def scalar(node: ScalarNode) -> object:
        make = _SCALAR_CONSTRUCTORS.get(node.tag)
        if make is None:
            return node.value
        try:
            return make(loader, node)
        except (ValueError, TypeError, yaml.YAMLError):
            raise fail(node, f"cannot read {node.value!r} as {node.tag.rsplit(':', 1)[-1]}") from None

    def walk(node: Node, depth: int) -> tuple[object, int]:
        if depth > MAX_DEPTH:
            raise fail(node, f"nesting deeper than {MAX_DEPTH} levels")
        known = memo.get(id(node))
        if known is not None:  # an alias: share the value, count its expanded size
            return known
        fn = intrinsic_key(node.tag)
        if fn is not None:
            if isinstance(node, ScalarNode):
                if fn == "Fn::GetAtt":
                    value, size = node.value.split(".", 1) if "." in node.value else [node.value], 2
                else:
                    value, size = node.value, 1
            else:
                value, size = body(node, depth)
            result: tuple[object, int] = ({fn: value}, size + 1)
        elif isinstance(node, ScalarNode):
            result = (scalar(node), 1)
        else:
            result = body(node, depth)
        memo[id(node)] = result
        if result[1] > MAX_EXPANDED_NODES:
            raise fail(node, f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                             "(an alias bomb?)")
        return result

    def body(node: Node, depth: int) -> tuple[object, int]:
        if isinstance(node, SequenceNode):
            items, total = [], 1
            for child in node.value:
                value, size = walk(child, depth + 1)
                items.append(value)
                total += size
                if total > MAX_EXPANDED_NODES:
                    raise fail(node, f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} "
                                     "nodes (an alias bomb?)")
            return items, total
        if isinstance(node, MappingNode):
            return mapping(node, depth)
        value, size = walk(ScalarNode(_STR, node.value, node.start_mark, node.end_mark), depth)
        return value, size

    def mapping(node: MappingNode, depth: int) -> tuple[dict, int]:
        result: dict = {}
        first_line: dict = {}
        merged: dict = {}
        total = 1
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                value, size = walk(value_node, depth + 1)
                total += size
                for source in value if isinstance(value, list) else [value]:
                    if not isinstance(source, dict):
                        raise fail(value_node, "a merge key (<<) needs a mapping")
                    for key, item in source.items():
                        merged.setdefault(key, item)
                continue
            if not isinstance(key_node, ScalarNode):
                raise fail(key_node, "mapping keys must be scalars")
            key = scalar(key_node) if intrinsic_key(key_node.tag) is None else key_node.value
            try:
                hash(key)
            except TypeError:
                raise fail(key_node, "mapping keys must be scalars") from None
            if key in result:
                raise fail(key_node, f"duplicate key {key!r} (first at line {first_line[key]})")
            first_line[key] = key_node.start_mark.line + 1
            value, size = walk(value_node, depth + 1)
            result[key] = value
            total += size + 1
            if total > MAX_EXPANDED_NODES:
                raise fail(node, f"YAML aliases expand to more than {MAX_EXPANDED_NODES:,} nodes "
                                 "(an alias bomb?)")
        for key, item in merged.items():
            result.setdefault(key, item)
        return result, total

    try:
        return walk(root, 0)[0]
    finally:
        loader.dispose()


class YamlLocations(Locations):
    """Spans looked up in the composed node tree."""

    def __init__(self, root: Node | None) -> None:
        self._root = root
        self._index: dict[int, dict[str, tuple[Node, Node]]] = {}

    def _entries(self, node: MappingNode) -> dict[str, tuple[Node, Node]]:
        entries = self._index.get(id(node))
        if entries is None:
            entries = {}
            for key, value in node.value:
                if isinstance(key, ScalarNode):
                    entries.setdefault(key.value, (key, value))
            self._index[id(node)] = entries
        return entries

    def find(self, path: tuple) -> Span | None:
        node = self._root
        if node is None:
            return None
        span_from: Node = node
        for part in path:
            fn = intrinsic_key(node.tag)
            if fn is not None and part == fn:
                continue  # the long-form key of a short-form tag sits on the tagged node itself
            if isinstance(node, MappingNode):
                entry = self._entries(node).get(str(part) if not isinstance(part, bool) else
                                                ("true" if part else "false"))
                if entry is None:
                    return None
                span_from, node = entry
            elif isinstance(node, SequenceNode):
                if not isinstance(part, int) or not 0 <= part < len(node.value):
                    return None
                node = span_from = node.value[part]
            elif isinstance(node, ScalarNode) and isinstance(part, int):
                continue  # e.g. the parts of a split `!GetAtt A.B`
            else:
                return None
        start = span_from.start_mark
        end = node.end_mark if isinstance(node, ScalarNode) else span_from.end_mark
        if isinstance(node, ScalarNode) and end.line != start.line:
            end = span_from.end_mark
        return Span(start.line + 1, start.column + 1, end.line + 1, end.column + 1)

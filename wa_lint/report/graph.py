"""The resource graph as Graphviz dot or JSON (``wa-lint graph``)."""

from __future__ import annotations

from ..graph import Model, Node


def node_key(node: Node) -> str:
    return f"{node.document.path}#{node.address}"


def to_json(model: Model) -> dict:
    nodes = []
    for node in model.nodes.values():
        span = node.document.locations.find(node.declaration.pointer)
        region = node.scope.region(node)
        nodes.append({
            "id": node_key(node),
            "address": node.address,
            "type": node.type,
            "mode": node.mode,
            "file": node.document.path,
            "line": span.line if span else None,
            "format": node.document.format,
            "region": region if isinstance(region, str) else None,
        })
    edges = []
    for source, target, data in model.graph.edges(data=True):
        edges.append({
            "source": node_key(model.nodes[source]),
            "target": node_key(model.nodes[target]),
            "kind": data["kind"],
            "path": list(data["path"]),
            "attribute": data.get("attribute"),
        })
    return {"nodes": nodes, "edges": edges}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def to_dot(model: Model) -> str:
    lines = ["digraph wa_lint {", "  rankdir=LR;", '  node [shape=box, fontname="Helvetica"];']
    for node in model.nodes.values():
        label = f"{node.address}\\n{node.type}"
        lines.append(f"  {_quote(node_key(node))} [label={_quote(label)}];")
    for source, target, data in model.graph.edges(data=True):
        lines.append(f"  {_quote(node_key(model.nodes[source]))} -> "
                     f"{_quote(node_key(model.nodes[target]))} [label={_quote(data['kind'])}];")
    lines.append("}")
    return "\n".join(lines) + "\n"

"""``terraform show -json`` output (a plan, or a state) -> Document.

Resources come from ``planned_values`` (a state: ``values``), child modules
included, with their full addresses (``module.net.aws_subnet.a[0]``). What is
unknown until apply is read from ``resource_changes[].change.after_unknown``.
Edges come later, from ``configuration`` (see ``wa_lint.graph.terraform``).
"""

from __future__ import annotations

from collections.abc import Iterator

from .document import TERRAFORM_PLAN, Declaration, Document
from .source import LoadError, Locations

SUPPORTED_MAJOR_VERSIONS = ("0", "1")


def looks_like_plan(data: object) -> bool:
    return isinstance(data, dict) and "format_version" in data and any(
        key in data for key in ("planned_values", "resource_changes", "configuration", "values",
                                "prior_state"))


def _iter_module(module: object, pointer: tuple) -> Iterator[tuple[dict, tuple]]:
    if not isinstance(module, dict):
        return
    for index, resource in enumerate(module.get("resources") or ()):
        if isinstance(resource, dict) and isinstance(resource.get("address"), str):
            yield resource, (*pointer, "resources", index)
    for index, child in enumerate(module.get("child_modules") or ()):
        yield from _iter_module(child, (*pointer, "child_modules", index))


def build(path: str, data: dict, locations: Locations) -> Document:
    version = str(data.get("format_version", ""))
    if version.split(".", 1)[0] not in SUPPORTED_MAJOR_VERSIONS:
        span = locations.find(("format_version",))
        raise LoadError(path, f"unsupported Terraform JSON format_version {version!r} "
                              "(supported: 0.x and 1.x)", span.line if span else 0,
                        span.column if span else 0)
    changes = {}
    for change in data.get("resource_changes") or ():
        if isinstance(change, dict) and isinstance(change.get("change"), dict):
            changes[change.get("address")] = change["change"]

    base = ("planned_values",) if "planned_values" in data else ("values",)
    root = data.get(base[0])
    seen: set[str] = set()
    declarations = []
    sources = [(root, base)]
    prior = data.get("prior_state")
    if isinstance(prior, dict):  # data sources read during planning appear only here
        sources.append((prior.get("values"), ("prior_state", "values")))
    for values, pointer in sources:
        if not isinstance(values, dict):
            continue
        for resource, resource_pointer in _iter_module(values.get("root_module"),
                                                       (*pointer, "root_module")):
            address = resource["address"]
            mode = resource.get("mode", "managed")
            if address in seen or (pointer[0] == "prior_state" and mode != "data"):
                continue
            seen.add(address)
            change = changes.get(address, {})
            if set(change.get("actions") or ()) <= {"delete", "forget"} and change.get("actions"):
                continue
            properties = resource.get("values")
            declarations.append(Declaration(
                address=address,
                type=str(resource.get("type", "")),
                properties=properties if isinstance(properties, dict) else {},
                pointer=resource_pointer,
                properties_pointer=(*resource_pointer, "values"),
                attributes={
                    "after_unknown": change.get("after_unknown") or {},
                    "has_values": isinstance(properties, dict),
                    "index": resource.get("index"),
                    "provider_name": resource.get("provider_name", ""),
                },
                mode=mode,
            ))
    return Document(path=path, format=TERRAFORM_PLAN, data=data, locations=locations,
                    resources=tuple(declarations))

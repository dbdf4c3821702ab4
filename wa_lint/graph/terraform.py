"""Terraform: configuration modules (``*.tf.json``) and plans, resolved into the graph.

A directory of ``.tf.json`` files is one module: its resources reference each
other across files. Strings are HCL templates, evaluated with variable
defaults, locals, ``count.index`` and the providers' Regions; references become
edges. A plan already holds values; its edges come from ``configuration``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ..load import Document, ModuleCall
from ..load.terraform import iter_blocks
from ..values import UNKNOWN, ResourceRef, ZoneList
from . import hcl
from .model import (
    INTERPOLATION,
    PLAN_REFERENCE,
    TF_DEPENDS_ON,
    Model,
    Node,
    NodeId,
    Reference,
    Scope,
)

_ZONE_ATTRIBUTES = ("names", "zone_ids")
_INSTANCE_KEY = re.compile(r"\[[^\]]*\]")
_NOT_RESOURCES = frozenset({"var", "local", "count", "each", "path", "terraform", "self",
                            "module", "data"})
MAX_LOCAL_DEPTH = 32
# arguments of a module block that are not inputs of the module
MODULE_META = frozenset({"source", "version", "count", "for_each", "providers", "depends_on",
                         "//"})


class _Root(hcl._Traversable):
    """A partly written traversal: ``var``, ``local``, ``data.aws_x`` ..."""

    __slots__ = ("names",)

    def __init__(self, *names: str) -> None:
        self.names = names


class _Evaluation(hcl.Context):
    """Evaluate within a module, optionally for one ``count`` or ``for_each`` instance."""

    def __init__(self, scope: TerraformModuleScope, count_index: object = UNKNOWN,
                 region: object = UNKNOWN, each: tuple = (UNKNOWN, UNKNOWN)) -> None:
        self.scope = scope
        self.count_index = count_index
        self.region = region
        self.each = each

    def root(self, name: str) -> object:
        if name in ("var", "local", "count", "each", "data", "module", "path", "terraform",
                    "resource"):
            return _Root(name)
        if name in self.scope.resource_types:
            return _Root(name)
        return UNKNOWN

    def traverse(self, value: object, name: str) -> object:
        scope = self.scope
        if isinstance(value, ResourceRef):
            node = scope.model.nodes.get(value.node)
            if node is not None and node.type == "aws_availability_zones" and \
                    name in _ZONE_ATTRIBUTES:
                return ZoneList(_region_text(scope.region_of(node)))
            if value.attribute is None:
                return ResourceRef(value.node, name, value.index)
            return value
        if not isinstance(value, _Root):
            return UNKNOWN
        names = (*value.names, name)
        head = names[0]
        if head == "var":
            return scope.variable(name)
        if head == "local":
            return scope.local(name)
        if head == "count":
            return self.count_index if name == "index" else UNKNOWN
        if head == "each":
            return self.each[0] if name == "key" else self.each[1] if name == "value" else UNKNOWN
        if head == "resource":     # resource.aws_x.y (Terraform 1.7+): the same as aws_x.y
            if len(names) == 2:
                return _Root(*names)
            target = scope.resources.get(f"{names[1]}.{names[2]}")
            return ResourceRef(target) if target else UNKNOWN
        if head == "module":
            if len(names) == 2:
                return _Root(*names)
            child = scope.children.get(names[1])
            return child.output(name) if child is not None and len(names) == 3 else UNKNOWN
        if head == "data":
            if len(names) == 2:
                return _Root(*names)
            target = scope.resources.get(f"data.{names[1]}.{names[2]}")
            return ResourceRef(target) if target else UNKNOWN
        if head in scope.resource_types and len(names) == 2:
            target = scope.resources.get(f"{head}.{name}")
            return ResourceRef(target) if target else UNKNOWN
        return UNKNOWN


    def index(self, value: object, key: object) -> object:
        if isinstance(value, ResourceRef) and value.attribute is None and value.index is None:
            if isinstance(key, (int, str)) and not isinstance(key, bool):
                return ResourceRef(value.node, None, key)
            return ResourceRef(value.node, None, UNKNOWN)
        return value if isinstance(value, ResourceRef) else UNKNOWN


def _region_text(region: object) -> str:
    return region if isinstance(region, str) else ""


class TerraformModuleScope(Scope):
    """One Terraform module: a root folder, or a local child module reached by ``call``.

    A child module's resources are addressed ``module.<name>.<type>.<name>``;
    within the module they are referred to by their local address. Its
    variables take the call's inputs (resolved in the caller), and the caller
    reads its outputs as ``module.<name>.<output>``.
    """

    def __init__(self, key: str, documents: list[Document], model: Model,
                 call: ModuleCall | None = None,
                 parent: TerraformModuleScope | None = None) -> None:
        self.key = key
        self.model = model
        self.documents = documents
        self.call = call
        self.parent = parent
        self.children: dict[str, TerraformModuleScope] = {}
        if call is not None and parent is not None:
            parent.children[call.name] = self
        prefix = call.address + "." if call is not None else ""
        self.inputs: dict[str, object] = {}
        if call is not None:
            self.inputs = {name: value for name, value in call.body.items()
                           if name not in MODULE_META}
        self.outputs: dict[str, object] = {}
        self.resources: dict[str, NodeId] = {}
        self.resource_types: set[str] = set()
        self.variables: dict[str, object] = {}
        self.locals: dict[str, object] = {}
        self.providers: dict[str, dict] = {}
        for document in documents:
            data = document.data
            for (name,), body, _ in iter_blocks(data.get("variable"), 1, ("variable",)):
                self.variables[name] = body.get("default", UNKNOWN) if "default" in body else \
                    UNKNOWN
            for _, body, _ in iter_blocks(data.get("locals"), 0, ("locals",)):
                self.locals.update({key: value for key, value in body.items() if key != "//"})
            for (name,), body, _ in iter_blocks(data.get("provider"), 1, ("provider",)):
                alias = body.get("alias")
                self.providers[f"{name}.{alias}" if isinstance(alias, str) else name] = body
            for (name,), body, _ in iter_blocks(data.get("output"), 1, ("output",)):
                if isinstance(body, dict) and "value" in body:
                    self.outputs[name] = body["value"]
            for declaration in document.resources:
                local_address = declaration.address[len(prefix):]
                self.resources[local_address] = (key, declaration.address)
                if declaration.mode == "managed":
                    self.resource_types.add(declaration.type)
        self._input_values: dict[str, object] = {}
        self._output_values: dict[str, object] = {}
        self._output_stack: list[str] = []
        self._local_values: dict[str, object] = {}
        self._local_stack: list[str] = []
        self._local_references: dict[str, list[Reference]] = {}

    # -- values -------------------------------------------------------------------
    def variable(self, name: str) -> object:
        if name in self.inputs:
            if self.parent is None:
                return UNKNOWN
            if name not in self._input_values:
                self._input_values[name] = UNKNOWN   # guards cycles through the caller
                self._input_values[name] = self.parent.resolve(self.inputs[name])
            return self._input_values[name]
        return self.variables.get(name, UNKNOWN)

    def output(self, name: str) -> object:
        """The value of one of this module's outputs, as its caller sees it."""
        if name in self._output_values:
            return self._output_values[name]
        if name not in self.outputs or name in self._output_stack or \
                len(self._output_stack) > MAX_LOCAL_DEPTH:
            return UNKNOWN
        self._output_stack.append(name)
        try:
            value = self.evaluate(self.outputs[name], _Evaluation(self))
        finally:
            self._output_stack.pop()
        self._output_values[name] = value
        return value

    def local(self, name: str) -> object:
        if name in self._local_values:
            return self._local_values[name]
        if name not in self.locals or name in self._local_stack or \
                len(self._local_stack) > MAX_LOCAL_DEPTH:
            return UNKNOWN
        self._local_stack.append(name)
        try:
            value = self.evaluate(self.locals[name], _Evaluation(self))
        finally:
            self._local_stack.pop()
        self._local_values[name] = value
        return value

    def evaluate(self, raw: object, context: _Evaluation) -> object:
        if isinstance(raw, str):
            return hcl.evaluate(hcl.parse_template(raw), context)
        if isinstance(raw, dict):
            return {key: self.evaluate(value, context) for key, value in raw.items()
                    if key != "//"}
        if isinstance(raw, list):
            return [self.evaluate(value, context) for value in raw]
        return raw

    def resolve(self, raw: object) -> object:
        return self.evaluate(raw, _Evaluation(self))

    def resolve_properties(self, node: Node, instance: int | None = None) -> dict:
        context = _Evaluation(self, UNKNOWN if instance is None else instance)
        if instance is not None and "for_each" in node.declaration.attributes:
            context = _Evaluation(self, UNKNOWN, each=self._each(node, instance))
        value = self.evaluate(node.declaration.properties, context)
        return value if isinstance(value, dict) else {}

    def _each(self, node: Node, instance: int) -> tuple:
        """``each.key`` and ``each.value`` of the ``instance``-th ``for_each`` element
        (a map's keys in lexical order, as Terraform orders them; a set's elements)."""
        items = self.resolve(node.declaration.attributes["for_each"])
        if isinstance(items, dict):
            keys = sorted(items)
            if 0 <= instance < len(keys):
                return keys[instance], items[keys[instance]]
        elif isinstance(items, list) and 0 <= instance < len(items):
            item = items[instance]
            return (item, item) if isinstance(item, str) else (UNKNOWN, item)
        return UNKNOWN, UNKNOWN

    def instance_count(self, node: Node) -> object:
        attributes = node.declaration.attributes
        if "count" in attributes:
            count = self.resolve(attributes["count"])
            if isinstance(count, bool) or not isinstance(count, (int, float)):
                return UNKNOWN
            return int(count)
        if "for_each" in attributes:
            items = self.resolve(attributes["for_each"])
            return len(items) if isinstance(items, (list, dict)) else UNKNOWN
        return 1

    def region_of(self, node: Node) -> object:
        provider = node.declaration.attributes.get("provider")
        key = provider.strip("${} ") if isinstance(provider, str) else node.type.split("_", 1)[0]
        return self.provider_region(key)

    def provider_region(self, key: str, depth: int = 0) -> object:
        """The Region of a provider configuration; a child module inherits its caller's
        (through the call's ``providers`` map when it has one)."""
        body = self.providers.get(key)
        if body is None:
            if self.parent is None or self.call is None or depth > MAX_LOCAL_DEPTH:
                return UNKNOWN
            mapping = self.call.body.get("providers")
            if isinstance(mapping, dict) and isinstance(mapping.get(key), str):
                return self.parent.provider_region(mapping[key].strip("${} "), depth + 1)
            return self.parent.provider_region(key, depth + 1)
        region = self.resolve(body.get("region", UNKNOWN))
        return region if isinstance(region, str) else UNKNOWN

    def region(self, node: Node) -> object:
        return self.region_of(node)

    # -- references -------------------------------------------------------------
    def references(self, node: Node) -> Iterator[Reference]:
        body = node.declaration.properties
        for key, value in body.items():
            if key in ("depends_on", "lifecycle", "provider", "//"):
                continue
            yield from self._references_in(value, (key,))
        depends_on = body.get("depends_on")
        for index, target in enumerate(depends_on if isinstance(depends_on, list) else ()):
            if isinstance(target, str):
                address = target.strip("${} ")
                if address in self.resources:
                    yield Reference(self.resources[address], TF_DEPENDS_ON, ("depends_on", index))

    def _references_in(self, raw: object, path: tuple) -> Iterator[Reference]:
        stack = [(raw, path)]
        while stack:
            value, where = stack.pop()
            if isinstance(value, str):
                if "${" in value:
                    yield from self._template_references(hcl.parse_template(value), where)
            elif isinstance(value, dict):
                stack.extend((item, (*where, key)) for key, item in value.items() if key != "//")
            elif isinstance(value, list):
                stack.extend((item, (*where, index)) for index, item in enumerate(value))

    def _template_references(self, node: tuple, where: tuple) -> Iterator[Reference]:
        for names in hcl.traversals(node):
            if names[0] == "resource" and len(names) > 2:
                names = names[1:]
            head = names[0]
            if head == "local" and len(names) > 1:
                for reference in self._local_references_of(names[1]):
                    yield Reference(reference.target, INTERPOLATION, where, reference.attribute)
                continue
            if head == "var" and len(names) > 1 and names[1] in self.inputs and self.parent:
                for reference in self.parent.input_references(self, names[1]):
                    yield Reference(reference.target, INTERPOLATION, where, reference.attribute)
                continue
            if head == "module" and len(names) > 2 and names[1] in self.children:
                for reference in self.children[names[1]].output_references(names[2]):
                    yield Reference(reference.target, INTERPOLATION, where, reference.attribute)
                continue
            address = None
            attribute = None
            if head == "data" and len(names) >= 3:
                address = f"data.{names[1]}.{names[2]}"
                attribute = names[3] if len(names) > 3 else None
            elif head not in _NOT_RESOURCES and len(names) >= 2:
                address = f"{head}.{names[1]}"
                attribute = names[2] if len(names) > 2 and not names[2].isdigit() else (
                    names[3] if len(names) > 3 else None)
            target = self.resources.get(address) if address else None
            if target:
                yield Reference(target, INTERPOLATION, where, attribute)

    def input_references(self, child: TerraformModuleScope, name: str) -> list[Reference]:
        """What the expression passed to ``child``'s input ``name`` refers to (in this scope)."""
        key = f"\0input:{child.call.address if child.call else ''}:{name}"
        if key not in self._local_references:
            self._local_references[key] = []
            self._local_references[key] = list(self._references_in(child.inputs[name], ()))
        return self._local_references[key]

    def output_references(self, name: str) -> list[Reference]:
        key = f"\0output:{name}"
        if key not in self._local_references:
            self._local_references[key] = []
            raw = self.outputs.get(name)
            self._local_references[key] = list(self._references_in(raw, ())) if raw is not None \
                else []
        return self._local_references[key]

    def _local_references_of(self, name: str) -> list[Reference]:
        if name in self._local_references:
            return self._local_references[name]
        self._local_references[name] = []  # guards cycles
        raw = self.locals.get(name)
        found = list(self._references_in(raw, ())) if raw is not None else []
        self._local_references[name] = found
        return found


# -- plans ------------------------------------------------------------------------

class _Properties(dict):
    """Resolved plan values; ``missing`` is what an absent key means (UNKNOWN if no values)."""

    missing: object = None


def config_key(address: str) -> tuple[str, str]:
    """``module.a["x"].aws_s3_bucket.b[0]`` -> (``module.a``, ``aws_s3_bucket.b``)."""
    plain = _INSTANCE_KEY.sub("", address)
    parts = plain.split(".")
    if len(parts) >= 3 and parts[-3] == "data":
        return ".".join(parts[:-3]), ".".join(parts[-3:])
    return ".".join(parts[:-2]), ".".join(parts[-2:])


class PlanScope(Scope):
    def __init__(self, document: Document, model: Model) -> None:
        self.document = document
        self.model = model
        self.key = document.path
        data = document.data
        self.instances: dict[tuple[str, str], list[NodeId]] = defaultdict(list)
        for declaration in document.resources:
            self.instances[config_key(declaration.address)].append((self.key, declaration.address))
        self.configuration: dict[tuple[str, str], dict] = {}
        configuration = data.get("configuration")
        if isinstance(configuration, dict):
            self._index_module(configuration.get("root_module"), "")
            providers = configuration.get("provider_config")
            self.provider_config = providers if isinstance(providers, dict) else {}
        else:
            self.provider_config = {}
        variables = data.get("variables")
        self.variables = variables if isinstance(variables, dict) else {}

    def _index_module(self, module: object, prefix: str) -> None:
        if not isinstance(module, dict):
            return
        for resource in module.get("resources") or ():
            if isinstance(resource, dict) and isinstance(resource.get("address"), str):
                self.configuration[(prefix, resource["address"])] = resource
        calls = module.get("module_calls")
        for name, call in (calls.items() if isinstance(calls, dict) else ()):
            if isinstance(call, dict):
                child = f"{prefix}.module.{name}" if prefix else f"module.{name}"
                self._index_module(call.get("module"), child)

    def resolve_properties(self, node: Node, instance: int | None = None) -> dict:
        attributes = node.declaration.attributes
        result = _Properties(_overlay(node.declaration.properties,
                                      attributes.get("after_unknown")))
        if not attributes.get("has_values", True):
            result.missing = UNKNOWN
        return result

    def references(self, node: Node) -> Iterator[Reference]:
        module, address = config_key(node.address)
        config = self.configuration.get((module, address))
        if config is None:
            return
        seen: set[tuple] = set()
        for path, reference in _expression_references(config.get("expressions"), ()):
            target = _reference_address(reference)
            if target is None:
                continue
            for target_id in self.instances.get((module, target), ()):
                if (target_id, path) not in seen:
                    seen.add((target_id, path))
                    yield Reference(target_id, PLAN_REFERENCE, path)
        for index, target in enumerate(config.get("depends_on") or ()):
            if isinstance(target, str):
                for target_id in self.instances.get((module, target), ()):
                    yield Reference(target_id, TF_DEPENDS_ON, ("depends_on", index))

    def region(self, node: Node) -> object:
        module, address = config_key(node.address)
        config = self.configuration.get((module, address)) or {}
        provider = self.provider_config.get(config.get("provider_config_key", ""))
        if not isinstance(provider, dict):
            return UNKNOWN
        region = (provider.get("expressions") or {}).get("region")
        if not isinstance(region, dict):
            return UNKNOWN
        if isinstance(region.get("constant_value"), str):
            return region["constant_value"]
        for reference in region.get("references") or ():
            if isinstance(reference, str) and reference.startswith("var."):
                value = (self.variables.get(reference[4:]) or {}).get("value")
                if isinstance(value, str):
                    return value
        return UNKNOWN


def _overlay(values: object, unknown: object) -> object:
    """Mark values that are unknown until apply (``after_unknown``) as UNKNOWN."""
    if unknown is True:
        return UNKNOWN if values is None else values
    if isinstance(values, dict):
        unknown_map = unknown if isinstance(unknown, dict) else {}
        result = {key: _overlay(value, unknown_map.get(key)) for key, value in values.items()}
        for key, flag in unknown_map.items():
            if key not in result and flag is True:
                result[key] = UNKNOWN
        return result
    if isinstance(values, list):
        unknown_list = unknown if isinstance(unknown, list) else []
        return [_overlay(value, unknown_list[index] if index < len(unknown_list) else None)
                for index, value in enumerate(values)]
    return values


def _expression_references(expression: object, path: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(expression, dict):
        references = expression.get("references")
        if isinstance(references, list) and all(isinstance(item, str) for item in references):
            for reference in references:
                if isinstance(reference, str):
                    yield path, reference
            return
        for key, value in expression.items():
            yield from _expression_references(value, (*path, key))
    elif isinstance(expression, list):
        for index, value in enumerate(expression):
            yield from _expression_references(value, (*path, index))


def _reference_address(reference: str) -> str | None:
    names = _INSTANCE_KEY.sub("", reference).split(".")
    if names[0] == "data" and len(names) >= 3:
        return ".".join(names[:3])
    if names[0] in _NOT_RESOURCES or len(names) < 2:
        return None
    return ".".join(names[:2])

"""CloudFormation intrinsics: value resolution and references.

Resolved, a value is plain data plus symbols from ``wa_lint.values``:
``Ref``/``Fn::GetAtt`` to a resource become ``ResourceRef``; ``Fn::GetAZs``
becomes ``ZoneList`` and ``!Select [i, !GetAZs '']`` a ``Zone(index=i)``;
parameters resolve to their defaults; ``Fn::ImportValue`` resolves through a
matching ``Export`` of another template in the run. What cannot be known is
``UNKNOWN`` (``AWS::Region``, a parameter without a default, ``Fn::If`` whose
branches differ, ``Fn::Sub`` of a resource attribute ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from ..load import Document
from ..values import UNKNOWN, ResourceRef, Zone, ZoneList
from .model import (
    DEPENDS_ON,
    GET_ATT,
    IMPORT_VALUE,
    REF,
    SUB,
    Model,
    Node,
    NodeId,
    Reference,
    Scope,
)


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
PSEUDO_PARAMETERS = {
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::Region": UNKNOWN,
    "AWS::AccountId": UNKNOWN,
    "AWS::StackName": UNKNOWN,
    "AWS::StackId": UNKNOWN,
    "AWS::NotificationARNs": UNKNOWN,
    "AWS::NoValue": NO_VALUE,
}
_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_LIST_PARAMETER = re.compile(r"^(CommaDelimitedList|List<.*>)$")
MAX_RESOLUTION_DEPTH = 64


def is_intrinsic(value: object) -> bool:
    if isinstance(value, dict) and len(value) == 1:
        key = next(iter(value))
        return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))
    return False


class CloudFormationScope(Scope):
    def __init__(self, document: Document, model: Model) -> None:
        self.document = document
        self.model = model
        self.key = document.path
        data = document.data
        self.resources: dict[str, NodeId] = {
            declaration.address: (self.key, declaration.address)
            for declaration in document.resources}
        parameters = data.get("Parameters")
        self.parameters = parameters if isinstance(parameters, dict) else {}
        mappings = data.get("Mappings")
        self.mappings = mappings if isinstance(mappings, dict) else {}
        self._depth = 0

    # -- exports ------------------------------------------------------------------
    def exports(self) -> Iterator[tuple[str, object]]:
        outputs = self.document.data.get("Outputs")
        if not isinstance(outputs, dict):
            return
        for output in outputs.values():
            if isinstance(output, dict) and isinstance(output.get("Export"), dict):
                name = self.resolve(output["Export"].get("Name"))
                if isinstance(name, str):
                    yield name, output.get("Value")

    # -- values -------------------------------------------------------------------
    def resolve_properties(self, node: Node, instance: int | None = None) -> dict:
        value = self.resolve(node.declaration.properties)
        return value if isinstance(value, dict) else {}

    def resolve(self, raw: object) -> object:
        if isinstance(raw, dict):
            if is_intrinsic(raw):
                (name, argument), = raw.items()
                self._depth += 1
                try:
                    if self._depth > MAX_RESOLUTION_DEPTH:
                        return UNKNOWN
                    return self._intrinsic(name, argument)
                finally:
                    self._depth -= 1
            result = {}
            for key, item in raw.items():
                value = self.resolve(item)
                if value is not NO_VALUE:
                    result[key] = value
            return result
        if isinstance(raw, list):
            return [value for value in map(self.resolve, raw) if value is not NO_VALUE]
        return raw

    def _intrinsic(self, name: str, argument: object) -> object:
        method = _INTRINSICS.get(name)
        if method is None:
            return UNKNOWN
        try:
            return method(self, argument)
        except (TypeError, ValueError, IndexError, KeyError, AttributeError):
            return UNKNOWN

    def _ref(self, argument: object) -> object:
        if not isinstance(argument, str):
            return UNKNOWN
        if argument in self.resources:
            return ResourceRef(self.resources[argument])
        if argument in PSEUDO_PARAMETERS:
            return PSEUDO_PARAMETERS[argument]
        return self.parameter(argument)

    def parameter(self, name: str) -> object:
        parameter = self.parameters.get(name)
        if not isinstance(parameter, dict) or "Default" not in parameter:
            return UNKNOWN
        parameter_type = str(parameter.get("Type", "String"))
        if parameter_type.startswith("AWS::SSM::Parameter"):
            return UNKNOWN  # the default names an SSM parameter; its value is unknown
        default = parameter["Default"]
        if _LIST_PARAMETER.match(parameter_type):
            if isinstance(default, list):
                return [str(item) for item in default]
            return [item.strip() for item in str(default).split(",")] if default != "" else []
        if isinstance(default, bool):
            return "true" if default else "false"
        if isinstance(default, (int, float)):
            return str(default)
        return default if isinstance(default, str) else UNKNOWN

    def _get_att(self, argument: object) -> object:
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        if not isinstance(argument, list) or len(argument) != 2:
            return UNKNOWN
        logical_id, attribute = argument
        if logical_id not in self.resources:
            return UNKNOWN
        attribute = self.resolve(attribute)
        return ResourceRef(self.resources[logical_id],
                           attribute if isinstance(attribute, str) else None)

    def _sub(self, argument: object) -> object:
        variables: dict = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument
        if not isinstance(argument, str):
            return UNKNOWN
        pieces = []
        position = 0
        for match in _SUB_VARIABLE.finditer(argument):
            pieces.append(argument[position:match.start()])
            position = match.end()
            name = match.group(1)
            if name.startswith("!"):
                pieces.append("${" + name[1:] + "}")
                continue
            name = name.strip()
            if name in variables:
                value = self.resolve(variables[name])
            elif "." in name and name.split(".", 1)[0] in self.resources:
                value = UNKNOWN
            else:
                value = self._ref(name)
            if isinstance(value, bool):
                value = "true" if value else "false"
            elif isinstance(value, (int, float)):
                value = str(value)
            if not isinstance(value, str):
                return UNKNOWN
            pieces.append(value)
        pieces.append(argument[position:])
        return "".join(pieces)

    def _join(self, argument: object) -> object:
        delimiter, items = argument  # type: ignore[misc]
        delimiter = self.resolve(delimiter)
        items = self.resolve(items)
        if not isinstance(delimiter, str) or not isinstance(items, list):
            return UNKNOWN
        texts = [str(item) if isinstance(item, (int, float)) and not isinstance(item, bool)
                 else item for item in items]
        if not all(isinstance(text, str) for text in texts):
            return UNKNOWN
        return delimiter.join(texts)

    def _select(self, argument: object) -> object:
        index, items = argument  # type: ignore[misc]
        index = self.resolve(index)
        try:
            index = int(index)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return UNKNOWN
        items = self.resolve(items)
        if isinstance(items, ZoneList):
            return Zone(index=index, region=items.region)
        if isinstance(items, list) and 0 <= index < len(items):
            return items[index]
        return UNKNOWN

    def _get_azs(self, argument: object) -> object:
        if argument in ("", None) or argument == {"Ref": "AWS::Region"}:
            return ZoneList("")
        region = self.resolve(argument)
        return ZoneList(region) if isinstance(region, str) else ZoneList("?")

    def _if(self, argument: object) -> object:
        _, when_true, when_false = argument  # type: ignore[misc]
        first, second = self.resolve(when_true), self.resolve(when_false)
        if first is not UNKNOWN and first == second:
            return first
        return UNKNOWN

    def _import_value(self, argument: object) -> object:
        name = self.resolve(argument)
        if isinstance(name, str) and name in self.model.exports:
            scope, raw = self.model.exports[name]
            if scope is not self:
                return scope.resolve(raw)
        return UNKNOWN

    def _find_in_map(self, argument: object) -> object:
        map_name, first, second, *default = argument  # type: ignore[misc]
        mapping = self.mappings.get(self.resolve(map_name))
        if not isinstance(mapping, dict):
            return UNKNOWN
        first, second = self.resolve(first), self.resolve(second)
        candidates: list = []
        for top_key, inner in mapping.items():
            if first is not UNKNOWN and top_key != first:
                continue
            if not isinstance(inner, dict):
                continue
            for key, value in inner.items():
                if second is UNKNOWN or key == second:
                    candidates.append(value)
        if not candidates:
            return self.resolve(default[0].get("DefaultValue")) if default and isinstance(
                default[0], dict) else UNKNOWN
        first_value = self.resolve(candidates[0])
        if all(self.resolve(candidate) == first_value for candidate in candidates[1:]):
            return first_value
        return UNKNOWN

    def _split(self, argument: object) -> object:
        delimiter, text = argument  # type: ignore[misc]
        delimiter, text = self.resolve(delimiter), self.resolve(text)
        if isinstance(delimiter, str) and isinstance(text, str) and delimiter:
            return text.split(delimiter)
        return UNKNOWN

    def _length(self, argument: object) -> object:
        items = self.resolve(argument)
        return len(items) if isinstance(items, list) else UNKNOWN

    def _to_json_string(self, argument: object) -> object:
        value = self.resolve(argument)
        try:
            return json.dumps(value, separators=(",", ":")) if _plain(value) else UNKNOWN
        except (TypeError, ValueError):
            return UNKNOWN

    # -- references -------------------------------------------------------------
    def references(self, node: Node) -> Iterator[Reference]:
        yield from self._walk_references(node.declaration.properties, ())
        depends_on = node.declaration.attributes.get("DependsOn")
        for index, target in enumerate(depends_on if isinstance(depends_on, list) else
                                       [depends_on]):
            if isinstance(target, str) and target in self.resources:
                path = ("@DependsOn", index) if isinstance(depends_on, list) else ("@DependsOn",)
                yield Reference(self.resources[target], DEPENDS_ON, path)

    def _walk_references(self, raw: object, path: tuple) -> Iterator[Reference]:
        stack = [(raw, path)]
        while stack:
            value, where = stack.pop()
            if isinstance(value, list):
                stack.extend((item, (*where, index)) for index, item in enumerate(value))
                continue
            if not isinstance(value, dict):
                continue
            if len(value) == 1:
                (name, argument), = value.items()
                if name == "Ref":
                    if isinstance(argument, str) and argument in self.resources:
                        yield Reference(self.resources[argument], REF, where)
                    continue
                if name == "Fn::GetAtt":
                    parts = argument.split(".", 1) if isinstance(argument, str) else argument
                    if isinstance(parts, list) and parts and parts[0] in self.resources:
                        attribute = parts[1] if len(parts) > 1 and isinstance(parts[1], str) \
                            else None
                        yield Reference(self.resources[parts[0]], GET_ATT, where, attribute)
                    continue
                if name == "Fn::Sub":
                    yield from self._sub_references(argument, where)
                    if isinstance(argument, list) and len(argument) == 2:
                        stack.append((argument[1], (*where, name, 1)))
                    continue
                if name == "Fn::ImportValue":
                    yield from self._import_references(argument, where)
                    continue
            stack.extend((item, (*where, key)) for key, item in value.items())

    def _sub_references(self, argument: object, where: tuple) -> Iterator[Reference]:
        text = argument[0] if isinstance(argument, list) and argument else argument
        if not isinstance(text, str):
            return
        local = argument[1] if isinstance(argument, list) and len(argument) == 2 and isinstance(
            argument[1], dict) else {}
        for match in _SUB_VARIABLE.finditer(text):
            name = match.group(1).strip()
            if name.startswith("!") or name in local:
                continue
            logical_id, _, attribute = name.partition(".")
            if logical_id in self.resources:
                yield Reference(self.resources[logical_id], SUB, where, attribute or None)

    def _import_references(self, argument: object, where: tuple) -> Iterator[Reference]:
        name = self.resolve(argument)
        if not isinstance(name, str) or name not in self.model.exports:
            return
        scope, raw = self.model.exports[name]
        if scope is self or not isinstance(scope, CloudFormationScope):
            return
        for reference in scope._walk_references(raw, ()):
            yield Reference(reference.target, IMPORT_VALUE, where, reference.attribute)


def _plain(value: object) -> bool:
    if isinstance(value, dict):
        return all(_plain(item) for item in value.values())
    if isinstance(value, list):
        return all(_plain(item) for item in value)
    return value is None or isinstance(value, (str, int, float, bool))


_INTRINSICS = {
    "Ref": CloudFormationScope._ref,
    "Fn::GetAtt": CloudFormationScope._get_att,
    "Fn::Sub": CloudFormationScope._sub,
    "Fn::Join": CloudFormationScope._join,
    "Fn::Select": CloudFormationScope._select,
    "Fn::GetAZs": CloudFormationScope._get_azs,
    "Fn::If": CloudFormationScope._if,
    "Fn::ImportValue": CloudFormationScope._import_value,
    "Fn::FindInMap": CloudFormationScope._find_in_map,
    "Fn::Split": CloudFormationScope._split,
    "Fn::Length": CloudFormationScope._length,
    "Fn::ToJsonString": CloudFormationScope._to_json_string,
}

"""CloudFormation and SAM templates -> Document.

SAM templates are read as written: ``AWS::Serverless::*`` resources keep their
own properties (no transform is run), and ``Globals`` are merged into each
resource the way SAM merges them (maps merge, lists append, scalars override).
"""

from __future__ import annotations

from .document import CLOUDFORMATION, Declaration, Document
from .source import LoadError, Locations

SECTIONS = ("AWSTemplateFormatVersion", "Description", "Metadata", "Parameters", "Rules",
            "Mappings", "Conditions", "Transform", "Resources", "Outputs", "Hooks", "Globals")
RESOURCE_ATTRIBUTES = ("DependsOn", "Condition", "Metadata", "DeletionPolicy",
                       "UpdateReplacePolicy", "CreationPolicy", "UpdatePolicy")
SAM_TRANSFORM = "AWS::Serverless-2016-10-31"
SAM_GLOBALS = {
    "Function": "AWS::Serverless::Function",
    "Api": "AWS::Serverless::Api",
    "HttpApi": "AWS::Serverless::HttpApi",
    "SimpleTable": "AWS::Serverless::SimpleTable",
    "StateMachine": "AWS::Serverless::StateMachine",
    "LayerVersion": "AWS::Serverless::LayerVersion",
}


def looks_like_template(keys: dict, resources_is_mapping_with_types: bool) -> bool:
    """Whether top-level keys say "CloudFormation template" (not a k8s manifest, a workflow ...)."""
    if "AWSTemplateFormatVersion" in keys:
        return True
    if "Resources" not in keys:
        return False
    others = {"Transform", "Parameters", "Outputs", "Conditions", "Mappings", "Description",
              "Globals", "Metadata"}
    return resources_is_mapping_with_types or bool(others & set(keys))


def is_sam(data: dict) -> bool:
    transform = data.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    return SAM_TRANSFORM in transforms


def merge_globals(global_value: object, local_value: object) -> object:
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return global_value + local_value
    return local_value


def build(path: str, data: dict, locations: Locations) -> Document:
    resources = data.get("Resources")
    notes: list[str] = []
    if resources is None:
        resources = {}
    if not isinstance(resources, dict):
        span = locations.find(("Resources",))
        raise LoadError(path, "Resources must be a mapping of logical ids to resources",
                        span.line if span else 0, span.column if span else 0)
    sam = is_sam(data)
    globals_section = data.get("Globals") if sam and isinstance(data.get("Globals"), dict) else {}
    type_globals = {SAM_GLOBALS[name]: value for name, value in globals_section.items()
                    if name in SAM_GLOBALS and isinstance(value, dict)}

    declarations = []
    for logical_id, body in resources.items():
        pointer = ("Resources", logical_id)
        where = _where(locations, pointer)
        if isinstance(logical_id, str) and logical_id.startswith("Fn::ForEach::"):
            notes.append(f"{path}{where}: {logical_id} is not expanded (Fn::ForEach); "
                         "its resources are not checked")
            continue
        if not isinstance(body, dict):
            notes.append(f"{path}{where}: resource {logical_id} is not a mapping; skipped")
            continue
        resource_type = body.get("Type")
        if not isinstance(resource_type, str):
            module = next(iter(resource_type), "") if isinstance(resource_type, dict) else ""
            if module.startswith("Fn::Rain::"):
                notes.append(f"{path}{where}: resource {logical_id} is a Rain module "
                             f"(!{module[4:]}), which is not expanded; its resources are not checked")
            else:
                notes.append(f"{path}{where}: resource {logical_id} has no literal Type; skipped")
            continue
        properties = body.get("Properties")
        if properties is None:
            properties = {}
        elif not isinstance(properties, dict):
            notes.append(f"{path}{where}: Properties of {logical_id} is not a mapping; "
                         "its properties are not checked")
            properties = {}
        if resource_type in type_globals:
            properties = merge_globals(type_globals[resource_type], properties)
        declarations.append(Declaration(
            address=str(logical_id),
            type=resource_type,
            properties=properties,
            pointer=pointer,
            properties_pointer=(*pointer, "Properties"),
            attributes={key: body[key] for key in RESOURCE_ATTRIBUTES if key in body},
        ))
    return Document(path=path, format=CLOUDFORMATION, data=data, locations=locations,
                    resources=tuple(declarations), dialect="sam" if sam else "",
                    notes=tuple(notes))


def _where(locations: Locations, pointer: tuple) -> str:
    span = locations.find(pointer)
    return f":{span.line}:{span.column}" if span else ""

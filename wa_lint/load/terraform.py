"""Terraform JSON configuration (``*.tf.json``) -> Document.

Follows the HCL JSON syntax: block bodies may be objects or arrays of
objects at any label level, ``"//"`` keys in block bodies are comments, and
duplicate block keys mean several blocks. Interpolations stay as written; the
graph stage evaluates them.
"""

from __future__ import annotations

from collections.abc import Iterator

from .document import TERRAFORM, Declaration, Document
from .source import Locations

BLOCK_TYPES = ("resource", "data", "variable", "output", "locals", "module", "provider",
               "terraform", "check", "import", "moved", "removed", "ephemeral")
META_ARGUMENTS = ("count", "for_each", "provider", "depends_on", "lifecycle", "connection",
                  "provisioner")
COMMENT = "//"


def interpolation_end(text: str, start: int) -> int:
    """Index of the ``}`` that closes the ``${`` at ``start``, skipping braces inside quoted
    strings of the expression; -1 when it does not close."""
    depth = 0
    position = start + 2
    quoted = False
    while position < len(text):
        char = text[position]
        if quoted:
            if char == "\\":
                position += 2
                continue
            if char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            if depth == 0:
                return position
            depth -= 1
        position += 1
    return -1


def bare_expression(value: object) -> object:
    """``"${aws.west}"`` -> ``"aws.west"``: a string that is one whole interpolation, as HCL
    JSON writes an expression-only argument; anything else unchanged."""
    if isinstance(value, str) and value.startswith("${") and value.endswith("}") and \
            interpolation_end(value, 0) == len(value) - 1:
        return value[2:-1].strip()
    return value


def looks_like_configuration(data: object) -> bool:
    if not isinstance(data, dict) or not data:
        return False
    keys = set(data) - {COMMENT}
    return bool(keys) and keys <= set(BLOCK_TYPES)


def merge_duplicate_pairs(pairs: list) -> dict:
    """``object_pairs_hook``: a repeated key holds several blocks, as HCL JSON allows."""
    result: dict = {}
    for key, value in pairs:
        if key in result:
            previous = result[key]
            if isinstance(previous, _Repeated):
                previous.append(value)
            else:
                result[key] = _Repeated([previous, value])
        else:
            result[key] = value
    return result


class _Repeated(list):
    """Values of a key that was repeated in one JSON object (HCL: several blocks)."""


def iter_blocks(value: object, labels: int, pointer: tuple,
                names: tuple = ()) -> Iterator[tuple[tuple, dict, tuple]]:
    """Yield (labels, body, pointer) for each block under a block-type key."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            # a repeated key's values are addressed by the key alone (its position is ambiguous)
            item_pointer = pointer if isinstance(value, _Repeated) else (*pointer, index)
            yield from iter_blocks(item, labels, item_pointer, names)
    elif isinstance(value, dict):
        if labels == 0:
            yield names, value, pointer
        else:
            for key, item in value.items():
                if key != COMMENT:
                    yield from iter_blocks(item, labels - 1, (*pointer, key), (*names, key))


def body_comment(body: dict) -> str:
    comment = body.get(COMMENT)
    if isinstance(comment, list):
        return "\n".join(str(line) for line in comment)
    return comment if isinstance(comment, str) else ""


def build(path: str, data: dict, locations: Locations) -> Document:
    declarations = []
    for mode, prefix in (("managed", ""), ("data", "data.")):
        block = "resource" if mode == "managed" else "data"
        for (resource_type, name), body, pointer in iter_blocks(data.get(block), 2, (block,)):
            properties = {key: value for key, value in body.items() if key != COMMENT}
            attributes = {key: properties[key] for key in META_ARGUMENTS if key in properties}
            comment = body_comment(body)
            if comment:
                attributes[COMMENT] = comment
            declarations.append(Declaration(
                address=f"{prefix}{resource_type}.{name}",
                type=resource_type,
                properties=properties,
                pointer=pointer,
                properties_pointer=pointer,
                attributes=attributes,
                mode=mode,
            ))
    return Document(path=path, format=TERRAFORM, data=data, locations=locations,
                    resources=tuple(declarations))

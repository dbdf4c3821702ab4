"""JSON documents embedded in templates: read them even when parts are unknown.

State machine definitions, redrive policies and similar documents are often
written as strings with placeholders: CloudFormation ``Fn::Sub`` (``${Fn.Arn}``,
``${Timeout}``), ``Fn::Join``, ``DefinitionSubstitutions``, Terraform
``jsonencode({...})`` or a literal JSON string with ``${...}`` interpolations.
The graph resolves such a string to ``UNKNOWN`` as soon as one placeholder is
unknown (a resource ARN usually is). ``embedded_json`` substitutes each
placeholder before parsing instead, so the document's structure stays
readable: a string that was exactly one placeholder becomes its value (a
``ResourceRef`` or ``UNKNOWN``), a string that contains one keeps the
placeholder text (``"arn:${AWS::Partition}:states:::lambda:invoke"``).
Anything else that cannot be read gives ``UNKNOWN``; nothing here raises.
"""

from __future__ import annotations

import json
import re

from ..values import UNKNOWN
from . import Resource

_SUB_VARIABLE = re.compile(r"\$\{([^}]*)\}")
_TOKEN = re.compile(r"@@wa-lint:(\d+)@@")
_JSONENCODE = re.compile(r"^\s*\$\{\s*jsonencode\((.*)\)\s*\}\s*$", re.S)
MAX_TEXT = 200_000


def embedded_json(resource: Resource, key: str,
                  substitutions: dict | None = None) -> object:
    """The document at top-level property ``key``: a dict or list, None if absent, or UNKNOWN.

    ``substitutions`` maps ``${Name}`` placeholders to values (Step Functions
    ``DefinitionSubstitutions``).
    """
    try:
        return _embedded_json(resource, key, substitutions or {})
    except (RecursionError, ValueError, TypeError, KeyError, IndexError, AttributeError):
        return UNKNOWN


def _embedded_json(resource: Resource, key: str, substitutions: dict) -> object:
    value = resource.get(key)
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return _substitute_object(value, substitutions) if substitutions else value
    if isinstance(value, str):
        pieces = _split_placeholders(value, substitutions) if substitutions else [value]
        return _parse(pieces)
    if value is not UNKNOWN or resource.format == "terraform-plan":
        return UNKNOWN
    raw = resource._node.declaration.properties.get(key)
    scope = resource._node.scope
    if resource.is_cloudformation:
        pieces = _cloudformation_pieces(raw, scope, substitutions)
    else:
        pieces = _terraform_pieces(raw, scope)
    if pieces is None:
        return UNKNOWN
    if isinstance(pieces, _Decoded):
        return pieces.value
    return _parse(pieces)


# -- CloudFormation ------------------------------------------------------------------
def _cloudformation_pieces(raw: object, scope: object, substitutions: dict) -> object:
    if not isinstance(raw, dict) or len(raw) != 1:
        return None
    (name, argument), = raw.items()
    if name == "Fn::Sub":
        variables: dict = {}
        if isinstance(argument, list) and len(argument) == 2 and isinstance(argument[1], dict):
            argument, variables = argument
        if not isinstance(argument, str):
            return None
        pieces: list = []
        position = 0
        for match in _SUB_VARIABLE.finditer(argument):
            pieces.append(argument[position:match.start()])
            position = match.end()
            variable = match.group(1)
            if variable.startswith("!"):
                pieces.append("${" + variable[1:] + "}")
                continue
            variable = variable.strip()
            pieces.append(_Placeholder(match.group(0), _cfn_variable(scope, variable, variables,
                                                                     substitutions)))
        pieces.append(argument[position:])
        return _expand_substitutions(pieces, substitutions)
    if name == "Fn::Join":
        if not isinstance(argument, list) or len(argument) != 2:
            return None
        delimiter, items = argument
        if not isinstance(delimiter, str) or not isinstance(items, list):
            return None
        pieces = []
        for index, item in enumerate(items):
            if index:
                pieces.append(delimiter)
            if isinstance(item, str):
                pieces.append(item)
            else:
                value = scope.resolve(item)
                if isinstance(value, str):
                    pieces.append(value)
                else:
                    pieces.append(_Placeholder("${?}", value))
        return _expand_substitutions(pieces, substitutions)
    return None


def _cfn_variable(scope: object, name: str, variables: dict, substitutions: dict) -> object:
    if name in variables:
        return scope.resolve(variables[name])
    if name in substitutions:
        return substitutions[name]
    resources = getattr(scope, "resources", {})
    if "." in name and name.split(".", 1)[0] in resources:
        return scope.resolve({"Fn::GetAtt": name.split(".", 1)})
    return scope.resolve({"Ref": name})


def _expand_substitutions(pieces: list, substitutions: dict) -> list:
    """Replace ``DefinitionSubstitutions`` placeholders left in literal pieces."""
    if not substitutions:
        return pieces
    expanded: list = []
    for piece in pieces:
        if isinstance(piece, str):
            expanded.extend(_split_placeholders(piece, substitutions))
        else:
            expanded.append(piece)
    return expanded


def _split_placeholders(text: str, substitutions: dict) -> list:
    pieces: list = []
    position = 0
    for match in _SUB_VARIABLE.finditer(text):
        name = match.group(1).strip()
        if name not in substitutions:
            continue
        pieces.append(text[position:match.start()])
        pieces.append(_Placeholder(match.group(0), substitutions[name]))
        position = match.end()
    pieces.append(text[position:])
    return pieces


def _substitute_object(value: object, substitutions: dict) -> object:
    if isinstance(value, dict):
        return {key: _substitute_object(item, substitutions) for key, item in value.items()}
    if isinstance(value, list):
        return [_substitute_object(item, substitutions) for item in value]
    if isinstance(value, str) and "${" in value:
        pieces = _split_placeholders(value, substitutions)
        if len(pieces) == 3 and pieces[0] == "" and pieces[2] == "":
            return pieces[1].value
        return "".join(piece if isinstance(piece, str) else
                       (piece.value if isinstance(piece.value, str) else piece.text)
                       for piece in pieces)
    return value


# -- Terraform -----------------------------------------------------------------------
def _terraform_pieces(raw: object, scope: object) -> object:
    if not isinstance(raw, str) or len(raw) > MAX_TEXT:
        return None
    match = _JSONENCODE.match(raw)
    if match:
        value = scope.resolve("${" + match.group(1) + "}")
        return _Decoded(value) if isinstance(value, (dict, list)) else None
    pieces: list = []
    position = 0
    literal: list[str] = []
    while position < len(raw):
        if raw.startswith("$${", position):
            literal.append("${")
            position += 3
            continue
        if raw.startswith("${", position):
            end = _closing_brace(raw, position + 2)
            if end < 0:
                return None
            pieces.append("".join(literal))
            literal = []
            expression = raw[position:end + 1]
            pieces.append(_Placeholder(expression, scope.resolve(expression)))
            position = end + 1
            continue
        if raw.startswith("%{", position):
            return None          # template directives: not evaluated
        literal.append(raw[position])
        position += 1
    pieces.append("".join(literal))
    return pieces


def _closing_brace(text: str, position: int) -> int:
    depth = 1
    quoted = False
    while position < len(text):
        char = text[position]
        if quoted:
            if char == "\\":
                position += 1
            elif char == '"':
                quoted = False
        elif char == '"':
            quoted = True
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return position
        position += 1
    return -1


# -- parsing -------------------------------------------------------------------------
class _Decoded:
    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value


class _Placeholder:
    __slots__ = ("text", "value")

    def __init__(self, text: str, value: object) -> None:
        self.text = text
        self.value = value


def _parse(pieces: list) -> object:
    """Join literal pieces and placeholders into JSON text, parse it, put values back."""
    out: list[str] = []
    placeholders: list[_Placeholder] = []
    in_string = False
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
            in_string = _string_state(piece, in_string)
            continue
        value = piece.value
        if isinstance(value, bool):
            value = "true" if value else "false"
        elif isinstance(value, (int, float)):
            value = str(value)
        if isinstance(value, str):
            if in_string:
                out.append(json.dumps(value)[1:-1])
            else:
                out.append(value)
                in_string = _string_state(value, in_string)
            continue
        token = f"@@wa-lint:{len(placeholders)}@@"
        placeholders.append(piece)
        out.append(token if in_string else f'"{token}"')
    text = "".join(out)
    if len(text) > MAX_TEXT:
        return UNKNOWN
    try:
        document = json.loads(text)
    except ValueError:
        return UNKNOWN
    if not placeholders:
        return document
    return _restore(document, placeholders)


def _string_state(text: str, in_string: bool) -> bool:
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif in_string and char == "\\":
            escaped = True
        elif char == '"':
            in_string = not in_string
    return in_string


def _restore(value: object, placeholders: list) -> object:
    if isinstance(value, dict):
        return {key: _restore(item, placeholders) for key, item in value.items()}
    if isinstance(value, list):
        return [_restore(item, placeholders) for item in value]
    if isinstance(value, str) and "@@wa-lint:" in value:
        whole = _TOKEN.fullmatch(value)
        if whole:
            return placeholders[int(whole.group(1))].value
        return _TOKEN.sub(lambda match: placeholders[int(match.group(1))].text, value)
    return value

"""Keys, secrets and credentials: KMS key Regions, rotation schedules, literal secrets.

Shared by the encryption, key and secret rules (SEC102-SEC119, SEC202-SEC219).
"""

from __future__ import annotations

import re

from ..values import UNKNOWN, ResourceRef
from . import Resource, View

SECRET_TYPES = ("AWS::SecretsManager::Secret", "aws_secretsmanager_secret")
ROTATIONS = {"AWS::SecretsManager::RotationSchedule": "SecretId",
             "aws_secretsmanager_secret_rotation": "secret_id"}
_ARN = re.compile(r"^arn:aws[a-z-]*:([a-z0-9-]+):([a-z0-9-]*):(\d{12})?:(.*)$")


def arn_parts(value: object) -> tuple[str, str, str, str] | None:
    """(service, Region, account, resource) of an ARN literal, else None."""
    if not isinstance(value, str):
        return None
    match = _ARN.match(value)
    return (match.group(1), match.group(2), match.group(3) or "", match.group(4)) \
        if match else None


def find_secret(view: View, value: object) -> Resource | None:
    """The secret a reference, ARN or name points at, if it is in the run (the first one
    when several secrets of the run have that name)."""
    found = find_secrets(view, value)
    return found[0] if found else None


def find_secrets(view: View, value: object, near: Resource | None = None) -> list[Resource]:
    """The secrets a reference, ARN or name may point at; for a name, those in the same file
    as ``near`` when there are any (each template of a run is its own stack)."""
    if isinstance(value, ResourceRef):
        target = view.resource(value)
        if target is not None and target.type == "AWS::SecretsManager::SecretTargetAttachment":
            return find_secrets(view, target.get("SecretId"), target)  # its Ref is the ARN
        return [target] if target is not None and target.type in SECRET_TYPES else []
    if not isinstance(value, str):
        return []
    parts = arn_parts(value)
    name = value
    if parts and parts[0] == "secretsmanager" and parts[3].startswith("secret:"):
        name = parts[3][len("secret:"):]
    found = []
    for secret in view.resources(*SECRET_TYPES):
        own = secret.get("Name" if secret.is_cloudformation else "name")
        if isinstance(own, str) and (name == own or (name.startswith(own + "-")
                                                    and len(name) == len(own) + 7)):
            found.append(secret)
    if near is not None and any(secret.file == near.file for secret in found):
        found = [secret for secret in found if secret.file == near.file]
    return found


def rotation_schedules(view: View) -> tuple[set[Resource], set[str]]:
    """The secrets that a rotation schedule rotates, and the files whose schedules name a
    secret that cannot be resolved (their secrets cannot be judged)."""
    rotated: set[Resource] = set()
    unresolved: set[str] = set()
    for schedule in view.resources(*ROTATIONS):
        value = schedule.get(ROTATIONS[schedule.type])
        if value is UNKNOWN:
            unresolved.add(schedule.file)
            continue
        secrets = find_secrets(view, value, schedule)
        if secrets:
            rotated.update(secrets)
        elif not isinstance(value, str) or arn_parts(value) is None:
            unresolved.add(schedule.file)  # a name we cannot match: do not guess
    return rotated, unresolved


# -- secrets written in templates -------------------------------------------------------------
LITERAL, DEFAULT, VISIBLE = "literal", "default", "visible"
_DYNAMIC = ("{{resolve:secretsmanager:", "{{resolve:ssm-secure:")
_VARIABLE = re.compile(r"^\$\{\s*var\.([A-Za-z0-9_-]+)\s*\}$")


def secret_source(resource: Resource, path: tuple) -> tuple[str, str] | None:
    """How a secret value at ``path`` gets into the template, when that is a problem.

    ``(LITERAL, "")`` for a value written in the file; ``(DEFAULT, name)`` for the
    default of a CloudFormation parameter or Terraform variable; ``(VISIBLE, name)``
    for a CloudFormation parameter without ``NoEcho`` (shown by the console and
    DescribeStacks). None for dynamic references, ``NoEcho`` parameters without a
    default, resource attributes and anything that cannot be resolved.
    """
    if resource.format == "terraform-plan":
        return None  # a plan cannot tell literals from variables (and masks sensitive ones)
    written = resource.written(path)
    value = resource.get(path)
    if isinstance(written, str):
        if any(marker in written for marker in _DYNAMIC) or "{{resolve:" in written:
            return None
        if resource.is_cloudformation or "${" not in written:
            return (LITERAL, "") if _known_text(value) else None
        variable = _VARIABLE.match(written.strip())
        if variable and _known_text(value):
            return DEFAULT, variable.group(1)
        return None
    if resource.is_cloudformation and isinstance(written, dict) and set(written) == {"Ref"}:
        name = written["Ref"]
        parameter = resource.parameter(name)
        if parameter is None:
            return None
        if str(parameter.get("Type", "")).startswith("AWS::SSM::Parameter"):
            return None
        if "Default" in parameter and _known_text(value):
            return DEFAULT, name
        if str(parameter.get("NoEcho", "false")).lower() != "true":
            return VISIBLE, name
    return None


def _known_text(value: object) -> bool:
    return isinstance(value, str) and value != ""


# -- long-term credentials --------------------------------------------------------------------
ACCESS_KEY_SECRETS = ("SecretAccessKey", "secret", "ses_smtp_password_v4",
                      "encrypted_secret", "encrypted_ses_smtp_password_v4")


def secret_key_uses(view: View, key: Resource) -> list[tuple[Resource, str]]:
    """Resources that read an access key's secret, with the attribute they read."""
    uses = []
    for source, data in view._model.in_edges(key.id):
        attribute = data.get("attribute")
        if attribute in ACCESS_KEY_SECRETS and source not in view._excluded:
            uses.append((view._wrap(view._model.nodes[source]), attribute))
    return uses


def secret_key_outputs(key: Resource) -> list[str]:
    """CloudFormation outputs of the key's template that publish its secret access key."""
    if not key.is_cloudformation:
        return []
    outputs = key.template.get("Outputs")
    found = []
    for name, output in (outputs.items() if isinstance(outputs, dict) else ()):
        value = output.get("Value") if isinstance(output, dict) else None
        if _reads_attribute(value, key.address, "SecretAccessKey"):
            found.append(name)
    return found


def _reads_attribute(value: object, address: str, attribute: str) -> bool:
    if isinstance(value, dict):
        get_att = value.get("Fn::GetAtt")
        if get_att in ([address, attribute], f"{address}.{attribute}"):
            return True
        return any(_reads_attribute(item, address, attribute) for item in value.values())
    if isinstance(value, list):
        return any(_reads_attribute(item, address, attribute) for item in value)
    if isinstance(value, str):
        return "${" + f"{address}.{attribute}" + "}" in value
    return False


# -- KMS key Regions --------------------------------------------------------------------------
KEY_TYPES = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "AWS::KMS::Alias", "aws_kms_key",
             "aws_kms_replica_key", "aws_kms_alias", "aws_kms_external_key",
             "aws_kms_replica_external_key")


def key_region(view: View, value: object) -> object:
    """The Region of the KMS key a value names: from an ARN literal or the key resource's
    Region; None for a bare key id or alias name (used in the caller's own Region) or no
    value; UNKNOWN when it cannot be told."""
    if value is None or value == "":
        return None
    if isinstance(value, ResourceRef):
        target = view.resource(value)
        if target is None or target.type not in KEY_TYPES:
            return UNKNOWN
        region = view.region(target)
        return region if isinstance(region, str) else UNKNOWN
    if isinstance(value, str):
        parts = arn_parts(value)
        if parts is None:
            return None if not value.startswith("arn:") else UNKNOWN
        return parts[1] if parts[0] == "kms" and parts[1] else UNKNOWN
    return UNKNOWN


def region_of(view: View, resource: Resource) -> object:
    """The Region a resource is deployed to (a str), or UNKNOWN."""
    region = view.region(resource)
    return region if isinstance(region, str) else UNKNOWN


# -- certificates -----------------------------------------------------------------------------
CERTIFICATE_TYPES = ("AWS::CertificateManager::Certificate", "aws_acm_certificate",
                     "aws_acm_certificate_validation")


def certificate_region(view: View, value: object) -> object:
    """The Region of the ACM certificate a value names (ARN literal or certificate resource in
    the run), or UNKNOWN."""
    if isinstance(value, ResourceRef):
        target = view.resource(value)
        if target is None or target.type not in CERTIFICATE_TYPES:
            return UNKNOWN
        return region_of(view, target)
    parts = arn_parts(value)
    if parts and parts[0] == "acm" and parts[1]:
        return parts[1]
    return UNKNOWN

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
    """The secret a reference, ARN or name points at, if it is in the run."""
    if isinstance(value, ResourceRef):
        target = view.resource(value)
        return target if target is not None and target.type in SECRET_TYPES else None
    if isinstance(value, str):
        parts = arn_parts(value)
        name = value
        if parts and parts[0] == "secretsmanager" and parts[3].startswith("secret:"):
            name = parts[3][len("secret:"):]
        for secret in view.resources(*SECRET_TYPES):
            own = secret.get("Name" if secret.is_cloudformation else "name")
            if isinstance(own, str) and (name == own or (name.startswith(own + "-")
                                                        and len(name) == len(own) + 7)):
                return secret
    return None


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
        secret = find_secret(view, value)
        if secret is not None:
            rotated.add(secret)
        elif not isinstance(value, str) or arn_parts(value) is None:
            unresolved.add(schedule.file)  # a name we cannot match: do not guess
    return rotated, unresolved

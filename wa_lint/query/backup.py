"""Backups: native retention settings, AWS Backup plans and selections, copy actions.

AWS Backup selections name the resources they protect by ARN (a reference to
a resource of the run, a literal ARN, or a wildcard such as
``arn:aws:rds:*:*:db:*``) or by tag (``ListOfTags`` / ``selection_tag``, and
``Conditions`` / ``condition``). ``coverage`` evaluates those predicates
against one resource of the run: True when some selection provably covers it,
False when no selection could, UNKNOWN when a selection's predicate cannot be
evaluated (an unresolved list, a tag value that is a parameter ...).
"""

from __future__ import annotations

import fnmatch
import re

from ..values import UNKNOWN
from . import Resource, View, as_bool, flatten

# resource type -> (retention property, AWS default in days)
RETENTION = {
    "AWS::RDS::DBInstance": ("BackupRetentionPeriod", 1),
    "AWS::RDS::DBCluster": ("BackupRetentionPeriod", 1),
    "AWS::DocDB::DBCluster": ("BackupRetentionPeriod", 1),
    "AWS::Neptune::DBCluster": ("BackupRetentionPeriod", 1),
    "aws_db_instance": ("backup_retention_period", 1),
    "aws_rds_cluster": ("backup_retention_period", 1),
    "aws_docdb_cluster": ("backup_retention_period", 1),
    "aws_neptune_cluster": ("backup_retention_period", 1),
}

PLAN_TYPES = ("AWS::Backup::BackupPlan", "aws_backup_plan")
SELECTION_TYPES = ("AWS::Backup::BackupSelection", "aws_backup_selection")
VAULT_TYPES = ("AWS::Backup::BackupVault", "aws_backup_vault")
_ARN_REGION = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:([a-z0-9-]*):")


def retention_days(resource: Resource) -> tuple[object, bool]:
    """(retention in days or UNKNOWN, whether it was written) for an RDS-family resource."""
    key, default = RETENTION[resource.type]
    value = resource.get(key)
    if value is None:
        return default, False
    if value is UNKNOWN:
        return UNKNOWN, True
    if isinstance(value, bool):
        return UNKNOWN, True
    try:
        return int(value), True
    except (TypeError, ValueError):
        return UNKNOWN, True


def arn_region(value: object) -> object:
    """The Region written in an ARN string (``""`` for global ARNs), else UNKNOWN."""
    if isinstance(value, str):
        match = _ARN_REGION.match(value)
        if match:
            return match.group(1)
    return UNKNOWN


def plan_rules(plan: Resource) -> list[tuple[tuple, dict]]:
    """(path, rule body) of each rule of a backup plan, both formats."""
    if plan.is_cloudformation:
        return [(path, body) for path, body in plan.items("BackupPlan/BackupPlanRule")
                if isinstance(body, dict)]
    return plan.blocks("rule")


def copy_destinations(rule: dict, cloudformation: bool) -> list[object]:
    """The destination vault ARNs (or references) of a plan rule's copy actions."""
    key = "DestinationBackupVaultArn" if cloudformation else "destination_vault_arn"
    actions = rule.get("CopyActions" if cloudformation else "copy_action")
    if actions is None:
        return []
    if isinstance(actions, dict):
        actions = [actions]
    if not isinstance(actions, list):
        return [UNKNOWN]
    return [action.get(key, UNKNOWN) if isinstance(action, dict) else UNKNOWN
            for action in actions]


# where a resource type keeps its tags when not under Tags/tags
_TAG_KEYS = {"AWS::EFS::FileSystem": "FileSystemTags"}


def _tags(resource: Resource) -> object:
    """A resource's tags as a dict (Terraform provider ``default_tags`` included), UNKNOWN if
    unresolvable."""
    if resource.format == "terraform-plan":
        return _tag_dict(resource.get("tags_all"))     # the provider's default tags included
    key = _TAG_KEYS.get(resource.type, "Tags" if resource.is_cloudformation else "tags")
    tags = _tag_dict(resource.get(key))
    if tags is UNKNOWN or resource.is_cloudformation:
        return tags
    defaults = _provider_default_tags(resource)
    if defaults is UNKNOWN:
        return UNKNOWN
    return {**defaults, **tags}


def _tag_dict(tags: object) -> object:
    if tags is None:
        return {}
    if tags is UNKNOWN:
        return UNKNOWN
    if isinstance(tags, dict):
        return tags
    if isinstance(tags, list):
        found = {}
        for item in tags:
            if not isinstance(item, dict):
                return UNKNOWN
            key, value = item.get("Key"), item.get("Value")
            if not isinstance(key, str):
                return UNKNOWN
            found[key] = value
        return found
    return UNKNOWN


def _provider_default_tags(resource: Resource) -> object:
    """The ``default_tags`` of a Terraform resource's provider: {} when none, else a dict or
    UNKNOWN (a plan's provider configuration, or unresolved values)."""
    node = resource._node
    providers = getattr(node.scope, "providers", None)
    if not isinstance(providers, dict):
        return {}
    provider = node.declaration.attributes.get("provider")
    name = provider.strip("${} ") if isinstance(provider, str) else resource.type.split("_", 1)[0]
    body = providers.get(name)
    if not isinstance(body, dict) or "default_tags" not in body:
        return {}
    block = body["default_tags"]
    if isinstance(block, list) and len(block) == 1:
        block = block[0]
    tags = node.scope.resolve(block.get("tags")) if isinstance(block, dict) else UNKNOWN
    return tags if isinstance(tags, dict) and all(isinstance(v, str) for v in tags.values()) \
        else UNKNOWN


def _selections(view: View) -> list[tuple[Resource, dict]]:
    """Each backup selection with its body normalised to CloudFormation names."""
    selections = []
    for selection in view.resources(*SELECTION_TYPES):
        if selection.is_cloudformation:
            body = selection.get("BackupSelection")
            if not isinstance(body, dict):
                body = UNKNOWN
            selections.append((selection, body))
            continue
        tags = []
        for _, block in selection.blocks("selection_tag"):
            tags.append({"ConditionType": block.get("type"), "ConditionKey": block.get("key"),
                         "ConditionValue": block.get("value")})
        conditions = {}
        for _, block in selection.blocks("condition"):
            for name, cfn in (("string_equals", "StringEquals"), ("string_like", "StringLike"),
                              ("string_not_equals", "StringNotEquals"),
                              ("string_not_like", "StringNotLike")):
                entries = block.get(name)
                if entries is None:
                    continue
                entries = entries if isinstance(entries, list) else [entries]
                conditions.setdefault(cfn, []).extend(
                    {"ConditionKey": entry.get("key"), "ConditionValue": entry.get("value")}
                    if isinstance(entry, dict) else UNKNOWN for entry in entries)
        selections.append((selection, {
            "Resources": selection.get("resources"),
            "ListOfTags": tags,
            "Conditions": conditions,
        }))
    return selections


def _matches_resource(view: View, item: object, target: Resource) -> object:
    """Whether one entry of a selection's ``Resources`` designates ``target``."""
    if item is UNKNOWN:
        return UNKNOWN
    referenced = view.resource(item) if not isinstance(item, str) else None
    if referenced is not None:
        return referenced == target
    if isinstance(item, str):
        if item == "*":
            return True
        pattern = _ARN_PATTERNS.get(target.type)
        if pattern is None:
            return False
        if not item.startswith("arn:"):
            return False
        service, kind = pattern
        parts = item.split(":", 6)
        if len(parts) < 6:
            return False
        item_service = parts[2]
        resource_part = ":".join(parts[5:])
        if not fnmatch.fnmatchcase(service, item_service):
            return False
        name = target.get(_NAMES[target.type]) if target.type in _NAMES else None
        if isinstance(name, str):
            return fnmatch.fnmatchcase(kind + name, resource_part)
        if resource_part in ("*", kind + "*"):
            return True
        if target.type not in _NAMES:
            return False    # a specific id the service generates: not a resource of this run
        return UNKNOWN if fnmatch.fnmatchcase(kind, resource_part[:len(kind)]) else False
    return UNKNOWN


# resource type -> the property naming it in its ARN (others have generated ids)
_NAMES = {
    "AWS::RDS::DBInstance": "DBInstanceIdentifier", "aws_db_instance": "identifier",
    "AWS::RDS::DBCluster": "DBClusterIdentifier", "aws_rds_cluster": "cluster_identifier",
    "AWS::DynamoDB::Table": "TableName", "aws_dynamodb_table": "name",
    "AWS::DocDB::DBCluster": "DBClusterIdentifier", "aws_docdb_cluster": "cluster_identifier",
    "AWS::Neptune::DBCluster": "DBClusterIdentifier", "aws_neptune_cluster": "cluster_identifier",
}
# resource type -> (ARN service, resource-part prefix)
_ARN_PATTERNS = {
    "AWS::RDS::DBInstance": ("rds", "db:"), "aws_db_instance": ("rds", "db:"),
    "AWS::RDS::DBCluster": ("rds", "cluster:"), "aws_rds_cluster": ("rds", "cluster:"),
    "AWS::DynamoDB::Table": ("dynamodb", "table/"), "aws_dynamodb_table": ("dynamodb", "table/"),
    "AWS::EFS::FileSystem": ("elasticfilesystem", "file-system/"),
    "aws_efs_file_system": ("elasticfilesystem", "file-system/"),
    "AWS::EC2::Volume": ("ec2", "volume/"), "aws_ebs_volume": ("ec2", "volume/"),
    "AWS::FSx::FileSystem": ("fsx", "file-system/"),
    "AWS::DocDB::DBCluster": ("rds", "cluster:"), "aws_docdb_cluster": ("rds", "cluster:"),
    "AWS::Neptune::DBCluster": ("rds", "cluster:"), "aws_neptune_cluster": ("rds", "cluster:"),
}


def _tag_conditions_match(body: dict, tags: object) -> object:
    """Whether the tag predicates of a selection (ListOfTags OR, Conditions AND) match."""
    list_of_tags = body.get("ListOfTags")
    conditions = body.get("Conditions")
    if list_of_tags is UNKNOWN or conditions is UNKNOWN:
        return UNKNOWN
    list_of_tags = list_of_tags or []
    conditions = conditions or {}
    if not list_of_tags and not conditions:
        return False
    if tags is UNKNOWN:
        return UNKNOWN
    result: object = False
    for condition in flatten(list_of_tags):
        match = _tag_match(condition, tags, like=False)
        if match is True:
            return True
        if match is UNKNOWN:
            result = UNKNOWN
    if isinstance(conditions, dict) and any(conditions.values()):
        all_match: object = True
        for operator, entries in conditions.items():
            for entry in flatten(entries):
                match = _tag_match(entry, tags, like=operator.endswith("Like"),
                                   negate=operator.startswith("StringNot"))
                if match is False:
                    all_match = False
                elif match is UNKNOWN and all_match is True:
                    all_match = UNKNOWN
        if all_match is True:
            return True
        if all_match is UNKNOWN:
            result = UNKNOWN
    return result


def _tag_match(condition: object, tags: dict, like: bool, negate: bool = False) -> object:
    if not isinstance(condition, dict):
        return UNKNOWN
    key = condition.get("ConditionKey")
    value = condition.get("ConditionValue")
    if not isinstance(key, str) or not isinstance(value, str):
        return UNKNOWN
    if key.startswith("aws:ResourceTag/"):
        key = key[len("aws:ResourceTag/"):]
    actual = tags.get(key)
    if actual is UNKNOWN:
        return UNKNOWN
    if actual is None:
        matched = False
    else:
        actual = str(actual)
        matched = fnmatch.fnmatchcase(actual, value) if like else actual == value
    return not matched if negate else matched


def coverage(view: View, resource: Resource) -> object:
    """True when an AWS Backup selection of the run covers ``resource``, False when none can,
    UNKNOWN when a selection's predicate cannot be evaluated."""
    tags = _tags(resource)
    result: object = False
    for _, body in view.memo(_selections, lambda: _selections(view)):
        if body is UNKNOWN:
            result = UNKNOWN
            continue
        excluded = False
        for item in flatten(body.get("NotResources")):
            if _matches_resource(view, item, resource) is True:
                excluded = True
        if excluded:
            continue
        resources = body.get("Resources")
        if resources is UNKNOWN:
            result = UNKNOWN
            continue
        for item in flatten(resources):
            match = _matches_resource(view, item, resource)
            if match is True:
                return True
            if match is UNKNOWN:
                result = UNKNOWN
        match = _tag_conditions_match(body, tags)
        if match is True:
            return True
        if match is UNKNOWN:
            result = UNKNOWN
    return result


def pitr_enabled(resource: Resource) -> object:
    """DynamoDB point-in-time recovery on a table: True, False (default) or UNKNOWN."""
    if resource.is_cloudformation:
        path = "PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled"
    else:
        path = "point_in_time_recovery/enabled"
    value = as_bool(resource.get(path))
    return False if value is None else value


def copy_elsewhere(view: View, plan: Resource, destination: object) -> object:
    """Whether a copy action's destination vault is in another Region than ``plan``: True,
    False, or UNKNOWN. A vault of the same CloudFormation template is in the same Region; an
    ARN naming a Region is compared with the plan's Region when that is known, and is taken
    as elsewhere when it is not (CloudFormation does not say where a stack is deployed)."""
    if destination is UNKNOWN or destination is None:
        return UNKNOWN
    vault = view.resource(destination) if not isinstance(destination, str) else None
    if vault is not None:
        if vault.type not in VAULT_TYPES:
            return UNKNOWN
        if plan.is_cloudformation and vault.is_cloudformation:
            return False if vault.file == plan.file else UNKNOWN
        here, there = view.region(plan), view.region(vault)
        if isinstance(here, str) and isinstance(there, str):
            return here != there
        return UNKNOWN
    region = arn_region(destination)
    if not isinstance(region, str) or not region:
        return UNKNOWN
    here = view.region(plan)
    if isinstance(here, str):
        return here != region
    return True


DLM_TYPES = ("AWS::DLM::LifecyclePolicy", "aws_dlm_lifecycle_policy")


def dlm_coverage(view: View, volume: Resource) -> object:
    """Whether an enabled Data Lifecycle Manager policy of the run snapshots an EBS volume:
    True, False, or UNKNOWN (instance-targeted policies, unresolved tags)."""
    tags = _tags(volume)
    result: object = False
    for policy in view.resources(*DLM_TYPES):
        cloudformation = policy.is_cloudformation
        state = policy.get("State" if cloudformation else "state")
        if state == "DISABLED":
            continue
        details = "PolicyDetails" if cloudformation else "policy_details"
        kinds = policy.get(f"{details}/{'ResourceTypes' if cloudformation else 'resource_types'}")
        targets = policy.get(f"{details}/{'TargetTags' if cloudformation else 'target_tags'}")
        if kinds is UNKNOWN or targets is UNKNOWN or tags is UNKNOWN:
            result = UNKNOWN
            continue
        kinds = [kind for kind in flatten(kinds)]
        if "VOLUME" not in kinds:
            if "INSTANCE" in kinds:
                result = UNKNOWN    # snapshots the volumes of tagged instances
            continue
        if isinstance(targets, dict):
            pairs = list(targets.items())
        else:
            pairs = [(item.get("Key"), item.get("Value")) for item in flatten(targets)
                     if isinstance(item, dict)]
        for key, value in pairs:
            if not isinstance(key, str) or not isinstance(value, str):
                result = UNKNOWN
                continue
            actual = tags.get(key)
            if actual is UNKNOWN:
                result = UNKNOWN
            elif actual == value:
                return True
    return result


def efs_backup_policy(view: View, file_system: Resource) -> object:
    """EFS automatic backups: True when enabled, False when off (the CloudFormation and
    Terraform default), UNKNOWN when unresolvable."""
    if file_system.is_cloudformation:
        status = file_system.get("BackupPolicy/Status")
        if status is UNKNOWN:
            return UNKNOWN
        return status == "ENABLED"
    result: object = False
    for policy in view.referrers(file_system, ("aws_efs_backup_policy",),
                                 path="file_system_id"):
        status = policy.get("backup_policy/status")
        if status is UNKNOWN:
            result = UNKNOWN
        elif status == "ENABLED":
            return True
    return result

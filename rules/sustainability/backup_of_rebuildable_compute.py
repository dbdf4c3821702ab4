from wa_lint.query import UNKNOWN, as_bool, flatten
from wa_lint.rule import rule

SELECTIONS = ("AWS::Backup::BackupSelection", "aws_backup_selection")
DLM_POLICIES = ("AWS::DLM::LifecyclePolicy", "aws_dlm_lifecycle_policy")
GROUPS = ("AWS::AutoScaling::AutoScalingGroup", "aws_autoscaling_group")
TEMPLATES = ("AWS::EC2::LaunchTemplate", "aws_launch_template")


@rule(id="SUS104", name="backup-of-rebuildable-compute", pillar="sustainability",
      severity="note", resource_types=(*SELECTIONS, *DLM_POLICIES), bp="SUS04-BP08")
def backup_of_rebuildable_compute(view):
    """Backups cover Auto Scaling instances that are rebuilt, not restored

    ## What it checks
    An AWS Backup selection (`AWS::Backup::BackupSelection`,
    `aws_backup_selection`) or a Data Lifecycle Manager policy for
    `INSTANCE` resources (`AWS::DLM::LifecyclePolicy`,
    `aws_dlm_lifecycle_policy`) that selects the instances of an Auto Scaling
    group in the run:

    - by tag: a `ListOfTags` entry, all `Conditions.StringEquals` entries
      (Terraform `selection_tag`, `condition.string_equals`) or a DLM
      `TargetTags` entry equal to a tag the group propagates at launch
      (`PropagateAtLaunch: true`) or its launch template puts on instances;
    - or by resource: `Resources` of `*` or an instance wildcard
      (`arn:aws:ec2:*:*:instance/*`) with no tag condition.

    Tags whose values cannot be resolved do not match.

    ## Why it matters
    An Auto Scaling group replaces instances from its launch template; their
    state is meant to live elsewhere. Snapshots or AMIs of them are never
    restored, yet each one is stored and billed, and a fleet backed up daily
    multiplies that by its size. Back up only data that is hard to recreate
    (SUS04-BP08); rebuild compute from code.

    ## How to fix
    Narrow the selection to the stateful resources (databases, file systems,
    the volumes that hold data), for example with a dedicated tag the fleet
    does not carry:

    ```yaml
    Selection:
      Type: AWS::Backup::BackupSelection
      Properties:
        BackupPlanId: !Ref Plan
        BackupSelection:
          SelectionName: stateful
          IamRoleArn: !GetAtt BackupRole.Arn
          ListOfTags:
            - {ConditionType: STRINGEQUALS, ConditionKey: backup, ConditionValue: stateful}
    ```

    ```json
    {"resource": {"aws_backup_selection": {"stateful": {"name": "stateful",
      "plan_id": "${aws_backup_plan.main.id}", "iam_role_arn": "${aws_iam_role.backup.arn}",
      "selection_tag": {"type": "STRINGEQUALS", "key": "backup", "value": "stateful"}}}}}
    ```

    ## Known limits
    Instances outside Auto Scaling groups are not judged: a lone instance may
    hold state. Tags applied by other means (tag policies, user data) are not
    seen.
    """
    fleets = [(group, _instance_tags(view, group)) for group in view.resources(*GROUPS)]
    if not fleets:
        return
    for selection in view.resources(*SELECTIONS):
        conditions, resources = _selection(selection)
        if conditions is UNKNOWN:
            continue
        for group, tags in fleets:
            if _matches(conditions, resources, tags):
                yield selection.finding(None, f"Backup selection {selection} covers the "
                                              f"instances of Auto Scaling group {group}, which "
                                              "are rebuilt from their launch template, not "
                                              "restored")
                break
    for policy in view.resources(*DLM_POLICIES):
        details = "PolicyDetails" if policy.is_cloudformation else "policy_details"
        types = policy.get(f"{details}/{'ResourceTypes' if policy.is_cloudformation else 'resource_types'}")
        if not isinstance(types, list) or "INSTANCE" not in types:
            continue
        targets = _dlm_targets(policy, details)
        for group, tags in fleets:
            if any(tags.get(key) == value for key, value in targets):
                yield policy.finding(details, f"Lifecycle policy {policy} snapshots the "
                                              f"instances of Auto Scaling group {group}, which "
                                              "are rebuilt from their launch template, not "
                                              "restored")
                break


def _instance_tags(view, group):
    """Tags the instances of an Auto Scaling group carry: propagated and launch-template tags."""
    tags = {}
    if group.is_cloudformation:
        for _, tag in group.blocks("Tags"):
            if as_bool(tag.get("PropagateAtLaunch")) is True:
                tags[tag.get("Key")] = tag.get("Value")
    else:
        for _, tag in group.blocks("tag"):
            if as_bool(tag.get("propagate_at_launch")) is True:
                tags[tag.get("key")] = tag.get("value")
    for template in view.referenced(group, None, TEMPLATES):
        if template.is_cloudformation:
            for path, spec in template.blocks("LaunchTemplateData/TagSpecifications"):
                if spec.get("ResourceType") == "instance":
                    for _, tag in template.blocks((*path, "Tags")):
                        tags.setdefault(tag.get("Key"), tag.get("Value"))
        else:
            for _, spec in template.blocks("tag_specifications"):
                if spec.get("resource_type") == "instance" and isinstance(spec.get("tags"), dict):
                    for key, value in spec["tags"].items():
                        tags.setdefault(key, value)
    return {key: value for key, value in tags.items()
            if isinstance(key, str) and isinstance(value, str)}


def _selection(selection):
    """(tag condition groups, resources) of a backup selection; groups are OR'ed, the
    (key, value) pairs inside a group AND'ed. UNKNOWN when it cannot be read."""
    groups = []
    if selection.is_cloudformation:
        body = "BackupSelection"
        if selection.get(body) is UNKNOWN:
            return UNKNOWN, None
        for _, tag in selection.blocks(f"{body}/ListOfTags"):
            groups.append([(tag.get("ConditionKey"), tag.get("ConditionValue"))])
        pairs = [(_tag_key(item.get("ConditionKey")), item.get("ConditionValue"))
                 for _, item in selection.blocks(f"{body}/Conditions/StringEquals")]
        resources = selection.get(f"{body}/Resources")
    else:
        for _, tag in selection.blocks("selection_tag"):
            groups.append([(tag.get("key"), tag.get("value"))])
        pairs = [(_tag_key(item.get("key")), item.get("value"))
                 for _, condition in selection.blocks("condition")
                 for _, item in _blocks(condition, "string_equals")]
        resources = selection.get("resources")
    if pairs:
        groups.append(pairs)
    if resources is UNKNOWN:
        return UNKNOWN, None
    return groups, [item for item in flatten(resources) if isinstance(item, str)]


def _blocks(block, key):
    value = block.get(key)
    if isinstance(value, dict):
        return [((key,), value)]
    if isinstance(value, list):
        return [((key, index), item) for index, item in enumerate(value) if isinstance(item, dict)]
    return []


def _tag_key(key):
    prefix = "aws:ResourceTag/"
    return key[len(prefix):] if isinstance(key, str) and key.startswith(prefix) else key


def _matches(groups, resources, tags):
    covers_instances = any(item == "*" or ":instance/*" in item for item in resources)
    if not groups:
        return covers_instances
    if resources and not covers_instances:
        return False
    return any(group and all(tags.get(key) == value for key, value in group
                             if isinstance(value, str)) and
               all(isinstance(value, str) for _, value in group) for group in groups)


def _dlm_targets(policy, details):
    if policy.is_cloudformation:
        return [(tag.get("Key"), tag.get("Value"))
                for _, tag in policy.blocks(f"{details}/TargetTags")]
    targets = policy.get(f"{details}/target_tags")
    return list(targets.items()) if isinstance(targets, dict) else []

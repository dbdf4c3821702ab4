from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

# type -> (rules, lifecycle, delete after, copy actions)
PLANS = {"AWS::Backup::BackupPlan": ("BackupPlan/BackupPlanRule", "Lifecycle", "DeleteAfterDays",
                                     "CopyActions"),
         "aws_backup_plan": ("rule", "lifecycle", "delete_after", "copy_action")}


@rule(id="COST109", name="backup-rule-without-expiry", pillar="cost-optimization",
      severity="warning", resource_types=PLANS, bp=("COST04-BP05", "SUS04-BP03"))
def backup_rule_without_expiry(view):
    """AWS Backup rule keeps its recovery points forever

    ## What it checks
    Each rule of an AWS Backup plan (`AWS::Backup::BackupPlan`
    `BackupPlanRule`, Terraform `aws_backup_plan` `rule`) and each of its copy
    actions must expire what it creates: `Lifecycle.DeleteAfterDays`
    (Terraform `lifecycle.delete_after`). Without it AWS Backup keeps the
    recovery points indefinitely, which is the default; a lifecycle that
    only moves them to cold storage, or says `-1`, keeps them forever too.
    A copy action with no lifecycle of its own inherits the rule's and is
    judged with it. Values that cannot be resolved are not judged.

    ## Why it matters
    A daily backup with no expiry adds a recovery point every day, for
    ever, and each one is billed (cold storage included). Backups should
    be kept as long as the data retention policy says and no longer
    (COST04-BP05, SUS04-BP03).

    ## How to fix
    Set a retention on every rule and copy action:

    ```yaml
    Nightly:
      Type: AWS::Backup::BackupPlan
      Properties:
        BackupPlan:
          BackupPlanName: nightly
          BackupPlanRule:
            - RuleName: nightly
              TargetBackupVault: !Ref Vault
              ScheduleExpression: cron(0 3 * * ? *)
              Lifecycle:
                DeleteAfterDays: 35
    ```

    ```json
    {"resource": {"aws_backup_plan": {"nightly": {"name": "nightly",
      "rule": {"rule_name": "nightly", "target_vault_name": "${aws_backup_vault.main.name}",
               "schedule": "cron(0 3 * * ? *)", "lifecycle": {"delete_after": 35}}}}}}
    ```

    ## Known limits
    Backups that must be kept indefinitely (legal or regulatory archives)
    need a suppression with that reason.
    """
    for plan in view.resources():
        rules_path, lifecycle_key, delete_key, copy_key = PLANS[plan.type]
        if plan.get(rules_path) is UNKNOWN:
            continue
        for path, body in plan.blocks(rules_path):
            name = body.get("RuleName") or body.get("rule_name") or path[-1]
            if _forever(plan, path, lifecycle_key, delete_key):
                yield plan.finding((*path, lifecycle_key),
                                   f"Backup rule {name} of {plan} has no expiry: its recovery "
                                   "points are kept, and billed, forever")
            for copy_path, _ in plan.blocks((*path, copy_key)):
                if plan.get((*copy_path, lifecycle_key)) is None:
                    continue   # a copy without a lifecycle inherits the rule's
                if _forever(plan, copy_path, lifecycle_key, delete_key):
                    yield plan.finding((*copy_path, lifecycle_key),
                                       f"Copy action of backup rule {name} of {plan} has no "
                                       "expiry: the copies are kept, and billed, forever")


def _forever(plan, path, lifecycle_key, delete_key):
    lifecycle = plan.get((*path, lifecycle_key))
    delete_after = plan.get((*path, lifecycle_key, delete_key))
    if lifecycle is UNKNOWN or delete_after is UNKNOWN:
        return False
    return delete_after is None or delete_after in (-1, "-1")

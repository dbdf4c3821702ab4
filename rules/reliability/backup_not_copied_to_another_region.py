from wa_lint.query import UNKNOWN
from wa_lint.query.backup import PLAN_TYPES, copy_destinations, copy_elsewhere, plan_rules
from wa_lint.rule import rule


@rule(id="REL204", name="backup-not-copied-to-another-region", pillar="reliability",
      severity="note", resource_types=PLAN_TYPES, bp=("REL09-BP01", "REL13-BP02"))
def backup_not_copied_to_another_region(view):
    """AWS Backup plan keeps every recovery point in its own Region

    ## What it checks
    An AWS Backup plan (`AWS::Backup::BackupPlan`, `aws_backup_plan`) should
    have at least one rule with a copy action (`CopyActions`, Terraform
    `copy_action`) whose destination vault is in another Region. A plan
    without copy actions, or whose copies all go to a vault of the same
    template (CloudFormation) or the same provider Region (Terraform), is
    reported. The finding is a note, and a warning when the run deploys to more
    than one Region (the workload is multi-Region, its backups are not). A
    destination given as an ARN naming another Region passes; one whose Region
    cannot be resolved is accepted.

    ## Why it matters
    AWS Backup stores recovery points in the vault of the Region it runs in.
    A Regional outage, or an incident that reaches the whole Region, takes the
    backups along with the data they protect; restoring elsewhere needs a copy
    made beforehand (REL09-BP01, REL13-BP02).

    ## How to fix
    Add a copy action to a vault in the recovery Region (and, for protection
    against account compromise, in another account):

    ```yaml
    Plan:
      Type: AWS::Backup::BackupPlan
      Properties:
        BackupPlan:
          BackupPlanName: daily
          BackupPlanRule:
            - RuleName: daily
              TargetBackupVault: !Ref Vault
              ScheduleExpression: cron(0 5 * * ? *)
              CopyActions:
                - DestinationBackupVaultArn: arn:aws:backup:us-west-2:111122223333:backup-vault:dr
                  Lifecycle: {DeleteAfterDays: 35}
    ```

    ```json
    {"resource": {"aws_backup_plan": {"daily": {"name": "daily", "rule": {
      "rule_name": "daily", "target_vault_name": "${aws_backup_vault.main.name}",
      "schedule": "cron(0 5 * * ? *)",
      "copy_action": {"destination_vault_arn": "${aws_backup_vault.dr.arn}"}}}}}}
    ```

    ## Known limits
    CloudFormation does not say which Region a stack is deployed to: a
    destination ARN that names a Region is taken as another Region. Data
    Lifecycle Manager policies and RDS automated-backup replication are not
    checked.
    """
    multi_region = len(view.regions()) > 1
    severity = "warning" if multi_region else None
    for plan in view.resources():
        rules = plan_rules(plan)
        if not rules:
            continue
        verdicts = []
        for _, body in rules:
            for destination in copy_destinations(body, plan.is_cloudformation):
                verdicts.append(copy_elsewhere(view, plan, destination))
        if any(verdict is True or verdict is UNKNOWN for verdict in verdicts):
            continue
        where = rules[0][0]
        if verdicts:
            message = f"Backup plan {plan} copies recovery points only within its own Region"
        else:
            message = f"Backup plan {plan} has no copy action to another Region"
        yield plan.finding(where, message, severity=severity)

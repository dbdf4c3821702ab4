from wa_lint.query import UNKNOWN
from wa_lint.query.backup import coverage, dlm_coverage, efs_backup_policy
from wa_lint.rule import rule

FILE_SYSTEMS = ("AWS::EFS::FileSystem", "aws_efs_file_system")
VOLUMES = ("AWS::EC2::Volume", "aws_ebs_volume")


@rule(id="REL206", name="stateful-resource-without-backup", pillar="reliability",
      severity="warning", resource_types=(*FILE_SYSTEMS, *VOLUMES),
      bp=("REL09-BP01", "REL09-BP03"))
def stateful_resource_without_backup(view):
    """EFS file system or EBS volume is not backed up by anything

    ## What it checks
    EFS file systems and EBS volumes must be covered by a backup mechanism:

    - EFS: automatic backups (`BackupPolicy: {Status: ENABLED}`, Terraform
      `aws_efs_backup_policy`), which are off when the file system is created
      by CloudFormation or Terraform (only the console turns them on), or an
      AWS Backup selection;
    - EBS volumes: a Data Lifecycle Manager policy targeting the volume's tags,
      or an AWS Backup selection.

    AWS Backup selections of the run are evaluated: resources named by
    reference or by ARN pattern (`arn:aws:elasticfilesystem:*:*:file-system/*`),
    `ListOfTags`/`selection_tag` and `Conditions`/`condition` against the
    resource's tags. When a selection cannot be evaluated (an unresolved list,
    a literal ARN that may be the resource, a DLM policy that targets
    instances) the rule emits a note that coverage could not be determined.
    RDS and DynamoDB have their own native mechanisms and are checked by
    `rds-backup-retention` and `dynamodb-point-in-time-recovery-off`.

    ## Why it matters
    File systems and volumes hold state that cannot be rebuilt from code.
    Without backups, a deletion, a ransomware encryption or a bad write is
    permanent, and there is nothing to restore in another zone or Region
    (REL09-BP01, REL09-BP03).

    ## How to fix
    Turn on EFS automatic backups, or select the resources in an AWS Backup
    plan, or snapshot volumes with a DLM policy:

    ```yaml
    Files:
      Type: AWS::EFS::FileSystem
      Properties:
        Encrypted: true
        BackupPolicy:
          Status: ENABLED
    ```

    ```json
    {"resource": {"aws_efs_backup_policy": {"files": {
      "file_system_id": "${aws_efs_file_system.files.id}",
      "backup_policy": {"status": "ENABLED"}}}}}
    ```

    ## Known limits
    Backup selections and DLM policies outside the run (an organisation-wide
    backup policy, a separate stack) are not seen: such resources are reported
    unless their coverage is visible; suppress with the reason.
    """
    for resource in view.resources():
        if resource.type in FILE_SYSTEMS:
            native = efs_backup_policy(view, resource)
            where = "BackupPolicy" if resource.is_cloudformation else None
            label = "EFS file system"
        else:
            native = dlm_coverage(view, resource)
            where = None
            label = "EBS volume"
        if native is True:
            continue
        backup = coverage(view, resource)
        if backup is True:
            continue
        if native is UNKNOWN or backup is UNKNOWN:
            yield resource.unknown(where, f"Could not determine whether {label} {resource} "
                                          "is backed up")
            continue
        means = "automatic backups or AWS Backup selection" if resource.type in FILE_SYSTEMS \
            else "AWS Backup selection or snapshot lifecycle policy"
        yield resource.finding(where, f"{label} {resource} is not backed up (no {means})")

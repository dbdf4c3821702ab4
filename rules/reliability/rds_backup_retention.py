from wa_lint.query import UNKNOWN
from wa_lint.query.backup import RETENTION, retention_days
from wa_lint.query.placement import is_cluster_member, is_read_replica
from wa_lint.rule import rule


@rule(id="REL109", name="rds-backup-retention", pillar="reliability", severity="error",
      resource_types=RETENTION, bp=("REL09-BP01", "REL09-BP03"), options={"min-days": 7})
def rds_backup_retention(view):
    """RDS automated backups are disabled or kept too briefly

    ## What it checks
    RDS DB instances, RDS and Aurora DB clusters, and DocumentDB and Neptune
    clusters must keep automated backups for at least `min-days` days (default
    7). A `BackupRetentionPeriod` (Terraform `backup_retention_period`) of 0
    disables automated backups and point-in-time restore, and is an error. A
    shorter period than the minimum, including the AWS default of 1 day when the
    property is not written, is a warning. Instances that belong to a DB cluster
    (the cluster's retention applies) and read replicas (the source keeps the
    backups) are exempt.

    The minimum is the parameter `min-days`
    (`rules: {rds-backup-retention: {min-days: 14}}` in `.wa-lint.yaml`).

    ## Why it matters
    Automated backups are what a database is restored from after corruption,
    an accidental `DELETE` or a bad migration. With backups off there is no
    point-in-time restore at all; with one day of retention a problem noticed
    after a weekend can no longer be undone (REL09-BP01, REL09-BP03).

    ## How to fix
    Set a retention period that covers the time it takes to notice a problem:

    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        DBInstanceClass: db.t4g.medium
        AllocatedStorage: "20"
        BackupRetentionPeriod: 14
    ```

    ```json
    {"resource": {"aws_db_instance": {"db": {
      "engine": "postgres", "instance_class": "db.t4g.medium",
      "allocated_storage": 20, "backup_retention_period": 14}}}}
    ```

    ## Known limits
    Backups taken by AWS Backup instead of automated backups are not
    considered; if that is the design, raise the retention to the minimum
    anyway or suppress the finding with the reason.
    """
    wanted = view.option("min-days")
    for db in view.resources():
        if db.type in ("AWS::RDS::DBInstance", "aws_db_instance") and (
                is_cluster_member(db) or is_read_replica(db)):
            continue
        key = RETENTION[db.type][0]
        days, written = retention_days(db)
        if days is UNKNOWN:
            continue
        kind = "DB instance" if db.type in ("AWS::RDS::DBInstance", "aws_db_instance") \
            else "DB cluster"
        if days == 0:
            yield db.finding(key, f"{kind} {db} has automated backups disabled "
                                  "(retention period 0)")
        elif days < wanted:
            how = f"keeps automated backups for {days} day{'s' if days != 1 else ''}"
            if not written:
                how += " (the default)"
            yield db.finding(key, f"{kind} {db} {how}; at least {wanted} are required",
                             severity="warning")

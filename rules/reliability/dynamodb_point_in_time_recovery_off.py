from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.backup import coverage, pitr_enabled
from wa_lint.rule import rule

TABLES = ("AWS::DynamoDB::Table", "aws_dynamodb_table")
GLOBAL_TABLES = ("AWS::DynamoDB::GlobalTable",)
REPLICAS = ("aws_dynamodb_table_replica",)


@rule(id="REL110", name="dynamodb-point-in-time-recovery-off", pillar="reliability",
      severity="warning", resource_types=(*TABLES, *GLOBAL_TABLES, *REPLICAS),
      bp=("REL09-BP01", "REL09-BP03"))
def dynamodb_point_in_time_recovery_off(view):
    """DynamoDB table has point-in-time recovery turned off

    ## What it checks
    DynamoDB tables (`AWS::DynamoDB::Table`, `aws_dynamodb_table`), every
    replica of a global table (`AWS::DynamoDB::GlobalTable` `Replicas`,
    Terraform `replica` blocks and `aws_dynamodb_table_replica`) must enable
    point-in-time recovery. It is off by default in both CloudFormation and
    Terraform. A table that an AWS Backup selection of the same run provably
    covers is reported as a note rather than a warning: it has backups, but
    only at the schedule's granularity.

    ## Why it matters
    Point-in-time recovery keeps continuous backups for up to 35 days and
    restores a table to any second in that window, which is what undoes a bad
    deployment or an application bug that overwrote items. Without it the
    newest restorable state is the last on-demand or scheduled backup, if any
    (REL09-BP01, REL09-BP03). Each replica of a global table has its own
    setting; a replica without it cannot be restored after the Region that has
    it is lost.

    ## How to fix
    Enable point-in-time recovery on the table and on each replica:

    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        PointInTimeRecoverySpecification:
          PointInTimeRecoveryEnabled: true
    ```

    ```json
    {"resource": {"aws_dynamodb_table": {"orders": {
      "name": "orders", "billing_mode": "PAY_PER_REQUEST", "hash_key": "id",
      "attribute": [{"name": "id", "type": "S"}],
      "point_in_time_recovery": {"enabled": true}}}}}
    ```

    ## Known limits
    Whether a table holds data worth restoring (a cache, a lock table) is not
    known; suppress the finding with the reason for such tables.
    """
    for table in view.resources(*TABLES):
        path = "PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled" \
            if table.is_cloudformation else "point_in_time_recovery/enabled"
        enabled = pitr_enabled(table)
        if enabled is False:
            yield _finding(view, table, path, f"Table {table} has point-in-time recovery off")
        if not table.is_cloudformation:
            for block_path, block in table.blocks("replica"):
                value = as_bool(block.get("point_in_time_recovery"))
                if value is not UNKNOWN and value is not True:
                    region = block.get("region_name")
                    where = f" in {region}" if isinstance(region, str) else ""
                    yield _finding(view, table, (*block_path, "point_in_time_recovery"),
                                   f"Replica{where} of table {table} has point-in-time "
                                   "recovery off")
    for table in view.resources(*GLOBAL_TABLES):
        default = as_bool(table.get(
            "PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled"))
        for replica_path, replica in table.items("Replicas"):
            if not isinstance(replica, dict):
                continue
            value = replica.get("PointInTimeRecoverySpecification")
            value = as_bool(value.get("PointInTimeRecoveryEnabled")) \
                if isinstance(value, dict) else (UNKNOWN if value is UNKNOWN else default)
            if value is UNKNOWN or value is True:
                continue
            region = replica.get("Region")
            where = f" in {region}" if isinstance(region, str) else ""
            yield _finding(view, table, (*replica_path, "PointInTimeRecoverySpecification"),
                           f"Replica{where} of global table {table} has point-in-time "
                           "recovery off")
    for replica in view.resources(*REPLICAS):
        value = as_bool(replica.get("point_in_time_recovery"))
        if value is not UNKNOWN and value is not True:
            yield _finding(view, replica, "point_in_time_recovery",
                           f"Table replica {replica} has point-in-time recovery off")


def _finding(view, table, path, message):
    if coverage(view, table) is True:
        return table.finding(path, message + "; an AWS Backup plan covers it", severity="note")
    return table.finding(path, message)

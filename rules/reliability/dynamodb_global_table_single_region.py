from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

TYPES = ("AWS::DynamoDB::GlobalTable", "aws_dynamodb_table")


@rule(id="REL205", name="dynamodb-global-table-single-region", pillar="reliability",
      severity="warning", resource_types=TYPES, bp=("REL13-BP02", "REL10-BP01"))
def dynamodb_global_table_single_region(view):
    """DynamoDB global table has no replica in a second Region

    ## What it checks
    An `AWS::DynamoDB::GlobalTable` with a single entry in `Replicas`, or a
    Terraform `aws_dynamodb_table` whose `replica` blocks (and
    `aws_dynamodb_table_replica` resources) are all in the table's own Region,
    is a global table in name only. In a Terraform run that deploys to several
    Regions, a table with no replica at all is reported as a note: the rest of
    the workload has a second Region, its data does not.

    ## Why it matters
    Global tables are DynamoDB's cross-Region recovery mechanism: each
    replica is a full, writable copy, so the workload can fail over to another
    Region with a recovery point of seconds. A global table with one Region
    has none of that, and a multi-Region deployment whose table lives in one
    Region cannot serve, or recover, without it (REL13-BP02, REL10-BP01).

    ## How to fix
    Add a replica in the recovery Region:

    ```yaml
    Orders:
      Type: AWS::DynamoDB::GlobalTable
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        StreamSpecification: {StreamViewType: NEW_AND_OLD_IMAGES}
        Replicas:
          - Region: us-east-1
          - Region: us-west-2
    ```

    ```json
    {"resource": {"aws_dynamodb_table": {"orders": {
      "name": "orders", "billing_mode": "PAY_PER_REQUEST", "hash_key": "id",
      "attribute": [{"name": "id", "type": "S"}],
      "stream_enabled": true, "stream_view_type": "NEW_AND_OLD_IMAGES",
      "replica": [{"region_name": "us-west-2"}]}}}}
    ```

    ## Known limits
    A CloudFormation stack's Region is not known, so a CloudFormation table is
    reported only when it lists a single replica. Whether a plain table needs
    a second Region is a business decision and is not judged outside
    multi-Region Terraform runs.
    """
    regions = view.regions()
    for table in view.resources():
        if table.is_cloudformation:
            replicas = table.get("Replicas")
            if not isinstance(replicas, list) or any(item is UNKNOWN for item in replicas):
                continue
            if len(replicas) == 1:
                region = replicas[0].get("Region") if isinstance(replicas[0], dict) else None
                where = f" ({region})" if isinstance(region, str) else ""
                yield table.finding("Replicas", f"Global table {table} has a single replica "
                                                f"Region{where}")
            continue
        home = view.region(table)
        replica_regions = []
        for _, block in table.blocks("replica"):
            replica_regions.append(block.get("region_name"))
        for replica in view.referrers(table, ("aws_dynamodb_table_replica",),
                                      path="global_table_arn"):
            replica_regions.append(view.region(replica))
        if any(not isinstance(region, str) for region in replica_regions):
            continue
        if replica_regions:
            if isinstance(home, str) and all(region == home for region in replica_regions):
                yield table.finding("replica", f"Table {table} has replicas only in its own "
                                               f"Region ({home})")
            continue
        others = sorted(region for region in regions if region != home)
        if isinstance(home, str) and others and table.format != "terraform-plan":
            yield table.finding(None, f"Table {table} has no replica, while the workload also "
                                      f"runs in {', '.join(others)}", severity="note")

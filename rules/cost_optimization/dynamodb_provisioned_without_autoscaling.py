from wa_lint.query import UNKNOWN
from wa_lint.query.cost import application_scaling
from wa_lint.rule import rule

# type -> (billing mode, table name)
TABLES = {"AWS::DynamoDB::Table": ("BillingMode", "TableName"),
          "aws_dynamodb_table": ("billing_mode", "name")}


@rule(id="COST102", name="dynamodb-provisioned-without-autoscaling",
      pillar="cost-optimization", severity="warning", resource_types=TABLES,
      bp=("COST09-BP03", "COST06-BP03"))
def dynamodb_provisioned_without_autoscaling(view):
    """DynamoDB table pays for fixed provisioned capacity: no auto scaling

    ## What it checks
    A DynamoDB table in provisioned capacity mode (`BillingMode:
    PROVISIONED`, Terraform `billing_mode = "PROVISIONED"`; provisioned is
    the default of both when the mode is not written) that no Application
    Auto Scaling target or policy points at. A target counts when it
    references the table (`ResourceId: !Sub table/${Table}`,
    `resource_id = "table/${aws_dynamodb_table.t.name}"`) or names it
    literally (`table/orders`). On-demand tables (`PAY_PER_REQUEST`) pass.
    When a target in the same template or module has a resource id that
    cannot be resolved, the table is not judged.

    ## Why it matters
    Provisioned capacity is billed per hour whether it is used or not. Set
    for the peak, it is idle most of the day; set for the average, requests
    are throttled at the peak. Auto scaling (or on-demand mode) supplies
    capacity as demand changes (COST09-BP03, COST06-BP03).

    ## How to fix
    Switch to on-demand for spiky or unknown traffic, or add target-tracking
    auto scaling on read and write capacity:

    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
      Properties:
        BillingMode: PAY_PER_REQUEST
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
    ```

    ```json
    {"resource": {"aws_appautoscaling_target": {"orders_read": {
      "service_namespace": "dynamodb", "resource_id": "table/${aws_dynamodb_table.orders.name}",
      "scalable_dimension": "dynamodb:table:ReadCapacityUnits",
      "min_capacity": 5, "max_capacity": 100}}}}
    ```

    ## Known limits
    Global secondary indexes are not checked separately, and a target
    without a scaling policy counts as auto scaling.
    """
    for table in view.resources():
        mode_key, name_key = TABLES[table.type]
        mode = table.get(mode_key)
        if mode is UNKNOWN or (mode is not None and str(mode).upper() != "PROVISIONED"):
            continue
        name = table.get(name_key)
        literal = (f"table/{name}",) if isinstance(name, str) else ()
        scaling = application_scaling(view, table, literal)
        if scaling is UNKNOWN or scaling:
            continue
        mode_text = "provisioned capacity" if mode else "provisioned capacity (the default)"
        yield table.finding(mode_key, f"DynamoDB table {table} uses {mode_text} with no auto "
                                      "scaling: its fixed capacity is billed whether it is used "
                                      "or not")

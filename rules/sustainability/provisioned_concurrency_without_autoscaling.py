from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.cost import application_scaling
from wa_lint.rule import rule

# type -> (provisioned executions, the function it belongs to)
HOLDERS = {
    "AWS::Lambda::Alias": ("ProvisionedConcurrencyConfig/ProvisionedConcurrentExecutions",
                           "FunctionName"),
    "AWS::Lambda::Version": ("ProvisionedConcurrencyConfig/ProvisionedConcurrentExecutions",
                             "FunctionName"),
    "AWS::Serverless::Function": ("ProvisionedConcurrencyConfig/ProvisionedConcurrentExecutions",
                                  None),
    "aws_lambda_provisioned_concurrency_config": ("provisioned_concurrent_executions",
                                                  "function_name"),
}
FUNCTIONS = ("AWS::Lambda::Function", "AWS::Serverless::Function", "aws_lambda_function")
WHAT = {"AWS::Lambda::Alias": "Lambda alias", "AWS::Lambda::Version": "Lambda version",
        "AWS::Serverless::Function": "Function",
        "aws_lambda_provisioned_concurrency_config": "Provisioned concurrency config"}
ALIASES = ("AWS::Lambda::Alias", "AWS::Lambda::Version", "aws_lambda_alias")


@rule(id="SUS110", name="provisioned-concurrency-without-autoscaling", pillar="sustainability",
      severity="note", resource_types=HOLDERS, bp=("SUS02-BP01", "COST09-BP03"))
def provisioned_concurrency_without_autoscaling(view):
    """Lambda provisioned concurrency stays allocated around the clock

    ## What it checks
    Provisioned concurrency on a Lambda alias or version
    (`ProvisionedConcurrencyConfig` of `AWS::Lambda::Alias`,
    `AWS::Lambda::Version` or a SAM function, Terraform
    `aws_lambda_provisioned_concurrency_config`) that no Application Auto
    Scaling target or policy points at, through the alias, the version or
    the function (`ResourceId: function:<name>:<alias>`), so the execution
    environments stay initialised at the same level day and night. Values
    that cannot be resolved are not judged.

    ## Why it matters
    Provisioned concurrency is billed for every hour it is allocated,
    whether invocations use it or not, and keeps execution environments
    (and their hardware) reserved. Scaling it with a schedule or with
    target tracking on `ProvisionedConcurrencyUtilization` supplies it only
    when traffic needs it (SUS02-BP01, COST09-BP03).

    ## How to fix
    Scale the alias's provisioned concurrency with Application Auto
    Scaling:

    ```yaml
    LiveTarget:
      Type: AWS::ApplicationAutoScaling::ScalableTarget
      Properties:
        ServiceNamespace: lambda
        ScalableDimension: lambda:function:ProvisionedConcurrency
        ResourceId: !Sub function:${Checkout}:live
        MinCapacity: 1
        MaxCapacity: 50
    ```

    ```json
    {"resource": {"aws_appautoscaling_target": {"live": {
      "service_namespace": "lambda",
      "scalable_dimension": "lambda:function:ProvisionedConcurrency",
      "resource_id": "function:${aws_lambda_function.checkout.function_name}:live",
      "min_capacity": 1, "max_capacity": 50}}}}
    ```

    ## Known limits
    Steady, predictable traffic can justify a fixed level; suppress the note
    with that reason.
    """
    for holder in view.resources():
        executions_key, function_key = HOLDERS[holder.type]
        executions = as_int(holder.get(executions_key))
        if executions is UNKNOWN or not executions:
            continue
        related = [holder]
        if function_key is not None:
            # the holder names its function directly or through an alias (Terraform)
            aliases = view.referenced(holder, None, ALIASES)
            functions = view.referenced(holder, None, FUNCTIONS) + [
                function for alias in aliases for function in view.referenced(alias, None,
                                                                              FUNCTIONS)]
            related += aliases + functions
        verdicts = [application_scaling(view, item) for item in related]
        if any(verdict is UNKNOWN or verdict for verdict in verdicts):
            continue
        yield holder.finding(executions_key.split("/")[0],
                             f"{WHAT[holder.type]} {holder} keeps {executions} provisioned "
                             "execution environments allocated at all times: no auto scaling "
                             "adjusts them")

from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.cost import runs_outside_region, scope
from wa_lint.rule import rule

LOG_GROUPS = {"AWS::Logs::LogGroup": ("LogGroupName", "RetentionInDays"),
              "aws_cloudwatch_log_group": ("name", "retention_in_days")}
# function type -> (name, explicit log group)
FUNCTIONS = {"AWS::Lambda::Function": ("FunctionName", "LoggingConfig/LogGroup"),
             "AWS::Serverless::Function": ("FunctionName", "LoggingConfig/LogGroup"),
             "aws_lambda_function": ("function_name", "logging_config/log_group")}


@rule(id="COST104", name="log-group-without-retention", pillar="cost-optimization",
      severity="warning", resource_types=(*LOG_GROUPS, *FUNCTIONS),
      bp=("COST04-BP05", "SUS04-BP03"))
def log_group_without_retention(view):
    """CloudWatch log group keeps its logs forever

    ## What it checks
    A CloudWatch Logs log group (`AWS::Logs::LogGroup`,
    `aws_cloudwatch_log_group`) with no `RetentionInDays` (Terraform
    `retention_in_days` absent or 0): both mean "never expire", the AWS
    default. A Lambda function whose log group is not declared in the run
    gets a note: Lambda creates `/aws/lambda/<name>` on first invocation,
    and that implicit group never expires. A declared group is recognised
    by reference (`!Sub /aws/lambda/${Fn}`, `LoggingConfig.LogGroup`,
    Terraform `logging_config.log_group`) or by an equal literal name.

    Functions used by CloudFront (Lambda@Edge) or Greengrass are not judged:
    their logs go to groups in other Regions or on devices. When a log group
    of the same template (Terraform: the same module folder) has a name that
    cannot be resolved, or a function's `LoggingConfig` names a group outside
    the run, the function is not judged either.

    ## Why it matters
    CloudWatch Logs bills every GB stored, every month, forever. Logs of
    little value after weeks pile up for years. A retention period enforces
    the data retention policy (COST04-BP05) and stops storing data nobody
    will read (SUS04-BP03).

    ## How to fix
    Declare the log group with a retention that matches your policy:

    ```yaml
    ProcessorLogs:
      Type: AWS::Logs::LogGroup
      Properties:
        LogGroupName: !Sub /aws/lambda/${Processor}
        RetentionInDays: 30
    ```

    ```json
    {"resource": {"aws_cloudwatch_log_group": {"processor": {
      "name": "/aws/lambda/${aws_lambda_function.processor.function_name}",
      "retention_in_days": 30}}}}
    ```

    ## Known limits
    Retention set outside the templates (an account-wide automation, a
    custom resource) is not seen.
    """
    groups = list(view.resources(*LOG_GROUPS))
    for group in groups:
        _, retention_key = LOG_GROUPS[group.type]
        retention = as_int(group.get(retention_key))
        if retention is UNKNOWN:
            continue
        if retention in (None, 0):
            yield group.finding(retention_key, f"Log group {group} has no retention period: "
                                               "its logs are kept, and billed, forever")
    names = {group.get(LOG_GROUPS[group.type][0]) for group in groups}
    unresolved = {scope(group) for group in groups
                  if group.get(LOG_GROUPS[group.type][0]) is UNKNOWN}
    for function in view.resources(*FUNCTIONS):
        name_key, group_key = FUNCTIONS[function.type]
        explicit = function.get(group_key)
        if explicit is not None or runs_outside_region(view, function):
            continue   # a group in the run was judged above; one outside it is not ours
        if view.referrers(function, LOG_GROUPS):
            continue
        name = function.get(name_key)
        if scope(function) in unresolved or name is UNKNOWN or (isinstance(name, str) and
                                             f"/aws/lambda/{name}" in names):
            continue
        yield function.finding(name_key, f"Function {function} has no declared log group: "
                                         "Lambda creates /aws/lambda/"
                                         f"{name if isinstance(name, str) else '<name>'} with no "
                                         "retention, so its logs are kept forever",
                               severity="note")


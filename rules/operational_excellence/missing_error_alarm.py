from wa_lint.query import UNKNOWN
from wa_lint.query.compute import is_custom_resource_handler
from wa_lint.query.observability import METRIC_ALARM_TYPES, alarms_on
from wa_lint.rule import rule

# type -> (metrics that count as an error alarm, name property, noun)
WATCHED = {
    "AWS::Lambda::Function": ({"Errors"}, "FunctionName", "Function"),
    "AWS::Serverless::Function": ({"Errors"}, "FunctionName", "Function"),
    "aws_lambda_function": ({"Errors"}, "function_name", "Function"),
    "AWS::StepFunctions::StateMachine": ({"ExecutionsFailed", "ExecutionsTimedOut",
                                          "ExecutionsAborted"}, "StateMachineName",
                                         "State machine"),
    "AWS::Serverless::StateMachine": ({"ExecutionsFailed", "ExecutionsTimedOut",
                                       "ExecutionsAborted"}, "Name", "State machine"),
    "aws_sfn_state_machine": ({"ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted"},
                              "name", "State machine"),
}


@rule(id="OPS110", name="missing-error-alarm", pillar="operational-excellence",
      severity="note", resource_types=WATCHED, bp=("OPS08-BP04", "OPS04-BP01"))
def missing_error_alarm(view):
    """Lambda function or state machine has no alarm on its failures

    ## What it checks
    When a template (file) defines CloudWatch metric alarms at all (so alarms
    are managed there), each of its Lambda functions needs a metric alarm on its
    `Errors` metric, and every Step Functions state machine one on
    `ExecutionsFailed` (or `ExecutionsTimedOut` / `ExecutionsAborted`); the
    alarm itself may be in any file of the run. An
    alarm counts when it watches that metric (directly or in a metric-math
    query) with a dimension that references the resource or names it
    literally. Functions behind CloudFormation custom resources and macros are
    exempt (a failure fails the stack operation visibly). Alarms whose dimensions
    cannot be resolved count as covering.

    ## Why it matters
    Failed invocations and executions are the first signal that a workload
    is broken; without an alarm on them, a failing function or workflow is
    noticed only when someone looks at a dashboard or a customer complains
    (OPS08-BP04, OPS04-BP01).

    ## How to fix
    Alarm on the error metric and send it where someone acts on it:

    ```yaml
    WorkerErrors:
      Type: AWS::CloudWatch::Alarm
      Properties:
        Namespace: AWS/Lambda
        MetricName: Errors
        Dimensions: [{Name: FunctionName, Value: !Ref Worker}]
        Statistic: Sum
        Period: 60
        EvaluationPeriods: 5
        Threshold: 1
        ComparisonOperator: GreaterThanOrEqualToThreshold
        TreatMissingData: notBreaching
        AlarmActions: [!Ref OnCallTopic]
    ```

    ```json
    {"resource": {"aws_cloudwatch_metric_alarm": {"worker_errors": {
      "namespace": "AWS/Lambda", "metric_name": "Errors",
      "dimensions": {"FunctionName": "${aws_lambda_function.worker.function_name}"},
      "statistic": "Sum", "period": 60, "evaluation_periods": 5, "threshold": 1,
      "comparison_operator": "GreaterThanOrEqualToThreshold",
      "alarm_actions": ["${aws_sns_topic.on_call.arn}"]}}}}
    ```

    ## Known limits
    Templates without any alarm are not judged (alarms may live in a
    monitoring stack); alarms on log metric filters are not recognised.
    """
    alarmed_files = {alarm.file for alarm in view.resources(*METRIC_ALARM_TYPES)}
    for resource in view.resources():
        if resource.file not in alarmed_files:
            continue
        metrics, name_key, noun = WATCHED[resource.type]
        if resource.type in FUNCTIONS and (
                is_custom_resource_handler(view, resource) or
                view.referrers(resource, ("AWS::CloudFormation::Macro",))):
            continue
        name = resource.get(name_key)
        covered = alarms_on(view, resource, metrics, name)
        if covered is UNKNOWN or covered:
            continue
        yield resource.finding(None, f"{noun} {resource} has no alarm on "
                                     f"{' or '.join(sorted(metrics))}")


FUNCTIONS = ("AWS::Lambda::Function", "AWS::Serverless::Function", "aws_lambda_function")

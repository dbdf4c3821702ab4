from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

# type -> (logging level path, workflow type path)
LOGGING = {
    "AWS::StepFunctions::StateMachine": ("LoggingConfiguration/Level", "StateMachineType"),
    "AWS::Serverless::StateMachine": ("Logging/Level", "Type"),
    "aws_sfn_state_machine": ("logging_configuration/level", "type"),
}


@rule(id="OPS104", name="state-machine-without-logging", pillar="operational-excellence",
      severity="warning", resource_types=LOGGING, bp=("OPS04-BP02", "OPS08-BP02"))
def state_machine_without_logging(view):
    """Step Functions state machine writes no execution logs

    ## What it checks
    Every state machine (`AWS::StepFunctions::StateMachine`
    `LoggingConfiguration.Level`, SAM `Logging.Level`, Terraform
    `logging_configuration.level`) must log at `ALL`, `ERROR` or `FATAL`; the
    default is `OFF`. An `EXPRESS` workflow is a `warning`: Step Functions keeps
    no execution history for it, so its logs are the only record of what ran.
    A `STANDARD` workflow (the default type) is a `note`, since its execution
    history is kept for 90 days. Levels or types that cannot be resolved are
    not judged.

    ## Why it matters
    When a workflow fails, the execution log says which state failed, with
    which input and error; without it an Express workflow's failures leave
    only a metric behind (OPS04-BP02, OPS08-BP02).

    ## How to fix
    Log at least errors to a CloudWatch Logs group:

    ```yaml
    Flow:
      Type: AWS::StepFunctions::StateMachine
      Properties:
        StateMachineType: EXPRESS
        RoleArn: !GetAtt FlowRole.Arn
        DefinitionString: '{"StartAt":"Done","States":{"Done":{"Type":"Succeed"}}}'
        LoggingConfiguration:
          Level: ERROR
          IncludeExecutionData: false
          Destinations:
            - CloudWatchLogsLogGroup:
                LogGroupArn: !GetAtt FlowLogs.Arn
    ```

    ```json
    {"resource": {"aws_sfn_state_machine": {"flow": {
      "logging_configuration": {"level": "ERROR", "include_execution_data": false,
        "log_destination": "${aws_cloudwatch_log_group.flow.arn}:*"}}}}}
    ```
    """
    for machine in view.resources():
        level_path, type_path = LOGGING[machine.type]
        level = machine.get(level_path)
        kind = machine.get(type_path, "STANDARD")
        if level is UNKNOWN or kind is UNKNOWN:
            continue
        if isinstance(level, str) and level.upper() != "OFF":
            continue
        state = "OFF" if level is not None else "not set"
        express = isinstance(kind, str) and kind.upper() == "EXPRESS"
        if express:
            yield machine.finding(level_path, f"Express state machine {machine} writes no "
                                              f"execution logs ({level_path.replace('/', '.')} "
                                              f"is {state}) and keeps no execution history")
        else:
            yield machine.finding(level_path, f"State machine {machine} writes no execution "
                                              f"logs ({level_path.replace('/', '.')} is {state})",
                                  severity="note")

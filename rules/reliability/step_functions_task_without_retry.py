from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.stepfunctions import STATE_MACHINE_TYPES, retriers, states
from wa_lint.rule import rule


@rule(id="REL401", name="step-functions-task-without-retry", pillar="reliability",
      severity="warning", resource_types=STATE_MACHINE_TYPES, bp="REL05-BP03")
def step_functions_task_without_retry(view):
    """Step Functions Task state fails the workflow on the first transient error: no Retry

    ## What it checks
    Every `Task` state of a state machine definition, nested `Parallel`
    branches and `Map` processors included, needs a `Retry` with at least one
    retrier that allows an attempt (`MaxAttempts` is 3 by default; a retrier
    with `MaxAttempts: 0` retries nothing). A retrier that Step Functions
    rejects (`States.ALL` not alone and last, `BackoffRate` below 1) is an
    error. Definitions are read wherever they
    are written: CloudFormation `Definition` or `DefinitionString` (literal,
    `Fn::Sub`, `Fn::Join`, with `DefinitionSubstitutions`), SAM `Definition`,
    Terraform `definition` (`jsonencode(...)` or a JSON string). Definitions
    kept in separate files (`DefinitionUri`, `DefinitionS3Location`,
    `templatefile`) are not read.

    ## Why it matters
    Step Functions retries nothing by default. A Lambda throttle
    (`Lambda.TooManyRequestsException`), a `Lambda.ServiceException` or an
    SDK throttling error then fails the state, and without a `Catch` the whole
    execution. Retrying with exponential backoff and jitter absorbs these
    transient faults (REL05-BP03).

    ## How to fix
    Add a `Retry` to each Task, at least for the transient errors of its
    integration, with backoff and jitter:

    ```yaml
    Definition:
      StartAt: Charge
      States:
        Charge:
          Type: Task
          Resource: arn:aws:states:::lambda:invoke
          Parameters: {FunctionName: !GetAtt Charge.Arn, Payload.$: $}
          Retry:
            - ErrorEquals: [Lambda.ServiceException, Lambda.AWSLambdaException,
                            Lambda.SdkClientException, Lambda.TooManyRequestsException]
              IntervalSeconds: 2
              MaxAttempts: 6
              BackoffRate: 2
              JitterStrategy: FULL
          End: true
    ```

    ```json
    {"resource": {"aws_sfn_state_machine": {"orders": {"definition":
      "${jsonencode({StartAt = \\"Charge\\", States = {Charge = {Type = \\"Task\\",
        Resource = aws_lambda_function.charge.arn, End = true,
        Retry = [{ErrorEquals = [\\"States.TaskFailed\\"], MaxAttempts = 3}]}}})}"}}}}
    ```

    ## Known limits
    A retrier whose `ErrorEquals` does not cover the errors that actually
    occur is not judged.
    """
    for machine in view.resources():
        for state in states(machine):
            if state.type != "Task":
                continue
            if state.body.get("Retry") is UNKNOWN:
                continue
            entries = retriers(state)
            if not entries:
                yield machine.finding(state.path(), f"Task state {state.name} of {machine} has "
                                                    "no Retry: one transient error fails it")
                continue
            attempts = [as_int(entry.get("MaxAttempts", 3)) for entry in entries]
            if all(value == 0 for value in attempts):
                yield machine.finding(state.path("Retry"),
                                      f"Task state {state.name} of {machine} has only retriers "
                                      "with MaxAttempts 0: it never retries")
            yield from _invalid_retriers(machine, state, entries)


def _invalid_retriers(machine, state, entries):
    """Retriers Step Functions rejects: States.ALL not alone and last, BackoffRate below 1."""
    for index, entry in enumerate(entries):
        errors = entry.get("ErrorEquals")
        if isinstance(errors, list) and "States.ALL" in errors and \
                (len(errors) > 1 or index != len(entries) - 1):
            yield machine.finding(state.path("Retry", index),
                                  f"Task state {state.name} of {machine} has States.ALL in a "
                                  "retrier that is not the last one or not alone in ErrorEquals: "
                                  "the definition is invalid", severity="error")
        rate = entry.get("BackoffRate")
        if isinstance(rate, (int, float)) and not isinstance(rate, bool) and rate < 1:
            yield machine.finding(state.path("Retry", index, "BackoffRate"),
                                  f"Task state {state.name} of {machine} has a BackoffRate of "
                                  f"{rate}, below 1: the definition is invalid", severity="error")

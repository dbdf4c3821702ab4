from wa_lint.query import UNKNOWN
from wa_lint.query.messaging import function_timeout
from wa_lint.query.stepfunctions import STATE_MACHINE_TYPES, seconds, states, task_function
from wa_lint.rule import rule


@rule(id="REL406", name="step-functions-task-timeout-below-lambda", pillar="reliability",
      severity="note", resource_types=STATE_MACHINE_TYPES, bp="REL05-BP05")
def step_functions_task_timeout_below_lambda(view):
    """Step Functions Task gives up on a Lambda function that may still be running

    ## What it checks
    A `Task` that invokes a Lambda function of the run (its `Resource`, or
    `Parameters.FunctionName` of `arn:aws:states:::lambda:invoke`) with a
    `TimeoutSeconds` shorter than the function's `Timeout` (default 3 s).
    Definitions are read as in REL401.

    ## Why it matters
    When the Task times out, the function keeps running: a `Retry` on
    `States.Timeout` then starts a second copy that runs concurrently with the
    first, and both may write. Timeouts should shrink from the caller inwards
    so that the function's own timeout fires first (REL05-BP05).

    ## How to fix
    Give the Task a `TimeoutSeconds` at least the function's `Timeout`, or
    shorten the function's timeout:

    ```yaml
    Charge:
      Type: Task
      Resource: arn:aws:states:::lambda:invoke
      Parameters: {FunctionName: !GetAtt Charge.Arn, Payload.$: $}
      TimeoutSeconds: 60     # Charge has Timeout: 30
      End: true
    ```

    ```json
    {"Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "TimeoutSeconds": 60, "End": true}}
    ```
    """
    for machine in view.resources():
        for state in states(machine):
            if state.type != "Task":
                continue
            timeout = seconds(state, "TimeoutSeconds")
            if timeout is UNKNOWN or timeout is None:
                continue
            function = task_function(view, state)
            if function is None:
                continue
            runs = function_timeout(function)
            if runs is UNKNOWN or timeout >= runs:
                continue
            yield machine.finding(state.path("TimeoutSeconds"),
                                  f"Task state {state.name} of {machine} times out after "
                                  f"{timeout} s, but function {function} may run {runs} s: it "
                                  "keeps running after the Task has given up")

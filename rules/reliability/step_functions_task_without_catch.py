from wa_lint.query.stepfunctions import STATE_MACHINE_TYPES, catchers, states
from wa_lint.rule import rule

CATCHING = ("Task", "Parallel", "Map")


@rule(id="REL402", name="step-functions-task-without-catch", pillar="reliability",
      severity="warning", resource_types=STATE_MACHINE_TYPES, bp="REL05-BP01")
def step_functions_task_without_catch(view):
    """Step Functions state failures end the execution: no Catch to handle or compensate

    ## What it checks
    Every top-level `Task`, `Parallel` and `Map` state of a state machine
    definition needs a `Catch` that routes failures to a state that handles,
    compensates or reports them. States inside a `Parallel` branch or a `Map`
    processor are covered by the enclosing state's `Catch`, so only the
    outermost state is judged. A `Catch` whose `States.ALL` catcher is not the
    last one, or is not alone in its `ErrorEquals`, is an error: Step Functions
    rejects the definition. Definitions are read as in REL401.

    ## Why it matters
    A state that fails after its retries, with no `Catch`, fails the whole
    execution: work already done is not compensated, nobody is notified and
    the input is only in the execution history. Catching errors lets the
    workflow degrade gracefully, undo partial work and alert (REL05-BP01).

    ## How to fix
    Add a `Catch` with `States.ALL` as the last catcher, keeping the input
    (`ResultPath: $.error`) and routing to a handler:

    ```yaml
    Charge:
      Type: Task
      Resource: arn:aws:states:::lambda:invoke
      Parameters: {FunctionName: !GetAtt Charge.Arn, Payload.$: $}
      Catch:
        - ErrorEquals: [States.ALL]
          ResultPath: $.error
          Next: NotifyFailure
      End: true
    ```

    ```json
    {"Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.error",
                 "Next": "NotifyFailure"}], "End": true}}
    ```

    ## Known limits
    Whether the catching state really compensates or notifies is not judged.
    """
    for machine in view.resources():
        for state in states(machine):
            if state.type not in CATCHING:
                continue
            entries = catchers(state)
            if not entries:
                if not state.parents:
                    yield machine.finding(state.path(), f"{state.type} state {state.name} of "
                                                        f"{machine} has no Catch: a failure "
                                                        "ends the execution unhandled")
                continue
            for index, entry in enumerate(entries):
                errors = entry.get("ErrorEquals")
                if not isinstance(errors, list) or "States.ALL" not in errors:
                    continue
                if len(errors) > 1 or index != len(entries) - 1:
                    yield machine.finding(state.path("Catch", index),
                                          f"{state.type} state {state.name} of {machine} has "
                                          "States.ALL in a catcher that is not the last one or "
                                          "not alone in ErrorEquals: the definition is invalid",
                                          severity="error")

from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.stepfunctions import (
    STATE_MACHINE_TYPES,
    definition,
    is_callback,
    is_sync,
    machine_type,
    seconds,
    states,
)
from wa_lint.rule import rule


@rule(id="REL403", name="step-functions-unbounded-wait", pillar="reliability",
      severity="warning", resource_types=STATE_MACHINE_TYPES, bp="REL05-BP05")
def step_functions_unbounded_wait(view):
    """Step Functions task waits for a callback or an activity with no time limit

    ## What it checks
    A `Task` that waits for a task token (`.waitForTaskToken`) or for an
    activity worker needs a `HeartbeatSeconds` or `TimeoutSeconds` (or their
    `...Path` forms), unless the definition sets a top-level `TimeoutSeconds`.
    A `HeartbeatSeconds` not below `TimeoutSeconds` is an error (the
    definition is invalid), and so is a callback or `.sync` integration in an
    `EXPRESS` state machine, which supports neither. Definitions are read as
    in REL401.

    ## Why it matters
    A Task has no timeout by default: a lost token or a dead worker leaves a
    Standard execution waiting for up to a year, holding whatever it locked,
    with no failure to retry, catch or alarm on. A timeout turns the silent
    hang into a `States.Timeout` or `States.HeartbeatTimeout` error the
    workflow can handle (REL05-BP05).

    ## How to fix
    Set a `HeartbeatSeconds` the worker refreshes with
    `SendTaskHeartbeat`, and a `TimeoutSeconds` for the whole wait:

    ```yaml
    WaitForApproval:
      Type: Task
      Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
      Parameters: {QueueUrl: !Ref Approvals, MessageBody: {Token.$: $$.Task.Token}}
      HeartbeatSeconds: 3600
      TimeoutSeconds: 86400
      End: true
    ```

    ```json
    {"WaitForApproval": {"Type": "Task",
      "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
      "HeartbeatSeconds": 3600, "TimeoutSeconds": 86400, "End": true}}
    ```
    """
    for machine in view.resources():
        found = definition(machine)
        if found is None:
            continue
        kind = machine_type(machine)
        machine_timeout = as_int(found.document.get("TimeoutSeconds"))
        for state in states(machine):
            if state.type != "Task":
                continue
            callback = is_callback(state)
            if kind == "EXPRESS" and (callback or is_sync(state)):
                yield machine.finding(state.path("Resource"),
                                      f"Task state {state.name} of EXPRESS state machine "
                                      f"{machine} uses {state.integration().rsplit(':', 1)[-1]}, "
                                      "which Express workflows do not support",
                                      severity="error")
                continue
            heartbeat = seconds(state, "HeartbeatSeconds")
            timeout = seconds(state, "TimeoutSeconds")
            if isinstance(heartbeat, int) and isinstance(timeout, int) and heartbeat >= timeout:
                yield machine.finding(state.path("HeartbeatSeconds"),
                                      f"Task state {state.name} of {machine} has "
                                      f"HeartbeatSeconds {heartbeat} not below TimeoutSeconds "
                                      f"{timeout}: the definition is invalid", severity="error")
                continue
            if not callback:
                continue
            limits = [state.body.get(key) for key in ("HeartbeatSeconds", "HeartbeatSecondsPath",
                                                      "TimeoutSeconds", "TimeoutSecondsPath")]
            if any(value is not None for value in limits) or machine_timeout is UNKNOWN \
                    or machine_timeout is not None:
                continue
            waits = "an activity worker" if ":activity:" in state.integration() else \
                "a task token"
            yield machine.finding(state.path(), f"Task state {state.name} of {machine} waits "
                                                f"for {waits} with no HeartbeatSeconds or "
                                                "TimeoutSeconds: a lost callback hangs the "
                                                "execution for up to a year")

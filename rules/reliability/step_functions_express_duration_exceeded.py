from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.stepfunctions import (
    EXPRESS_LIMIT,
    STATE_MACHINE_TYPES,
    definition,
    express_scope,
    machine_type,
    seconds,
    states,
)
from wa_lint.rule import rule


@rule(id="REL405", name="step-functions-express-duration-exceeded", pillar="reliability",
      severity="error", resource_types=STATE_MACHINE_TYPES, bp="REL05-BP05")
def step_functions_express_duration_exceeded(view):
    """Express workflow waits or times out later than an Express execution can last

    ## What it checks
    In an `EXPRESS` state machine, or in the child workflows of a distributed
    `Map` run as `EXPRESS`: a `Wait` state with `Seconds`, or a `TimeoutSeconds`
    (of the definition or of a state), above 300 seconds, the five-minute
    maximum duration of an Express execution.

    ## Why it matters
    An Express execution is stopped after five minutes whatever the definition
    says: the long wait or timeout never happens, and the execution ends as
    timed out in the middle of its work, without running its `Catch`
    handlers (REL05-BP05).

    ## How to fix
    Keep Express workflows under five minutes, or use a `STANDARD` machine
    for long waits:

    ```yaml
    Reminders:
      Type: AWS::StepFunctions::StateMachine
      Properties:
        StateMachineType: STANDARD
        Definition:
          StartAt: Wait
          States:
            Wait: {Type: Wait, Seconds: 3600, End: true}
    ```

    ```json
    {"resource": {"aws_sfn_state_machine": {"reminders": {"type": "STANDARD"}}}}
    ```
    """
    for machine in view.resources():
        found = definition(machine)
        if found is None:
            continue
        if machine_type(machine) == "EXPRESS":
            timeout = as_int(found.document.get("TimeoutSeconds"))
            if isinstance(timeout, int) and timeout > EXPRESS_LIMIT:
                yield machine.finding(found.path("TimeoutSeconds"),
                                      f"EXPRESS state machine {machine} sets TimeoutSeconds "
                                      f"{timeout}, but an Express execution stops after "
                                      f"{EXPRESS_LIMIT} s")
        for state in states(machine):
            if not express_scope(machine, state):
                continue
            for key in ("Seconds", "TimeoutSeconds"):
                if key == "Seconds" and state.type != "Wait":
                    continue
                value = seconds(state, key)
                if value is UNKNOWN or value is None or value <= EXPRESS_LIMIT:
                    continue
                yield machine.finding(state.path(key),
                                      f"{state.type} state {state.name} of {machine} has {key} "
                                      f"{value} in an Express execution, which stops after "
                                      f"{EXPRESS_LIMIT} s")

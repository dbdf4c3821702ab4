from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.stepfunctions import STATE_MACHINE_TYPES, states
from wa_lint.rule import rule


@rule(id="REL404", name="step-functions-map-unbounded-concurrency", pillar="reliability",
      severity="note", resource_types=STATE_MACHINE_TYPES, bp=("REL05-BP02", "REL05-BP03"))
def step_functions_map_unbounded_concurrency(view):
    """Step Functions Map state fans out with no concurrency limit against its back-ends

    ## What it checks
    A `Map` state whose processor runs at least one `Task` and that sets no
    `MaxConcurrency` (or sets 0) and no `MaxConcurrencyPath`. Definitions are
    read as in REL401.

    ## Why it matters
    Without a limit an inline `Map` runs up to 40 iterations at once and a
    distributed `Map` up to 10,000 child executions. Every iteration calls the
    back-end at the same moment: Lambda concurrency, DynamoDB capacity or a
    third-party API is throttled, and retries add load. A deliberate
    `MaxConcurrency` sized to the back-end keeps the fan-out within what it
    can take (REL05-BP02, REL05-BP03).

    ## How to fix
    Set `MaxConcurrency` to what the called service can absorb:

    ```yaml
    ProcessItems:
      Type: Map
      MaxConcurrency: 10
      ItemProcessor:
        ProcessorConfig: {Mode: INLINE}
        StartAt: Process
        States:
          Process: {Type: Task, Resource: arn:aws:states:::lambda:invoke, End: true}
      End: true
    ```

    ```json
    {"ProcessItems": {"Type": "Map", "MaxConcurrency": 10, "ItemProcessor": {"...": "..."},
      "End": true}}
    ```
    """
    for machine in view.resources():
        all_states = list(states(machine))
        for state in all_states:
            if state.type != "Map" or state.body.get("MaxConcurrencyPath") is not None:
                continue
            limit = as_int(state.body.get("MaxConcurrency"))
            if limit is UNKNOWN or (limit is not None and limit > 0):
                continue
            if not any(inner.type == "Task" and state in inner.parents for inner in all_states):
                continue
            processor = state.body.get("ItemProcessor")
            mode = processor.get("ProcessorConfig", {}).get("Mode") \
                if isinstance(processor, dict) and \
                isinstance(processor.get("ProcessorConfig"), dict) else None
            reach = "up to 10,000 child executions" if mode == "DISTRIBUTED" else \
                "up to 40 iterations"
            yield machine.finding(state.path(), f"Map state {state.name} of {machine} has no "
                                                f"MaxConcurrency: it runs {reach} at once "
                                                "against its back-ends")

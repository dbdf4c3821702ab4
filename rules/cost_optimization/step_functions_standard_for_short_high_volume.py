import re

from wa_lint.query import UNKNOWN
from wa_lint.query.cost import raw_text
from wa_lint.query.messaging import sam_events
from wa_lint.query.stepfunctions import EXPRESS_LIMIT
from wa_lint.rule import rule

# type -> (workflow type key, definition keys)
MACHINES = {"AWS::StepFunctions::StateMachine": ("StateMachineType",
                                                 ("Definition", "DefinitionString")),
            "AWS::Serverless::StateMachine": ("Type", ("Definition",)),
            "aws_sfn_state_machine": ("type", ("definition",))}
# (trigger type, path in it that must reference the machine, description)
PER_EVENT_TRIGGERS = (
    ("AWS::ApiGateway::Method", "Integration", "an API Gateway method"),
    ("AWS::ApiGatewayV2::Integration", "RequestParameters", "an HTTP API integration"),
    ("AWS::Pipes::Pipe", "Target", "an EventBridge pipe"),
    ("aws_api_gateway_integration", "request_templates", "an API Gateway method"),
    ("aws_apigatewayv2_integration", "request_parameters", "an HTTP API integration"),
    ("aws_pipes_pipe", "target", "an EventBridge pipe"),
)
SAM_PER_EVENT = ("Api", "HttpApi", "EventBridgeRule", "CloudWatchEvent")
# what only a Standard workflow supports, or what makes an execution long
NEEDS_STANDARD = re.compile(
    r"Type\\*\"?\s*[:=]\s*\\*\"Wait\b|\.sync\b|waitForTaskToken|:activity:|DISTRIBUTED",
    re.IGNORECASE)
TIMEOUT = re.compile(r"(?:TimeoutSeconds|HeartbeatSeconds)\\*\"?\s*[:=]\s*(\d+)")
EXTERNAL = ("templatefile(", "file(", "DefinitionS3Location", "DefinitionUri")


@rule(id="COST107", name="step-functions-standard-for-short-high-volume",
      pillar="cost-optimization", severity="note", resource_types=MACHINES,
      bp=("COST07-BP01", "COST06-BP01"))
def step_functions_standard_for_short_high_volume(view):
    """Per-request Step Functions workflow runs on Standard pricing

    ## What it checks
    A Step Functions state machine of type `STANDARD` (the default of
    `StateMachineType`, SAM `Type` and Terraform `type`) that is started once
    per request or event: by an API Gateway method or HTTP API integration,
    an EventBridge rule with an event pattern (not a schedule), an EventBridge
    pipe, or a SAM `Api`, `HttpApi`, `EventBridgeRule` or `CloudWatchEvent`
    event. Its definition, read from the template, must also fit Express:
    no `Wait` state, no `.sync` or `.waitForTaskToken` integration, no
    activity, no distributed `Map`, and no timeout above 300 seconds.
    Definitions kept in files (`DefinitionS3Location`, `DefinitionUri`,
    `templatefile`) are not judged.

    ## Why it matters
    Standard workflows are billed per state transition; Express workflows
    per request and duration. For short workflows started at a high rate,
    Express typically costs a fraction of Standard. Choosing the pricing
    model that fits the usage pattern is COST07-BP01.

    ## How to fix
    Switch to Express (executions up to five minutes, at-least-once
    semantics, history in CloudWatch Logs):

    ```yaml
    Checkout:
      Type: AWS::StepFunctions::StateMachine
      Properties:
        StateMachineType: EXPRESS
        LoggingConfiguration:
          Level: ERROR
          Destinations:
            - CloudWatchLogsLogGroup: {LogGroupArn: !GetAtt CheckoutLogs.Arn}
    ```

    ```json
    {"resource": {"aws_sfn_state_machine": {"checkout": {"type": "EXPRESS"}}}}
    ```

    ## Known limits
    The rate of requests is not known: a per-request trigger only suggests
    volume. Workflows that need exactly-once execution must stay Standard;
    suppress the note with that reason.
    """
    for machine in view.resources():
        type_key, definition_keys = MACHINES[machine.type]
        workflow = machine.get(type_key)
        if workflow is UNKNOWN or (workflow is not None and str(workflow).upper() != "STANDARD"):
            continue
        text = "\n".join(raw_text(machine, key) for key in definition_keys)
        if not text.strip() or any(marker in text for marker in EXTERNAL) or \
                any(machine.has(marker) for marker in EXTERNAL[2:]):
            continue
        if NEEDS_STANDARD.search(text) or any(int(value) > EXPRESS_LIMIT
                                              for value in TIMEOUT.findall(text)):
            continue
        trigger = _per_event_trigger(view, machine)
        if trigger is None:
            continue
        yield machine.finding(type_key, f"State machine {machine} is STANDARD but is started per "
                                        f"event by {trigger} and fits Express: Standard bills "
                                        "every state transition")


def _per_event_trigger(view, machine):
    for trigger_type, path, description in PER_EVENT_TRIGGERS:
        for trigger in view.referrers(machine, (trigger_type,), path=path):
            return f"{description} ({trigger})"
    for rule_resource in view.referrers(machine, ("AWS::Events::Rule",), path="Targets"):
        if rule_resource.get("EventPattern") not in (None, UNKNOWN):
            return f"an EventBridge rule ({rule_resource})"
    for target in view.referrers(machine, ("aws_cloudwatch_event_target",), path="arn"):
        for rule_resource in view.referenced(target, "rule", ("aws_cloudwatch_event_rule",)):
            if rule_resource.get("event_pattern") not in (None, UNKNOWN):
                return f"an EventBridge rule ({rule_resource})"
    if machine.type == "AWS::Serverless::StateMachine":
        for path, event in sam_events(machine, *SAM_PER_EVENT):
            return f"its {event['Type']} event {path[-1]}"
    return None

from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

# type -> (path of the setting, what "on" looks like, how to name it)
TRACING = {
    "AWS::Lambda::Function": ("TracingConfig/Mode", "Active", "Function"),
    "AWS::Serverless::Function": ("Tracing", "Active", "Function"),
    "aws_lambda_function": ("tracing_config/mode", "Active", "Function"),
    "AWS::ApiGateway::Stage": ("TracingEnabled", True, "API stage"),
    "AWS::ApiGateway::Deployment": ("StageDescription/TracingEnabled", True, "API stage of"),
    "AWS::Serverless::Api": ("TracingEnabled", True, "API"),
    "aws_api_gateway_stage": ("xray_tracing_enabled", True, "API stage"),
    "AWS::StepFunctions::StateMachine": ("TracingConfiguration/Enabled", True, "State machine"),
    "AWS::Serverless::StateMachine": ("Tracing/Enabled", True, "State machine"),
    "aws_sfn_state_machine": ("tracing_configuration/enabled", True, "State machine"),
}


@rule(id="OPS102", name="tracing-disabled", pillar="operational-excellence", severity="note",
      resource_types=TRACING, bp=("OPS04-BP05", "OPS08-BP03"))
def tracing_disabled(view):
    """Lambda function, REST API stage or state machine does not send traces to X-Ray

    ## What it checks
    Lambda functions (`TracingConfig.Mode`, SAM `Tracing`, Terraform
    `tracing_config.mode`) must be `Active`; API Gateway REST stages
    (`TracingEnabled`, SAM `AWS::Serverless::Api`, a deployment's
    `StageDescription`, Terraform `xray_tracing_enabled`) and Step Functions
    state machines (`TracingConfiguration.Enabled`, SAM `Tracing.Enabled`,
    Terraform `tracing_configuration.enabled`) must have tracing enabled. SAM
    `Globals` are applied. The AWS defaults are `PassThrough` for Lambda (a
    trace is recorded only when the caller already sampled one) and disabled
    for stages and state machines. HTTP APIs cannot trace and are not checked.
    An `AWS::ApiGateway::Deployment` is checked only when it creates a stage
    (`StageName`).

    ## Why it matters
    In a distributed, event-driven workload a request crosses several
    services; without traces, finding where latency or errors come from means
    correlating logs by hand (OPS04-BP05, OPS08-BP03).

    ## How to fix
    Turn tracing on (and let the execution role write to X-Ray, e.g.
    `AWSXRayDaemonWriteAccess`); in SAM, once in `Globals`:

    ```yaml
    Globals:
      Function:
        Tracing: Active
      Api:
        TracingEnabled: true
    ```

    ```json
    {"resource": {"aws_lambda_function": {"worker": {
      "tracing_config": {"mode": "Active"}}}}}
    ```

    ## Known limits
    Traces sent by the application itself (an OpenTelemetry collector, the
    X-Ray SDK with its own daemon) are not seen. Whether the role may write
    traces is not checked.
    """
    for resource in view.resources():
        path, on, noun = TRACING[resource.type]
        if resource.type == "AWS::ApiGateway::Deployment" and resource.get("StageName") is None:
            continue
        written = resource.get(path)
        if written is UNKNOWN:
            continue
        if on is True:
            value = as_bool(written)
            if value is UNKNOWN:
                continue
        else:
            value = written.capitalize() if isinstance(written, str) else written
        if value != on:
            setting = path.replace("/", ".")
            if written is None:
                state = "not set"
            else:
                state = str(written).lower() if isinstance(written, bool) else written
            yield resource.finding(path, f"{noun} {resource} does not send traces to X-Ray "
                                         f"({setting} is {state})")

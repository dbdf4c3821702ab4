from wa_lint.query import as_bool
from wa_lint.rule import rule

# type -> path patterns of DataTraceEnabled switches ("*" = every list item)
DATA_TRACE = {
    "AWS::ApiGateway::Stage": ("MethodSettings/*/DataTraceEnabled",),
    "AWS::Serverless::Api": ("MethodSettings/*/DataTraceEnabled",),
    "AWS::ApiGateway::Deployment": ("StageDescription/DataTraceEnabled",
                                    "StageDescription/MethodSettings/*/DataTraceEnabled"),
    "AWS::ApiGatewayV2::Stage": ("DefaultRouteSettings/DataTraceEnabled",),
    "aws_api_gateway_method_settings": ("settings/data_trace_enabled",),
    "aws_apigatewayv2_stage": ("default_route_settings/data_trace_enabled",),
}


@rule(id="OPS112", name="api-data-trace-enabled", pillar="operational-excellence",
      severity="note", resource_types=DATA_TRACE, bp=("OPS04-BP02", "SEC07-BP02"))
def api_data_trace_enabled(view):
    """API Gateway logs full request and response bodies (data tracing)

    ## What it checks
    `DataTraceEnabled: true` in a REST stage's `MethodSettings` (also SAM
    `AWS::Serverless::Api` and a deployment's `StageDescription`), in a
    WebSocket stage's `DefaultRouteSettings`, or Terraform
    `aws_api_gateway_method_settings` `settings.data_trace_enabled` and
    `aws_apigatewayv2_stage` `default_route_settings.data_trace_enabled`.
    Data tracing is off by default. This is a note: the template cannot say
    whether the stage serves production traffic.

    ## Why it matters
    Data tracing writes whole request and response payloads, headers and
    authorisation data included, to CloudWatch Logs. AWS recommends it only
    for troubleshooting, not for production APIs: it copies personal or
    secret data into logs with wider access and longer retention than the
    data itself, and adds logging cost on every call (OPS04-BP02,
    SEC07-BP02). Access logs and `ERROR`/`INFO` execution logs give the
    operational signal without the payloads.

    ## How to fix
    Turn data tracing off outside troubleshooting sessions:

    ```yaml
    MethodSettings:
      - ResourcePath: "/*"
        HttpMethod: "*"
        LoggingLevel: ERROR
        DataTraceEnabled: false
        MetricsEnabled: true
    ```

    ```json
    {"resource": {"aws_api_gateway_method_settings": {"all": {
      "settings": {"logging_level": "ERROR", "data_trace_enabled": false,
                   "metrics_enabled": true}}}}}
    ```
    """
    for resource in view.resources():
        for pattern in DATA_TRACE[resource.type]:
            for path, value in resource.values(pattern):
                if as_bool(value) is True:
                    yield resource.finding(path, f"API stage settings {resource} log whole "
                                                 "request and response payloads "
                                                 "(DataTraceEnabled)")
                    break

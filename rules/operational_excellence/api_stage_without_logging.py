from wa_lint.query import UNKNOWN
from wa_lint.query.observability import execution_logging
from wa_lint.rule import rule

# type -> where the access-log destination is written; REST stages also have execution logs
ACCESS_LOG = {
    "AWS::ApiGateway::Stage": "AccessLogSetting/DestinationArn",
    "AWS::ApiGateway::Deployment": "StageDescription/AccessLogSetting/DestinationArn",
    "AWS::Serverless::Api": "AccessLogSetting/DestinationArn",
    "aws_api_gateway_stage": "access_log_settings/destination_arn",
    "AWS::ApiGatewayV2::Stage": "AccessLogSettings/DestinationArn",
    "AWS::Serverless::HttpApi": "AccessLogSettings/DestinationArn",
    "aws_apigatewayv2_stage": "access_log_settings/destination_arn",
}
REST = ("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment", "AWS::Serverless::Api",
        "aws_api_gateway_stage")


@rule(id="OPS103", name="api-stage-without-logging", pillar="operational-excellence",
      severity="warning", resource_types=ACCESS_LOG,
      bp=("OPS04-BP02", "OPS08-BP02", "SEC04-BP01"))
def api_stage_without_logging(view):
    """API Gateway stage writes no access logs

    ## What it checks
    Every API Gateway stage needs an access-log destination: REST stages
    (`AWS::ApiGateway::Stage`, a deployment that creates a stage with
    `StageName`, SAM `AWS::Serverless::Api`, Terraform `aws_api_gateway_stage`)
    need `AccessLogSetting.DestinationArn`; HTTP and WebSocket stages
    (`AWS::ApiGatewayV2::Stage`, SAM `AWS::Serverless::HttpApi`, Terraform
    `aws_apigatewayv2_stage`) need `AccessLogSettings.DestinationArn`. Access
    logging is off by default. For a REST stage the message also says whether
    execution logging is on (a `MethodSettings` entry, or a Terraform
    `aws_api_gateway_method_settings`, with `LoggingLevel` `ERROR` or `INFO`).
    REST stages are a `warning`, HTTP and WebSocket stages a `note`.

    ## Why it matters
    The access log is the one record of who called which route, with which
    status and latency: without it an incident or a security question about
    the API cannot be answered after the fact (OPS04-BP02, OPS08-BP02,
    SEC04-BP01).

    ## How to fix
    Send access logs to a CloudWatch Logs group (or a Firehose stream):

    ```yaml
    Prod:
      Type: AWS::ApiGateway::Stage
      Properties:
        RestApiId: !Ref Api
        DeploymentId: !Ref Deployment
        StageName: prod
        AccessLogSetting:
          DestinationArn: !GetAtt ApiAccessLogs.Arn
          Format: '{"requestId":"$context.requestId","status":"$context.status"}'
        MethodSettings:
          - ResourcePath: "/*"
            HttpMethod: "*"
            LoggingLevel: ERROR
    ```

    ```json
    {"resource": {"aws_api_gateway_stage": {"prod": {
      "access_log_settings": {"destination_arn": "${aws_cloudwatch_log_group.api.arn}",
                              "format": "$context.requestId $context.status"}}}}}
    ```

    ## Known limits
    Execution logging also needs the account-level CloudWatch role
    (`AWS::ApiGateway::Account`); that is not checked.
    """
    for stage in view.resources():
        if stage.type == "AWS::ApiGateway::Deployment" and stage.get("StageName") is None:
            continue
        path = ACCESS_LOG[stage.type]
        destination = stage.get(path)
        if destination is UNKNOWN or destination not in (None, ""):
            continue
        setting = path.rsplit("/", 1)[0]
        name = f"API stage {stage}"
        if stage.type == "AWS::ApiGateway::Deployment":
            stage_name = stage.get("StageName")
            name = f"API stage {stage_name if isinstance(stage_name, str) else ''} created by " \
                   f"{stage}".replace("  ", " ")
        if stage.type in REST:
            execution = execution_logging(view, stage)
            also = " and no execution logs" if execution is False else ""
            yield stage.finding(setting, f"{name} writes no access logs{also}")
        else:
            yield stage.finding(setting, f"{name} writes no access logs",
                                severity="note")

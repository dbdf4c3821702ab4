from wa_lint.query import UNKNOWN, as_int
from wa_lint.rule import rule

STAGES = ("AWS::ApiGateway::Stage", "AWS::ApiGateway::Deployment", "AWS::Serverless::Api",
          "AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi", "aws_api_gateway_stage",
          "aws_apigatewayv2_stage")
USAGE_PLANS = ("AWS::ApiGateway::UsagePlan", "aws_api_gateway_usage_plan")
CFN_LIMITS = ("ThrottlingRateLimit", "ThrottlingBurstLimit")
TF_LIMITS = ("throttling_rate_limit", "throttling_burst_limit")


@rule(id="REL310", name="api-without-throttling", pillar="reliability", severity="warning",
      resource_types=STAGES, bp=("REL05-BP02", "COST09-BP02"))
def api_without_throttling(view):
    """API Gateway stage relies on the account-wide throttle shared by every API

    ## What it checks
    Each REST API stage (`AWS::ApiGateway::Stage`, a `Deployment` with a
    `StageName`, SAM `AWS::Serverless::Api`, `aws_api_gateway_stage`) needs a
    throttling rate or burst limit in its method settings (`MethodSettings`,
    `StageDescription`, `aws_api_gateway_method_settings`) or a usage plan
    with a `Throttle` that covers it. Each HTTP or WebSocket API stage
    (`AWS::ApiGatewayV2::Stage`, SAM `AWS::Serverless::HttpApi`,
    `aws_apigatewayv2_stage`) needs throttling in its default or route
    settings. Private REST APIs are exempt.

    ## Why it matters
    Without a stage limit the API is bounded only by the account's Regional
    throttle (10,000 requests per second with a 5,000 burst by default),
    which every API in the account shares. One noisy client or a retry storm
    can then exhaust it for all APIs, and nothing protects the back-end from
    a load it was never sized for (REL05-BP02, COST09-BP02).

    ## How to fix
    Set stage-wide limits sized to what the back-end can take:

    ```yaml
    Prod:
      Type: AWS::ApiGateway::Stage
      Properties:
        RestApiId: !Ref Api
        DeploymentId: !Ref Deployment
        StageName: prod
        MethodSettings:
          - {HttpMethod: "*", ResourcePath: "/*", ThrottlingRateLimit: 100,
             ThrottlingBurstLimit: 200}
    ```

    ```json
    {"resource": {"aws_apigatewayv2_stage": {"prod": {"api_id": "${aws_apigatewayv2_api.api.id}",
      "name": "prod", "auto_deploy": true,
      "default_route_settings": {"throttling_rate_limit": 100, "throttling_burst_limit": 200}}}}}
    ```
    """
    for stage in view.resources():
        if _is_private(view, stage):
            continue
        throttled = _throttled(view, stage)
        if throttled is UNKNOWN or throttled:
            continue
        if stage.type == "AWS::ApiGateway::Deployment":
            if stage.get("StageName") is None:
                continue
            where = "StageDescription"
        elif stage.type in ("AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi"):
            where = "DefaultRouteSettings"
        elif stage.type == "aws_apigatewayv2_stage":
            where = "default_route_settings"
        elif stage.is_cloudformation:
            where = "MethodSettings"
        else:
            where = None
        yield stage.finding(where, f"API stage {stage} has no throttling limit: it shares the "
                                   "account-wide Regional throttle with every other API")


def _limits(values: list) -> object:
    """True if a positive limit is set, UNKNOWN if one cannot be resolved, else False."""
    unknown = False
    for value in values:
        number = as_int(value) if not isinstance(value, float) else value
        if number is UNKNOWN:
            unknown = True
        elif number is not None and number >= 0:
            return True
    return UNKNOWN if unknown else False


def _throttled(view, stage) -> object:
    kind = stage.type
    if kind in ("AWS::ApiGateway::Stage", "AWS::Serverless::Api"):
        values = [value for name in CFN_LIMITS for _, value in
                  stage.values(f"MethodSettings/*/{name}")]
        if stage.get("MethodSettings") is UNKNOWN:
            return UNKNOWN
        found = _limits(values)
        if found is not False:
            return found
        if kind == "AWS::ApiGateway::Stage":
            return _usage_plan(view, stage)
        return False
    if kind == "AWS::ApiGateway::Deployment":
        values = [stage.get(f"StageDescription/{name}") for name in CFN_LIMITS]
        values += [value for name in CFN_LIMITS for _, value in
                   stage.values(f"StageDescription/MethodSettings/*/{name}")]
        return _limits(values)
    if kind in ("AWS::ApiGatewayV2::Stage", "AWS::Serverless::HttpApi"):
        values = [stage.get(f"DefaultRouteSettings/{name}") for name in CFN_LIMITS]
        routes = stage.get("RouteSettings")
        if routes is UNKNOWN:
            return UNKNOWN
        if isinstance(routes, dict):
            values += [route.get(name) for route in routes.values() if isinstance(route, dict)
                       for name in CFN_LIMITS]
        return _limits(values)
    if kind == "aws_apigatewayv2_stage":
        values = [stage.get(f"default_route_settings/{name}") for name in TF_LIMITS]
        values += [value for name in TF_LIMITS for _, value in
                   stage.values(f"route_settings/*/{name}")]
        return _limits(values)
    # aws_api_gateway_stage
    values = []
    for settings in view.referrers(stage, ("aws_api_gateway_method_settings",)):
        values += [settings.get(f"settings/{name}") for name in TF_LIMITS]
    found = _limits(values)
    if found is not False:
        return found
    return _usage_plan(view, stage)


def _usage_plan(view, stage) -> object:
    for plan in view.referrers(stage, USAGE_PLANS):
        cfn = plan.is_cloudformation
        values = [plan.get(f"Throttle/{name}") for name in ("RateLimit", "BurstLimit")] if cfn \
            else [plan.get(f"throttle_settings/{name}") for name in ("rate_limit", "burst_limit")]
        if cfn:
            values += [value for name in ("RateLimit", "BurstLimit") for _, value in
                       plan.values(f"ApiStages/*/Throttle/*/{name}")]
        found = _limits(values)
        if found is not False:
            return found
    return False


def _is_private(view, stage) -> bool:
    if stage.type == "AWS::Serverless::Api":
        configuration = stage.get("EndpointConfiguration")
        if isinstance(configuration, dict):
            configuration = configuration.get("Type")
        return configuration == "PRIVATE"
    key = {"AWS::ApiGateway::Stage": "RestApiId", "AWS::ApiGateway::Deployment": "RestApiId",
           "aws_api_gateway_stage": "rest_api_id"}.get(stage.type)
    if key is None:
        return False
    for api in view.referenced(stage, key):
        path = "EndpointConfiguration/Types" if api.is_cloudformation else \
            "endpoint_configuration/types"
        types = api.get(path)
        if isinstance(types, list) and types == ["PRIVATE"]:
            return True
    return False

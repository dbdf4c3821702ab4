from wa_lint.query import UNKNOWN
from wa_lint.query.messaging import function_timeout, lambda_api_integrations
from wa_lint.rule import rule

HOLDERS = ("AWS::ApiGateway::Method", "AWS::ApiGatewayV2::Integration",
           "AWS::Serverless::Function", "aws_api_gateway_integration",
           "aws_apigatewayv2_integration")


@rule(id="REL309", name="api-backend-timeout-exceeds-integration", pillar="reliability",
      severity="warning", resource_types=HOLDERS, bp="REL05-BP05")
def api_backend_timeout_exceeds_integration(view):
    """Lambda behind API Gateway may run longer than the API waits for it

    ## What it checks
    Synchronous API Gateway → Lambda integrations (REST `AWS`/`AWS_PROXY`
    methods, HTTP and WebSocket API integrations, SAM `Api` and `HttpApi`
    events) whose function `Timeout` (default 3 s) is longer than the
    integration timeout: `TimeoutInMillis` / `timeout_milliseconds` if set,
    else 29 s for REST and WebSocket APIs and 30 s for HTTP APIs.

    ## Why it matters
    When the integration times out, the client gets a 504 while the function
    keeps running, and may still write, charge or send: the client retries
    and the work is done twice, or the error is reported for work that
    succeeded. Timeouts should shrink from the caller inwards so that the
    innermost one fires first (REL05-BP05).

    ## How to fix
    Keep the function timeout below the integration timeout, or make long
    work asynchronous (queue it and return 202):

    ```yaml
    Api:
      Type: AWS::Serverless::Function
      Properties:
        Timeout: 25
        Events:
          Get: {Type: Api, Properties: {Path: /orders, Method: get}}
    ```

    ```json
    {"resource": {"aws_lambda_function": {"api": {"timeout": 25}}}}
    ```

    ## Known limits
    A REST API whose integration timeout was raised beyond 29 s by a quota
    increase is judged by its `TimeoutInMillis`.
    """
    seen = set()
    for integration in lambda_api_integrations(view):
        function, holder = integration.function, integration.holder
        if (holder.id, integration.path, function.id) in seen:
            continue
        seen.add((holder.id, integration.path, function.id))
        timeout = function_timeout(function)
        limit = integration.limit_ms
        if timeout is UNKNOWN or limit is UNKNOWN or limit is None:
            continue
        if timeout * 1000 > limit:
            yield holder.finding(integration.path, f"Function {function} can run {timeout} s, "
                                                   f"but its {integration.kind} API integration "
                                                   f"gives up after {limit / 1000:g} s: clients "
                                                   "get a 504 while it keeps running")

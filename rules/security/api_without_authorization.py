from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.edge import api_of, has_resource_policy, is_private_api, sam_implicit_api_auth
from wa_lint.query.messaging import sam_events
from wa_lint.rule import rule

METHODS = {"AWS::ApiGateway::Method": ("AuthorizationType", "ApiKeyRequired", "HttpMethod"),
           "aws_api_gateway_method": ("authorization", "api_key_required", "http_method")}
ROUTES = {"AWS::ApiGatewayV2::Route": ("AuthorizationType", "RouteKey", "ProtocolType"),
          "aws_apigatewayv2_route": ("authorization_type", "route_key", "protocol_type")}
SAM_FUNCTION = "AWS::Serverless::Function"
WRITES = {"POST", "PUT", "PATCH", "DELETE", "ANY", "$DEFAULT"}


@rule(id="SEC306", name="api-without-authorization", pillar="security", severity="warning",
      resource_types=(*METHODS, *ROUTES, SAM_FUNCTION), bp=("SEC03-BP02", "SEC03-BP07"))
def api_without_authorization(view):
    """API Gateway route accepts calls from anyone: no authorizer and no API key

    ## What it checks
    - REST API methods (`AWS::ApiGateway::Method`, `aws_api_gateway_method`)
      with `AuthorizationType` `NONE` (the CloudFormation default) and no
      `ApiKeyRequired`;
    - HTTP API routes (`AWS::ApiGatewayV2::Route`, `aws_apigatewayv2_route`)
      with `AuthorizationType` `NONE` (the default); on a WebSocket API only
      the `$connect` route can be authorized, so only it is checked;
    - SAM `Api` and `HttpApi` events of `AWS::Serverless::Function` with no
      `Auth.Authorizer` and an API (explicit, or the implicit one with
      `Globals`) that has no `Auth.DefaultAuthorizer` (or an event that sets
      `Authorizer: NONE`), and no API key required.

    A write method (`POST`, `PUT`, `PATCH`, `DELETE`, `ANY`, `$default`) is an
    error; a read method a warning. `OPTIONS` (CORS preflight) is exempt, and
    so are private REST APIs, REST APIs with a resource policy (which may
    restrict callers), and SAM APIs defined by an OpenAPI document. Values
    that cannot be resolved are not judged.

    ## Why it matters
    An unauthenticated route lets anyone on the internet call the backend:
    read its data, write to it, or simply run it up at your expense. Every
    route should identify its caller, with IAM, a Cognito or JWT authorizer,
    or a Lambda authorizer (SEC03-BP02); an endpoint meant to be public should
    be a reviewed decision (SEC03-BP07).

    ## How to fix
    Attach an authorizer (or `AWS_IAM`) to the method or set a default
    authorizer on the API:

    ```yaml
    OrdersPost:
      Type: AWS::ApiGateway::Method
      Properties:
        RestApiId: !Ref Api
        ResourceId: !Ref OrdersResource
        HttpMethod: POST
        AuthorizationType: COGNITO_USER_POOLS
        AuthorizerId: !Ref UserPoolAuthorizer
    ```

    ```json
    {"resource": {"aws_apigatewayv2_route": {"orders": {
      "api_id": "${aws_apigatewayv2_api.main.id}", "route_key": "POST /orders",
      "authorization_type": "JWT",
      "authorizer_id": "${aws_apigatewayv2_authorizer.cognito.id}"}}}}
    ```

    ## Known limits
    API keys are identification, not authorization; a method that requires
    one passes here. Resource policies are not evaluated, and neither are
    authorization checks inside the integration.
    """
    for method in view.resources(*METHODS):
        auth_key, key_key, verb_key = METHODS[method.type]
        auth = method.get(auth_key, "NONE")
        api_key = as_bool(method.get(key_key))
        verb = method.get(verb_key)
        if auth is UNKNOWN or api_key is UNKNOWN or verb is UNKNOWN or api_key is True:
            continue
        if not isinstance(auth, str) or auth.upper() != "NONE" or str(verb).upper() == "OPTIONS":
            continue
        api = api_of(view, method)
        if api is not None and (is_private_api(api) is not False
                                or has_resource_policy(view, api) is not False):
            continue
        verb = str(verb).upper()
        yield method.finding(auth_key, f"Method {method} ({verb}) has no authorization and "
                                       "requires no API key", severity=_severity(verb))
    for route in view.resources(*ROUTES):
        auth_key, route_key_key, protocol_key = ROUTES[route.type]
        auth = route.get(auth_key, "NONE")
        route_key = route.get(route_key_key)
        if auth is UNKNOWN or not isinstance(route_key, str) or not isinstance(auth, str) \
                or auth.upper() != "NONE":
            continue
        api = api_of(view, route)
        protocol = api.get(protocol_key) if api is not None else None
        if not isinstance(protocol, str):
            continue
        if protocol.upper() == "WEBSOCKET" and route_key != "$connect":
            continue
        verb = route_key.split(" ", 1)[0].upper()
        if verb == "OPTIONS":
            continue
        yield route.finding(auth_key, f"Route {route_key!r} of {api} has no authorization",
                            severity=_severity(verb))
    for function in view.resources(SAM_FUNCTION):
        yield from _sam_events(view, function)


def _severity(verb: str) -> str:
    return "error" if verb in WRITES else "warning"


def _sam_events(view, function):
    for event_path, event in sam_events(function, "Api", "HttpApi"):
        kind, name = event["Type"], event_path[-1]
        path = (*event_path, "Properties")
        properties = event.get("Properties")
        if not isinstance(properties, dict):
            continue
        verb = properties.get("Method")
        if not isinstance(verb, str) or verb.upper() == "OPTIONS":
            continue
        auth = properties.get("Auth") if isinstance(properties.get("Auth"), dict) else {}
        authorizer = auth.get("Authorizer")
        key_required = as_bool(auth.get("ApiKeyRequired"))
        if authorizer is UNKNOWN or key_required is True or key_required is UNKNOWN:
            continue
        if isinstance(authorizer, str) and authorizer.upper() != "NONE":
            continue
        api_key = "RestApiId" if kind == "Api" else "ApiId"
        if properties.get(api_key) is not None:
            apis = view.referenced(function, (*path, api_key),
                                   ("AWS::Serverless::Api", "AWS::Serverless::HttpApi"))
            if not apis:
                continue
            api = apis[0]
            if api.get("DefinitionBody") is not None or api.get("DefinitionUri") is not None:
                continue
            if kind == "Api" and (is_private_api(api) is not False
                                  or has_resource_policy(view, api) is not False):
                continue
            api_auth = api.get("Auth")
            label = str(api)
        else:
            api_auth = sam_implicit_api_auth(function, kind)
            label = f"the implicit {kind}"
        if api_auth is UNKNOWN:
            continue
        api_auth = api_auth if isinstance(api_auth, dict) else {}
        default = api_auth.get("DefaultAuthorizer")
        if authorizer is None:
            if default is UNKNOWN:
                continue
            if isinstance(default, str) and default.upper() != "NONE":
                continue
        if kind == "Api" and as_bool(api_auth.get("ApiKeyRequired")) is True:
            continue
        if kind == "Api" and (api_auth.get("ResourcePolicy") is not None):
            continue
        verb = verb.upper()
        where = f"{verb} {properties.get('Path')}" if isinstance(properties.get("Path"), str) \
            else verb
        yield function.finding(("Events", name), f"{kind} event {name} of {function} "
                                                 f"({where} on {label}) has no authorization",
                               severity=_severity(verb))

"""Internet entry points: API Gateway APIs and stages, load balancers, CloudFront, WAF.

The walks here answer "who can reach this from the internet, and what stands
in front of it": whether a REST API is private or restricted by a resource
policy, which WebACL protects an entry point, and which S3 buckets a
CloudFront distribution serves.
"""

from __future__ import annotations

from ..values import UNKNOWN
from . import Resource, View, flatten

REST_API_TYPES = ("AWS::ApiGateway::RestApi", "aws_api_gateway_rest_api")
HTTP_API_TYPES = ("AWS::ApiGatewayV2::Api", "aws_apigatewayv2_api")
SAM_API_TYPES = ("AWS::Serverless::Api", "AWS::Serverless::HttpApi")
REST_API_KEYS = {"AWS::ApiGateway::Method": "RestApiId", "aws_api_gateway_method": "rest_api_id",
                 "AWS::ApiGateway::Stage": "RestApiId", "aws_api_gateway_stage": "rest_api_id",
                 "AWS::ApiGatewayV2::Route": "ApiId", "aws_apigatewayv2_route": "api_id",
                 "AWS::ApiGatewayV2::Stage": "ApiId", "aws_apigatewayv2_stage": "api_id"}
_POLICY_RESOURCES = ("aws_api_gateway_rest_api_policy",)


def api_of(view: View, resource: Resource) -> Resource | None:
    """The API a method, route or stage belongs to, if it is in the run."""
    key = REST_API_KEYS.get(resource.type)
    if key is None:
        return None
    apis = view.referenced(resource, key, (*REST_API_TYPES, *HTTP_API_TYPES, *SAM_API_TYPES))
    return apis[0] if apis else None


def endpoint_types(api: Resource) -> object:
    """The endpoint types of a REST API (["EDGE"] by default), or UNKNOWN."""
    if api.type == "AWS::ApiGateway::RestApi":
        value = api.get("EndpointConfiguration/Types")
    elif api.type == "aws_api_gateway_rest_api":
        value = api.get("endpoint_configuration/types")
    elif api.type == "AWS::Serverless::Api":
        value = api.get("EndpointConfiguration/Type", api.get("EndpointConfiguration"))
        if isinstance(value, dict):
            value = value.get("Type")
    else:
        return ["REGIONAL"]
    if value is UNKNOWN:
        return UNKNOWN
    values = flatten(value)
    if any(item is UNKNOWN or not isinstance(item, str) for item in values):
        return UNKNOWN
    return [item.upper() for item in values] or ["EDGE"]


def is_private_api(api: Resource) -> object:
    """True for a PRIVATE REST API (reachable only through VPC endpoints); UNKNOWN if unclear."""
    types = endpoint_types(api)
    if types is UNKNOWN:
        return UNKNOWN
    return "PRIVATE" in types


def has_resource_policy(view: View, api: Resource) -> object:
    """Whether a REST API carries a resource policy (which may restrict callers)."""
    key = {"AWS::ApiGateway::RestApi": "Policy", "aws_api_gateway_rest_api": "policy",
           "AWS::Serverless::Api": "Auth/ResourcePolicy"}.get(api.type)
    if key is None:
        return False
    value = api.get(key)
    if value is UNKNOWN:
        return UNKNOWN
    if value is not None:
        return True
    return bool(view.referrers(api, _POLICY_RESOURCES))


def sam_implicit_api_auth(function: Resource, kind: str) -> object:
    """The ``Globals`` ``Auth`` section a SAM template gives its implicit ``Api``/``HttpApi``."""
    data = function._node.document.data
    section = data.get("Globals") if isinstance(data, dict) else None
    api = section.get(kind) if isinstance(section, dict) else None
    return api.get("Auth") if isinstance(api, dict) else None

"""Internet entry points: API Gateway APIs and stages, load balancers, CloudFront, WAF.

The walks here answer "who can reach this from the internet, and what stands
in front of it": whether a REST API is private or restricted by a resource
policy, which WebACL protects an entry point, and which S3 buckets a
CloudFront distribution serves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..values import UNKNOWN, ResourceRef
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
    section = function.template.get("Globals")
    api = section.get(kind) if isinstance(section, dict) else None
    return api.get("Auth") if isinstance(api, dict) else None


# ---------------------------------------------------------------- CloudFront origins
DISTRIBUTION_TYPES = ("AWS::CloudFront::Distribution", "aws_cloudfront_distribution")
_S3_REST_ATTRIBUTES = {"RegionalDomainName", "DomainName", "bucket_regional_domain_name",
                       "bucket_domain_name"}
_S3_WEBSITE_ATTRIBUTES = {"WebsiteURL", "website_endpoint", "website_domain"}
_S3_REST_HOST = re.compile(r"\.s3([.-][a-z0-9-]+)?(\.dualstack)?([.-][a-z0-9-]+)?\.amazonaws\.com"
                           r"(\.cn)?$")
_S3_WEBSITE_HOST = re.compile(r"\.s3-website[.-][a-z0-9-]+\.amazonaws\.com(\.cn)?$")


@dataclass(frozen=True)
class Origin:
    """One origin of a CloudFront distribution."""

    path: tuple          # the origin block within the distribution
    kind: object         # "s3", "s3-website", "other" or UNKNOWN
    bucket: object       # the bucket resource when it is in the run, else None
    access_control: object   # True (OAC or OAI), False, or UNKNOWN


def cloudfront_origins(view: View, distribution: Resource) -> list[Origin]:
    """The origins of a distribution, classified (S3 REST endpoint, S3 website, other)."""
    cfn = distribution.is_cloudformation
    origins_path = "DistributionConfig/Origins" if cfn else "origin"
    domain_key, oac_key = ("DomainName", "OriginAccessControlId") if cfn else \
        ("domain_name", "origin_access_control_id")
    s3_config, oai_key = ("S3OriginConfig", "OriginAccessIdentity") if cfn else \
        ("s3_origin_config", "origin_access_identity")
    origins = []
    for path, _ in distribution.blocks(origins_path):
        domain = distribution.get((*path, domain_key))
        buckets = view.referenced(distribution, (*path, domain_key),
                                  ("AWS::S3::Bucket", "aws_s3_bucket"))
        kind: object = UNKNOWN
        if isinstance(domain, ResourceRef):
            target = view.resource(domain)
            attribute = domain.attribute or ""
            if attribute in _S3_REST_ATTRIBUTES and target is not None and \
                    target.type in ("AWS::S3::Bucket", "aws_s3_bucket"):
                kind = "s3"
            elif attribute in _S3_WEBSITE_ATTRIBUTES:
                kind = "s3-website"
            else:
                kind = "other"
        elif isinstance(domain, str):
            host = domain.strip().lower().rstrip("/")
            kind = "s3-website" if _S3_WEBSITE_HOST.search(host) else \
                "s3" if _S3_REST_HOST.search(host) else "other"
        if (kind is UNKNOWN or kind == "other") and distribution.has((*path, s3_config)):
            kind = "s3"
        values = (distribution.get((*path, oac_key)), distribution.get((*path, s3_config, oai_key)))
        access: object = False
        if any(value is not UNKNOWN and value is not None and value != "" for value in values):
            access = True
        elif any(value is UNKNOWN for value in values):
            access = UNKNOWN
        origins.append(Origin(path, kind, buckets[0] if buckets else None, access))
    return origins


# ---------------------------------------------------------------- WAF
WEB_ACL_ASSOCIATIONS = {"AWS::WAFv2::WebACLAssociation": "ResourceArn",
                        "AWS::WAFRegional::WebACLAssociation": "ResourceArn",
                        "aws_wafv2_web_acl_association": "resource_arn",
                        "aws_wafregional_web_acl_association": "resource_arn"}


@dataclass(frozen=True)
class WafCoverage:
    """What the run's WebACL associations protect."""

    resources: frozenset     # node ids of resources an association names (ALB, stage, API ...)
    unresolved: frozenset    # files holding an association whose target cannot be resolved

    def covers(self, resource: Resource) -> object:
        """True when an association names ``resource``; UNKNOWN when an unresolved association
        in the same file may; else False."""
        if resource.id in self.resources:
            return True
        return UNKNOWN if resource.file in self.unresolved else False


def waf_coverage(view: View) -> WafCoverage:
    covered, unresolved = set(), set()
    for association in view.resources(*WEB_ACL_ASSOCIATIONS):
        key = WEB_ACL_ASSOCIATIONS[association.type]
        targets = view.referenced(association, key)
        if not targets:
            unresolved.add(association.file)
        covered.update(target.id for target in targets)
    return WafCoverage(frozenset(covered), frozenset(unresolved))

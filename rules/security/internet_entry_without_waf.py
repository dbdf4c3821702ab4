from wa_lint.query import UNKNOWN
from wa_lint.query.edge import is_private_api, waf_coverage
from wa_lint.query.exposure import ELBV2_TYPES, is_internet_facing
from wa_lint.rule import rule

STAGES = {"AWS::ApiGateway::Stage": "RestApiId", "aws_api_gateway_stage": "rest_api_id",
          "AWS::ApiGateway::Deployment": "RestApiId"}
REST_APIS = ("AWS::ApiGateway::RestApi", "aws_api_gateway_rest_api")
SAM_APIS = ("AWS::Serverless::Api",)
DISTRIBUTIONS = {"AWS::CloudFront::Distribution": "DistributionConfig/WebACLId",
                 "aws_cloudfront_distribution": "web_acl_id"}
GRAPHQL = {"AWS::AppSync::GraphQLApi": "Visibility", "aws_appsync_graphql_api": "visibility"}


@rule(id="SEC307", name="internet-entry-without-waf", pillar="security", severity="warning",
      resource_types=(*ELBV2_TYPES, *STAGES, *SAM_APIS, *DISTRIBUTIONS, *GRAPHQL),
      bp=("SEC05-BP03",))
def internet_entry_without_waf(view):
    """Internet-facing entry point has no web application firewall

    ## What it checks
    Entry points that AWS WAF can protect and that face the internet:

    - application load balancers with scheme `internet-facing` (the
      default for `AWS::ElasticLoadBalancingV2::LoadBalancer`; `internal`
      false, the default, for `aws_lb`);
    - API Gateway REST API stages (`AWS::ApiGateway::Stage`, a
      `AWS::ApiGateway::Deployment` with a `StageName`,
      `aws_api_gateway_stage`, SAM `AWS::Serverless::Api`) of APIs that are
      not `PRIVATE`;
    - CloudFront distributions;
    - AppSync GraphQL APIs that are not `PRIVATE`.

    Each needs a WebACL: an `AWS::WAFv2::WebACLAssociation` /
    `aws_wafv2_web_acl_association` (or WAF Classic regional association)
    whose resource ARN names it (or names the API of a stage), or for
    CloudFront `WebACLId` / `web_acl_id`. Network and gateway load balancers
    and HTTP APIs cannot take a WebACL and are not reported. When a template
    holds an association whose target cannot be resolved, its entry points
    are not judged.

    ## Why it matters
    A web application firewall in front of the entry point blocks common
    exploits (SQL injection, cross-site scripting, known bad inputs) and
    rate-limits floods before they reach the application (SEC05-BP03).
    Without it every request, hostile or not, goes straight to the backend.

    ## How to fix
    Associate a WebACL with managed rule groups (and a rate-based rule):

    ```yaml
    WebAclAssociation:
      Type: AWS::WAFv2::WebACLAssociation
      Properties:
        ResourceArn: !Ref PublicLoadBalancer
        WebACLArn: !GetAtt WebAcl.Arn
    ```

    ```json
    {"resource": {"aws_wafv2_web_acl_association": {"alb": {
      "resource_arn": "${aws_lb.public.arn}",
      "web_acl_arn": "${aws_wafv2_web_acl.main.arn}"}}}}
    ```

    ## Known limits
    WebACLs applied outside the run, by AWS Firewall Manager for instance,
    are not seen; suppress the finding with that reason.
    """
    coverage = waf_coverage(view)
    for balancer in view.resources(*ELBV2_TYPES):
        if _internet_facing_alb(balancer) is not True:
            continue
        if coverage.covers(balancer) is False:
            yield balancer.finding(None, f"Internet-facing load balancer {balancer} has no "
                                         "WebACL")
    for stage in view.resources(*STAGES):
        key = STAGES[stage.type]
        if stage.type == "AWS::ApiGateway::Deployment" and stage.get("StageName") is None:
            continue
        apis = view.referenced(stage, key, REST_APIS)
        if not apis or is_private_api(apis[0]) is not False:
            continue
        if coverage.covers(stage) is not False or coverage.covers(apis[0]) is not False:
            continue
        name = stage.get("StageName" if stage.is_cloudformation else "stage_name")
        label = f"Stage {name} of REST API {apis[0]}" if isinstance(name, str) else \
            f"Stage {stage} of REST API {apis[0]}"
        yield stage.finding(None, f"{label} has no WebACL")
    for api in view.resources(*SAM_APIS):
        if is_private_api(api) is not False or coverage.covers(api) is not False:
            continue
        yield api.finding(None, f"REST API {api} has no WebACL")
    for distribution in view.resources(*DISTRIBUTIONS):
        key = DISTRIBUTIONS[distribution.type]
        acl = distribution.get(key)
        if acl is UNKNOWN or (acl is not None and acl != ""):
            continue
        yield distribution.finding(key, f"Distribution {distribution} has no WebACL")
    for api in view.resources(*GRAPHQL):
        visibility = api.get(GRAPHQL[api.type], "GLOBAL")
        if not isinstance(visibility, str) or visibility.upper() != "GLOBAL":
            continue
        if coverage.covers(api) is False:
            yield api.finding(None, f"GraphQL API {api} has no WebACL")


def _internet_facing_alb(balancer) -> object:
    kind = balancer.get("Type" if balancer.is_cloudformation else "load_balancer_type",
                        "application")
    return kind == "application" and is_internet_facing(balancer)

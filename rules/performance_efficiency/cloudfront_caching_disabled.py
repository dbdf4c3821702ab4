from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.compute import cache_behaviors, s3_origin_ids
from wa_lint.query.edge import DISTRIBUTION_TYPES
from wa_lint.rule import rule

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"   # Managed-CachingDisabled
POLICY_TYPES = ("AWS::CloudFront::CachePolicy", "aws_cloudfront_cache_policy")


@rule(id="PERF102", name="cloudfront-caching-disabled", pillar="performance-efficiency",
      severity="note", resource_types=DISTRIBUTION_TYPES, bp=("PERF03-BP05",))
def cloudfront_caching_disabled(view):
    """CloudFront does not cache what it serves from an S3 origin

    ## What it checks
    Each cache behaviour of a CloudFront distribution (the default one and
    every ordered one) whose target origin serves from S3 (an
    `S3OriginConfig`, an origin domain that references a bucket, or an S3
    endpoint name) must allow caching. It is reported when the behaviour uses
    the managed `CachingDisabled` cache policy
    (`4135ea2d-6df8-44a3-9df3-4b5a84be39ad`, or a Terraform
    `aws_cloudfront_cache_policy` data source named
    `Managed-CachingDisabled`), a cache policy of the run whose `MaxTTL` is
    0, or legacy settings with `MaxTTL` 0 (`max_ttl`). Behaviours in front of
    APIs, load balancers and other custom origins are not judged: dynamic
    content often must not be cached.

    ## Why it matters
    Static objects in S3 are the content an edge cache is for. With caching
    disabled every request travels to the bucket's Region, adding latency for
    distant users and S3 request cost, and the distribution is reduced to a
    TLS terminator (PERF03-BP05).

    ## How to fix
    Use the managed `CachingOptimized` policy (or one with sensible TTLs) and
    version or invalidate objects on deploy:

    ```yaml
    DefaultCacheBehavior:
      TargetOriginId: site
      ViewerProtocolPolicy: redirect-to-https
      CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
    ```

    ```json
    {"resource": {"aws_cloudfront_distribution": {"site": {"default_cache_behavior": {
      "target_origin_id": "site", "viewer_protocol_policy": "redirect-to-https",
      "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}}}}
    ```
    """
    for distribution in view.resources():
        cfn = distribution.is_cloudformation
        static = s3_origin_ids(view, distribution)
        for path, _ in cache_behaviors(distribution):
            target = distribution.get((*path, "TargetOriginId" if cfn else "target_origin_id"))
            if target not in static:
                continue
            policy_key = (*path, "CachePolicyId" if cfn else "cache_policy_id")
            reason = _disabled(view, distribution, policy_key)
            if reason is None and distribution.get(policy_key) is None:
                max_ttl = as_int(distribution.get((*path, "MaxTTL" if cfn else "max_ttl")))
                if max_ttl == 0:
                    reason = f"{'MaxTTL' if cfn else 'max_ttl'} is 0"
                    policy_key = (*path, "MaxTTL" if cfn else "max_ttl")
            if reason:
                yield distribution.finding(policy_key, f"Distribution {distribution} does not "
                                                       f"cache S3 origin {target} ({reason})")


def _disabled(view, distribution, key):
    """Why the cache policy at ``key`` disables caching, or None."""
    value = distribution.get(key)
    if value == CACHING_DISABLED:
        return "managed CachingDisabled policy"
    for policy in view.referenced(distribution, key):
        if policy.mode == "data" and policy.type == "aws_cloudfront_cache_policy":
            if policy.get("name") == "Managed-CachingDisabled" or \
                    policy.get("id") == CACHING_DISABLED:
                return "managed CachingDisabled policy"
        elif policy.type in POLICY_TYPES:
            path = "CachePolicyConfig/MaxTTL" if policy.is_cloudformation else "max_ttl"
            max_ttl = as_int(policy.get(path))
            if max_ttl is not UNKNOWN and max_ttl == 0:
                return f"cache policy {policy} has a MaxTTL of 0"
    return None

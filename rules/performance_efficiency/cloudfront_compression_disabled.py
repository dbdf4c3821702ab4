from wa_lint.query import UNKNOWN, as_bool, as_int
from wa_lint.query.compute import cache_behaviors
from wa_lint.query.edge import DISTRIBUTION_TYPES
from wa_lint.rule import rule

CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"   # Managed-CachingDisabled


@rule(id="PERF108", name="cloudfront-compression-disabled", pillar="performance-efficiency",
      severity="note", resource_types=DISTRIBUTION_TYPES, bp=("PERF04-BP02", "PERF03-BP05"))
def cloudfront_compression_disabled(view):
    """CloudFront cache behaviour does not compress what it serves

    ## What it checks
    Each cache behaviour of a CloudFront distribution (the default and every
    ordered one; `Compress`, Terraform `compress`) should compress objects
    for viewers that accept gzip or Brotli. Compression is off unless
    `Compress` is set to true, in CloudFormation and in Terraform alike.
    Behaviours whose cache policy caches nothing (the managed
    `CachingDisabled` policy, a policy of the run with `MaxTTL` 0, or legacy
    settings with `MaxTTL` 0) are
    exempt: CloudFront compresses only what it may cache. Values that cannot be
    resolved are not judged.

    ## Why it matters
    Text assets (HTML, CSS, JavaScript, JSON) shrink by 60 to 80% when
    compressed: without it every viewer downloads several times more bytes,
    which is slower on mobile networks and costs more data transfer
    (PERF04-BP02, PERF03-BP05).

    ## How to fix
    Turn compression on and use a cache policy that keeps `Accept-Encoding`
    (the managed `CachingOptimized` policy does):

    ```yaml
    DefaultCacheBehavior:
      TargetOriginId: site
      ViewerProtocolPolicy: redirect-to-https
      CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
      Compress: true
    ```

    ```json
    {"resource": {"aws_cloudfront_distribution": {"site": {"default_cache_behavior": {
      "target_origin_id": "site", "viewer_protocol_policy": "redirect-to-https",
      "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6", "compress": true}}}}}
    ```
    """
    for distribution in view.resources():
        cfn = distribution.is_cloudformation
        for path, _ in cache_behaviors(distribution):
            policy = distribution.get((*path, "CachePolicyId" if cfn else "cache_policy_id"))
            legacy_ttl = as_int(distribution.get((*path, "MaxTTL" if cfn else "max_ttl")))
            if policy is UNKNOWN or policy == CACHING_DISABLED or \
                    (policy is None and legacy_ttl == 0) or \
                    _is_managed_disabled(view, distribution, path, cfn):
                continue
            key = (*path, "Compress" if cfn else "compress")
            compress = as_bool(distribution.get(key))
            if compress is UNKNOWN or compress is True:
                continue
            target = distribution.get((*path, "TargetOriginId" if cfn else "target_origin_id"))
            which = f" origin {target}" if isinstance(target, str) else ""
            yield distribution.finding(key, f"Distribution {distribution} serves{which} "
                                            "without compression")


def _is_managed_disabled(view, distribution, path, cfn):
    """Whether the behaviour's cache policy (a data source or a policy of the run) caches
    nothing."""
    for policy in view.referenced(distribution, (*path, "CachePolicyId" if cfn else
                                                 "cache_policy_id")):
        if policy.mode == "data" and policy.get("name") == "Managed-CachingDisabled":
            return True
        if policy.type in ("AWS::CloudFront::CachePolicy", "aws_cloudfront_cache_policy"):
            max_ttl = as_int(policy.get("CachePolicyConfig/MaxTTL" if policy.is_cloudformation
                                        else "max_ttl"))
            if max_ttl == 0:
                return True
    return False

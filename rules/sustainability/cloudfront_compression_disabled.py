from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

# type -> (default behaviour, other behaviours, compress key)
DISTRIBUTIONS = {
    "AWS::CloudFront::Distribution": ("DistributionConfig/DefaultCacheBehavior",
                                      "DistributionConfig/CacheBehaviors", "Compress"),
    "aws_cloudfront_distribution": ("default_cache_behavior", "ordered_cache_behavior",
                                    "compress"),
}
# the managed CachingDisabled policy: nothing is cached, so nothing is compressed at the edge
CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"


@rule(id="SUS109", name="cloudfront-compression-disabled", pillar="sustainability",
      severity="note", resource_types=DISTRIBUTIONS, bp=("SUS04-BP07", "COST08-BP02"))
def cloudfront_compression_disabled(view):
    """CloudFront serves objects uncompressed

    ## What it checks
    Each cache behaviour of a CloudFront distribution (the default one and
    every ordered one) must set `Compress: true` (Terraform `compress =
    true`). Both CloudFront in CloudFormation and the Terraform provider
    default to `false`. Behaviours using the managed `CachingDisabled` cache
    policy are exempt (nothing is cached to compress), and values that cannot
    be resolved are not judged.

    ## Why it matters
    Text assets (HTML, CSS, JavaScript, JSON, SVG) shrink by 60-80% with
    Gzip or Brotli. Without automatic compression every viewer downloads
    the full bytes: more data moved across the network (SUS04-BP07), more
    data transfer billed (COST08-BP02) and slower pages.

    ## How to fix
    Turn compression on in each behaviour (the cache policy must allow Gzip
    and Brotli, as the managed `CachingOptimized` policy does):

    ```yaml
    Site:
      Type: AWS::CloudFront::Distribution
      Properties:
        DistributionConfig:
          Enabled: true
          DefaultCacheBehavior:
            TargetOriginId: site
            ViewerProtocolPolicy: redirect-to-https
            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
            Compress: true
    ```

    ```json
    {"resource": {"aws_cloudfront_distribution": {"site": {
      "default_cache_behavior": {"target_origin_id": "site", "compress": true,
        "viewer_protocol_policy": "redirect-to-https",
        "cache_policy_id": "658327ea-f89d-4fab-a63d-7e88639e58f6"}}}}}
    ```

    ## Known limits
    Distributions serving only already-compressed media (video, images,
    archives) gain nothing; suppress the note with that reason.
    """
    for distribution in view.resources():
        default, ordered, key = DISTRIBUTIONS[distribution.type]
        behaviours = distribution.blocks(default) + distribution.blocks(ordered)
        for path, behaviour in behaviours:
            compress = as_bool(behaviour.get(key))
            policy = behaviour.get("CachePolicyId") or behaviour.get("cache_policy_id")
            if compress is UNKNOWN or compress is True or policy == CACHING_DISABLED:
                continue
            pattern = behaviour.get("PathPattern") or behaviour.get("path_pattern") or "*"
            yield distribution.finding((*path, key) if compress is False else path,
                                       f"Distribution {distribution} serves {pattern} "
                                       "uncompressed (Compress is not enabled)")

from wa_lint.query import UNKNOWN
from wa_lint.query.compute import distribution_origins
from wa_lint.query.edge import DISTRIBUTION_TYPES
from wa_lint.query.storage import bucket_name
from wa_lint.rule import rule

WEBSITES = {
    "AWS::S3::Bucket": "WebsiteConfiguration",
    "aws_s3_bucket": "website",
    "aws_s3_bucket_website_configuration": None,
}
REDIRECT = {"AWS::S3::Bucket": "WebsiteConfiguration/RedirectAllRequestsTo",
            "aws_s3_bucket": "website/redirect_all_requests_to",
            "aws_s3_bucket_website_configuration": "redirect_all_requests_to"}


@rule(id="PERF101", name="static-site-without-cdn", pillar="performance-efficiency",
      severity="warning", resource_types=WEBSITES, bp=("PERF03-BP05", "PERF04-BP02"))
def static_site_without_cdn(view):
    """S3 static website is served without a CloudFront distribution in front

    ## What it checks
    An S3 bucket configured as a static website (`WebsiteConfiguration`,
    Terraform `aws_s3_bucket_website_configuration` or the older inline
    `website` block) must be the origin of some CloudFront distribution of
    the run: an origin `DomainName` (`domain_name`) that references the
    bucket or its website configuration, or names the bucket's endpoint.
    Buckets that only redirect every request (`RedirectAllRequestsTo`) are
    exempt. When some distribution's origin cannot be resolved (a
    parameter, an import), buckets are not judged.

    ## Why it matters
    An S3 website endpoint serves every request from one Region, over plain
    HTTP only, with no edge caching or compression: users far from the Region
    see the full round trip on every asset. CloudFront caches the content at
    edge locations close to them (PERF03-BP05, PERF04-BP02).

    ## How to fix
    Put a CloudFront distribution in front of the bucket (preferably with the
    bucket's REST endpoint and origin access control, keeping the bucket
    private):

    ```yaml
    SiteCdn:
      Type: AWS::CloudFront::Distribution
      Properties:
        DistributionConfig:
          Enabled: true
          DefaultRootObject: index.html
          Origins:
            - Id: site
              DomainName: !GetAtt Site.RegionalDomainName
              OriginAccessControlId: !GetAtt SiteOac.Id
              S3OriginConfig: {}
          DefaultCacheBehavior:
            TargetOriginId: site
            ViewerProtocolPolicy: redirect-to-https
            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
    ```

    ```json
    {"resource": {"aws_cloudfront_distribution": {"site": {
      "origin": {"origin_id": "site",
                 "domain_name": "${aws_s3_bucket.site.bucket_regional_domain_name}"}}}}}
    ```

    ## Known limits
    A distribution defined in another stack or workspace is not seen.
    """
    origins = [origin for distribution in view.resources(*DISTRIBUTION_TYPES)
               for origin in distribution_origins(view, distribution)]
    if any(domain is UNKNOWN and not targets for _, domain, targets in origins):
        return
    fronted = {target for _, _, targets in origins for target in targets}
    domains = [domain for _, domain, _ in origins if isinstance(domain, str)]
    for site in view.resources():
        website = WEBSITES[site.type]
        if website is not None and site.get(website) is None:
            continue
        if site.get(REDIRECT[site.type]) is not None:
            continue
        buckets = [site]
        if site.type == "aws_s3_bucket_website_configuration":
            buckets = view.referenced(site, "bucket")
        if site in fronted or any(bucket in fronted for bucket in buckets):
            continue
        names = [bucket_name(bucket) for bucket in buckets]
        if site.type == "aws_s3_bucket_website_configuration":
            names.append(site.get("bucket"))
        if UNKNOWN in names:
            names = [name for name in names if name is not UNKNOWN]
            if not names:
                continue
        if any(isinstance(name, str) and domain.startswith(f"{name}.s3")
               for name in names for domain in domains):
            continue
        label = site if not buckets or buckets == [site] else buckets[0]
        yield site.finding(website, f"Static website bucket {label} is served without a "
                                    "CloudFront distribution in front of it")

from wa_lint.query.edge import DISTRIBUTION_TYPES, cloudfront_origins
from wa_lint.rule import rule


@rule(id="SEC304", name="cloudfront-s3-origin-without-access-control", pillar="security",
      severity="warning", resource_types=DISTRIBUTION_TYPES, bp=("SEC03-BP07", "SEC08-BP04"))
def cloudfront_s3_origin_without_access_control(view):
    """CloudFront reads an S3 origin anonymously: no origin access control

    ## What it checks
    Every origin of a CloudFront distribution (`AWS::CloudFront::Distribution`
    `DistributionConfig.Origins`, `aws_cloudfront_distribution` `origin`)
    that is an S3 REST endpoint (a bucket's `RegionalDomainName` or
    `DomainName`, a `*.s3.<region>.amazonaws.com` host, or an origin with
    `S3OriginConfig`) needs an origin access control (`OriginAccessControlId`)
    or a legacy origin access identity (`S3OriginConfig.OriginAccessIdentity`).
    Without either, CloudFront sends unsigned requests, which only a public
    bucket answers.

    An S3 website endpoint (`s3-website`) cannot use origin access control at
    all: it is reported as a note, since the bucket must then be public and
    CloudFront talks to it over HTTP. Other origins, and domains that cannot
    be resolved, are not judged.

    ## Why it matters
    With origin access control the bucket stays private and only this
    distribution can read it, so CloudFront's protections (WAF, geo
    restriction, signed URLs, HTTPS) cannot be bypassed by fetching the
    objects from S3 directly (SEC03-BP07, SEC08-BP04).

    ## How to fix
    Create an origin access control, reference it from the origin, and let
    the distribution read the bucket in the bucket policy
    (`Service: cloudfront.amazonaws.com` with an `AWS:SourceArn` condition):

    ```yaml
    SiteAccessControl:
      Type: AWS::CloudFront::OriginAccessControl
      Properties:
        OriginAccessControlConfig:
          Name: site
          OriginAccessControlOriginType: s3
          SigningBehavior: always
          SigningProtocol: sigv4
    Distribution:
      Type: AWS::CloudFront::Distribution
      Properties:
        DistributionConfig:
          Enabled: true
          Origins:
            - Id: site
              DomainName: !GetAtt SiteBucket.RegionalDomainName
              OriginAccessControlId: !GetAtt SiteAccessControl.Id
              S3OriginConfig:
                OriginAccessIdentity: ""
          DefaultCacheBehavior:
            TargetOriginId: site
            ViewerProtocolPolicy: redirect-to-https
            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
    ```

    ```json
    {"resource": {"aws_cloudfront_distribution": {"site": {"origin": [{
      "origin_id": "site",
      "domain_name": "${aws_s3_bucket.site.bucket_regional_domain_name}",
      "origin_access_control_id": "${aws_cloudfront_origin_access_control.site.id}"}]}}}}
    ```

    ## Known limits
    Whether the bucket policy actually grants the distribution access is not
    checked.
    """
    for distribution in view.resources():
        for origin in cloudfront_origins(view, distribution):
            bucket = f" (bucket {origin.bucket})" if origin.bucket is not None else ""
            name = distribution.get((*origin.path, "Id" if distribution.is_cloudformation
                                     else "origin_id"))
            name = f" {name}" if isinstance(name, str) else ""
            if origin.kind == "s3" and origin.access_control is False:
                yield distribution.finding(
                    origin.path, f"Distribution {distribution} reads S3 origin{name}{bucket} "
                                 "without origin access control, so the bucket must be public")
            elif origin.kind == "s3-website":
                yield distribution.finding(
                    origin.path, f"Origin{name} of distribution {distribution} is an S3 website "
                                 f"endpoint{bucket}, which cannot use origin access control: "
                                 "the bucket must be public and is fetched over HTTP",
                    severity="note")

from wa_lint.query import UNKNOWN
from wa_lint.query.keys import certificate_region, region_of
from wa_lint.rule import rule

GLOBAL = "us-east-1"
# type -> [(certificate path pattern, required Region: GLOBAL, or None for the resource's own)]
CERTIFICATES = {
    "AWS::CloudFront::Distribution": (("DistributionConfig/ViewerCertificate/AcmCertificateArn",
                                       GLOBAL),),
    "AWS::ApiGateway::DomainName": (("CertificateArn", GLOBAL),
                                    ("RegionalCertificateArn", None)),
    "AWS::ApiGatewayV2::DomainName": (("DomainNameConfigurations/*/CertificateArn", None),),
    "AWS::AppSync::DomainName": (("CertificateArn", GLOBAL),),
    "AWS::Cognito::UserPoolDomain": (("CustomDomainConfig/CertificateArn", GLOBAL),),
    "AWS::Amplify::Domain": (("CertificateSettings/CustomCertificateArn", GLOBAL),),
    "AWS::ElasticLoadBalancingV2::Listener": (("Certificates/*/CertificateArn", None),),
    "AWS::ElasticLoadBalancingV2::ListenerCertificate": (("Certificates/*/CertificateArn",
                                                          None),),
    "aws_cloudfront_distribution": (("viewer_certificate/acm_certificate_arn", GLOBAL),),
    "aws_api_gateway_domain_name": (("certificate_arn", GLOBAL),
                                    ("regional_certificate_arn", None)),
    "aws_apigatewayv2_domain_name": (("domain_name_configuration/certificate_arn", None),),
    "aws_appsync_domain_name": (("certificate_arn", GLOBAL),),
    "aws_cognito_user_pool_domain": (("certificate_arn", GLOBAL),),
    "aws_amplify_domain_association": (("certificate_settings/custom_certificate_arn",
                                        GLOBAL),),
    "aws_lb_listener": (("certificate_arn", None),),
    "aws_alb_listener": (("certificate_arn", None),),
    "aws_lb_listener_certificate": (("certificate_arn", None),),
}


@rule(id="SEC107", name="acm-certificate-in-wrong-region", pillar="security", severity="error",
      resource_types=CERTIFICATES, bp=("SEC09-BP01",))
def acm_certificate_in_wrong_region(view):
    """TLS certificate is in a Region where the resource cannot use it

    ## What it checks
    ACM certificates are regional, and some services only read them from one
    Region:

    - CloudFront distributions, edge-optimized API Gateway custom domains
      (`CertificateArn`), AppSync custom domains, Cognito user pool custom
      domains and Amplify custom certificates need a certificate in
      `us-east-1`;
    - regional API Gateway domains (`RegionalCertificateArn`, HTTP and
      WebSocket API domains) and load balancer listeners need one in their
      own Region (compared where the Region is known: Terraform provider
      Regions).

    The certificate's Region comes from its ARN, or from the Region of the
    `aws_acm_certificate` (and its validation) in the run. Values that cannot
    be resolved are not judged.

    ## Why it matters
    A certificate from the wrong Region fails the deployment; worse, in a
    disaster-recovery Region it fails on the day the stack is first deployed
    there, because the primary Region's certificate was copied into the
    template (SEC09-BP01).

    ## How to fix
    Request (or import) the certificate in the Region the service reads it
    from: `us-east-1` for CloudFront and edge endpoints, the resource's own
    Region otherwise. In Terraform, use a provider alias:

    ```yaml
    Distribution:
      Type: AWS::CloudFront::Distribution
      Properties:
        DistributionConfig:
          Enabled: true
          Aliases: [www.example.com]
          ViewerCertificate:
            AcmCertificateArn: arn:aws:acm:us-east-1:111122223333:certificate/1234abcd
            SslSupportMethod: sni-only
            MinimumProtocolVersion: TLSv1.2_2021
          DefaultCacheBehavior:
            TargetOriginId: site
            ViewerProtocolPolicy: redirect-to-https
            CachePolicyId: 658327ea-f89d-4fab-a63d-7e88639e58f6
          Origins:
            - Id: site
              DomainName: origin.example.com
              CustomOriginConfig: {OriginProtocolPolicy: https-only}
    ```

    ```json
    {"resource": {"aws_acm_certificate": {"site": {
      "provider": "aws.us_east_1", "domain_name": "www.example.com",
      "validation_method": "DNS"}}}}
    ```
    """
    for holder in view.resources():
        own = UNKNOWN
        for pattern, required in CERTIFICATES[holder.type]:
            for path, value in holder.values(pattern):
                where = certificate_region(view, value)
                if where is UNKNOWN:
                    continue
                if required is None:
                    if own is UNKNOWN:
                        own = region_of(view, holder)
                    wanted, why = own, f"its own Region ({own})"
                else:
                    wanted, why = required, f"{required}, where the service reads certificates"
                if wanted is UNKNOWN or where == wanted:
                    continue
                yield holder.finding(path, f"{holder} uses a certificate from {where}, but it "
                                           f"needs one in {why}")

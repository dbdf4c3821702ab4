import re

from wa_lint.query import literal_strings
from wa_lint.rule import rule

REGION = (r"(?:us-gov|us-iso[a-z]?|us|eu|ap|sa|ca|me|af|il|mx|cn)-"
          r"(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d{1,2}")
ARN = re.compile(r"arn:aws(?:-[a-z-]+)?:[a-z0-9-]+:(" + REGION + r"):")
ENDPOINT = re.compile(r"[a-z0-9.-]*\.(" + REGION + r")\.amazonaws\.com(?:\.cn)?\b")
SERVICE_NAME = re.compile(r"\bcom\.amazonaws\.(" + REGION + r")\.")
WHOLE_ZONE = re.compile(r"^(" + REGION + r")[a-z]$")
WHOLE_REGION = re.compile(r"^(" + REGION + r")$")
# properties whose text is meant for people, or is only a label
PROSE = frozenset({"Description", "Tags", "Metadata", "AlarmDescription", "Comment",
                   "SetIdentifier"})
# services whose companions must live in us-east-1 (ACM certificates, Lambda@Edge, WAF for
# CloudFront): a us-east-1 literal there is a requirement, not an accident
# words in a property path that say "another Region, on purpose": DR copies, replicas
CROSS_REGION = ("region", "destination", "replica", "replication", "copy", "source")
# ... except settings that always mean the Region the resource runs in
SAME_REGION = frozenset({"awslogs-region"})
US_EAST_1_ONLY = ("AWS::CloudFront::", "AWS::WAFv2::", "AWS::WAF::")
# DNS records are global: a regional endpoint in a record value is where the name points
GLOBAL = ("AWS::Route53::",)


@rule(id="OPS109", name="region-hardcoded", pillar="operational-excellence", severity="note",
      resource_types=("AWS::*",), bp=("OPS05-BP03", "REL13-BP05"))
def region_hardcoded(view):
    """CloudFormation template hard-codes a Region or an Availability Zone

    ## What it checks
    Every string written in the properties of a CloudFormation or SAM
    resource (inside `Fn::Sub` templates and `Fn::Join` items too) is
    searched for a literal Region: the Region field of an ARN
    (`arn:aws:sqs:us-east-1:...`), a regional endpoint
    (`sqs.eu-west-1.amazonaws.com`, an ECR registry host), a VPC endpoint
    service name (`com.amazonaws.eu-west-1.s3`), a whole value that
    is a Region (`eu-west-1`) or an Availability Zone name (`us-east-1a`).
    Exempt: properties whose name mentions a Region, a source, a
    destination, a replica, replication or a copy (`Region`, `ReplicaRegion`,
    `SourceDBInstanceIdentifier`, `DestinationBackupVaultArn`, `CopyActions` ...; but not the ECS
    `awslogs-region` log option), which name another Region on purpose;
    descriptions, tags, metadata and record set identifiers; `us-east-1` in
    CloudFront and WAF resources, whose certificates, Lambda@Edge functions
    and web ACLs must live there; and Route 53 records, since DNS is global
    and a record names the endpoint it points at. Terraform is not checked: its Region comes from the provider
    configuration. One finding per resource, at the first literal.

    ## Why it matters
    A template that names its Region cannot be deployed unchanged to a second
    Region (for disaster recovery, or a new market) or by a colleague whose
    default Region differs: the copy silently points back at the first Region
    or fails on a zone that does not exist there (OPS05-BP03, REL13-BP05).

    ## How to fix
    Use pseudo parameters, `Fn::GetAZs` and `Fn::GetAtt`:

    ```yaml
    Environment:
      Variables:
        QUEUE_URL: !Ref Orders
        TOPIC_ARN: !Sub arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:orders
    AvailabilityZone: !Select [0, !GetAZs ""]
    ```

    ```json
    {"data": {"aws_region": {"current": {}}},
     "locals": {"topic_arn": "arn:aws:sns:${data.aws_region.current.name}:111122223333:orders"}}
    ```

    ## Known limits
    A literal that names a deliberately remote resource (a central logging
    bucket's queue in another Region) is reported too: a parameter makes that
    choice explicit.
    """
    for resource in view.all_resources():
        if not resource.is_cloudformation or resource.type.startswith(GLOBAL):
            continue
        for path, text in literal_strings(resource):
            if any(isinstance(part, str) and part not in SAME_REGION and (
                    part in PROSE or any(word in part.lower() for word in CROSS_REGION))
                   for part in path):
                continue
            region = _region_in(text)
            if region is None:
                continue
            literal, what = region
            if literal.startswith("us-east-1") and resource.type.startswith(US_EAST_1_ONLY):
                continue
            yield resource.finding(path, f"{resource} hard-codes the {what} {literal}: use "
                                         "${AWS::Region}, Fn::GetAZs or a reference instead")
            break


def _region_in(text):
    """(literal, kind) of the first hard-coded Region or zone in ``text``, or None."""
    for pattern, what in ((ARN, "Region"), (ENDPOINT, "Region"), (SERVICE_NAME, "Region"),
                          (WHOLE_REGION, "Region"), (WHOLE_ZONE, "Availability Zone")):
        match = pattern.search(text)
        if match:
            literal = match.group(0) if what == "Availability Zone" else match.group(1)
            return literal, what
    return None

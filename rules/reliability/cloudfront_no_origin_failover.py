from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.storage import BUCKET_TYPES, replication_destinations, replication_rules
from wa_lint.rule import rule

DISTRIBUTIONS = ("AWS::CloudFront::Distribution", "aws_cloudfront_distribution")


@rule(id="REL211", name="cloudfront-no-origin-failover", pillar="reliability",
      severity="warning", resource_types=DISTRIBUTIONS, bp="REL11-BP02")
def cloudfront_no_origin_failover(view):
    """CloudFront serves a replicated S3 bucket without failing over to its replica

    ## What it checks
    A CloudFront distribution with an origin that is an S3 bucket of the run
    (its `DomainName` / `domain_name` references the bucket) whose enabled
    replication rules copy it to a bucket that is not provably in the same
    Region must list that origin in an origin group (`OriginGroups`, Terraform
    `origin_group`) with a second member. Buckets without replication or
    replicated within their Region (a destination of the same CloudFormation
    template, or with the same Terraform provider Region), and origins outside
    the run, are not judged.

    ## Why it matters
    The replica exists so that the content survives the loss of the primary
    Region, but CloudFront keeps fetching from the primary bucket: when it
    fails, every cache miss is an error. An origin group retries the request
    on the secondary origin on 5xx/4xx responses, so the replica takes over
    without a DNS change (REL11-BP02).

    ## How to fix
    Add the replica bucket as a second origin and group both:

    ```yaml
    DistributionConfig:
      Origins:
        - Id: primary
          DomainName: !GetAtt Site.RegionalDomainName
          S3OriginConfig: {OriginAccessIdentity: ""}
        - Id: replica
          DomainName: site-replica.s3.us-west-2.amazonaws.com
          S3OriginConfig: {OriginAccessIdentity: ""}
      OriginGroups:
        Quantity: 1
        Items:
          - Id: site
            FailoverCriteria: {StatusCodes: {Quantity: 3, Items: [500, 502, 503]}}
            Members:
              Quantity: 2
              Items: [{OriginId: primary}, {OriginId: replica}]
      DefaultCacheBehavior:
        TargetOriginId: site
    ```

    ```json
    {"resource": {"aws_cloudfront_distribution": {"site": {
      "origin_group": {"origin_id": "site",
        "failover_criteria": {"status_codes": [500, 502, 503]},
        "member": [{"origin_id": "primary"}, {"origin_id": "replica"}]}}}}}
    ```
    """
    for distribution in view.resources():
        cfn = distribution.is_cloudformation
        origins_path = "DistributionConfig/Origins" if cfn else "origin"
        groups = _grouped_origins(distribution, cfn)
        if groups is UNKNOWN:
            continue
        origin_items = distribution.items(origins_path) if cfn else \
            distribution.blocks(origins_path)
        for path, origin in origin_items:
            if not isinstance(origin, dict):
                continue
            origin_id = origin.get("Id" if cfn else "origin_id")
            if not isinstance(origin_id, str) or origin_id in groups:
                continue
            buckets = view.referenced(distribution, (*path, "DomainName" if cfn
                                                     else "domain_name"), BUCKET_TYPES)
            if len(buckets) != 1 or not _replicated(view, buckets[0]):
                continue
            yield distribution.finding(path, f"Distribution {distribution} serves bucket "
                                             f"{buckets[0]}, which has a replica, from origin "
                                             f"{origin_id} without an origin group to fail "
                                             "over to it")


def _grouped_origins(distribution, cfn):
    """Origin ids that belong to an origin group with at least two members, or UNKNOWN."""
    grouped = set()
    if cfn:
        groups = distribution.get("DistributionConfig/OriginGroups/Items")
        if groups is UNKNOWN:
            return UNKNOWN
        for group in groups or []:
            if not isinstance(group, dict):
                return UNKNOWN
            members = group.get("Members")
            members = members.get("Items") if isinstance(members, dict) else None
            if not isinstance(members, list):
                members = []
            ids = [member.get("OriginId") for member in members if isinstance(member, dict)]
            if len(ids) >= 2:
                grouped.update(item for item in ids if isinstance(item, str))
        return grouped
    for path, _ in distribution.blocks("origin_group"):
        ids = [member.get("origin_id") for _, member in distribution.blocks((*path, "member"))]
        if any(item is UNKNOWN for item in ids):
            return UNKNOWN
        if len(ids) >= 2:
            grouped.update(item for item in ids if isinstance(item, str))
    return grouped


def _replicated(view, bucket):
    rules = replication_rules(view, bucket)
    if rules is UNKNOWN or not rules:
        return False
    enabled = []
    for path, source, body in rules:
        status = body.get("Status", body.get("status"))
        if isinstance(status, str):
            status = status.lower() == "enabled"
        if as_bool(status) is True:
            enabled.append((path, source, body))
    if not enabled:
        return False
    return any(not _same_region(view, bucket, destination)
               for destination, _, _ in replication_destinations(view, bucket, enabled))


def _same_region(view, bucket, destination):
    """Whether a replication destination is provably in the source bucket's Region."""
    if destination is None:
        return False
    if bucket.is_cloudformation and destination.is_cloudformation:
        return destination.file == bucket.file
    here, there = view.region(bucket), view.region(destination)
    return isinstance(here, str) and here == there

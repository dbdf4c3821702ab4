from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.storage import (
    BUCKET_TYPES,
    bucket_versioning,
    is_log_or_artifact_sink,
    is_replication_destination,
    replication_destinations,
    replication_rules,
)
from wa_lint.rule import rule


@rule(id="REL201", name="s3-missing-cross-region-replication", pillar="reliability",
      severity="note", resource_types=BUCKET_TYPES, bp=("REL13-BP02", "REL09-BP01"))
def s3_missing_cross_region_replication(view):
    """S3 bucket holding data is not replicated to another Region

    ## What it checks
    Every S3 bucket that holds data must have an enabled replication rule whose
    destination bucket is in another Region. A bucket that has no replication
    is reported as a note; replication whose destination is provably in the
    same Region (a bucket of the same CloudFormation stack, or a Terraform
    bucket with the same provider Region) is a note as well. Replication
    configured on a bucket whose versioning is not enabled (or on a destination
    bucket without versioning) is an error: S3 rejects it at deployment.

    Exempt: buckets that receive replicas (they are the copy), and buckets that
    only collect logs or build artifacts (access logs, CloudTrail, AWS Config,
    VPC flow logs, load balancer and CloudFront logs, CodePipeline artifacts).
    A destination whose Region cannot be resolved (an ARN of a bucket outside
    the run) is accepted.

    ## Why it matters
    S3 stores objects redundantly across zones of one Region, which protects
    against device and zone failures but not against the loss of the Region,
    an account-level mistake that reaches the whole Region, or a Regional
    service event. Data that must survive those needs a copy elsewhere before
    the event: cross-Region replication is the continuous backup that a
    multi-Region recovery strategy starts from (REL13-BP02, REL09-BP01).
    Replication without versioning cannot be created at all.

    ## How to fix
    Enable versioning on both buckets and add a replication rule to a bucket in
    the recovery Region:

    ```yaml
    Data:
      Type: AWS::S3::Bucket
      Properties:
        VersioningConfiguration: {Status: Enabled}
        ReplicationConfiguration:
          Role: !GetAtt ReplicationRole.Arn
          Rules:
            - Status: Enabled
              Destination:
                Bucket: arn:aws:s3:::orders-data-us-west-2
    ```

    ```json
    {"resource": {"aws_s3_bucket_replication_configuration": {"data": {
      "bucket": "${aws_s3_bucket.data.id}", "role": "${aws_iam_role.replication.arn}",
      "depends_on": ["aws_s3_bucket_versioning.data"],
      "rule": {"status": "Enabled",
               "destination": {"bucket": "${aws_s3_bucket.replica.arn}"}}}}}}
    ```

    ## Known limits
    CloudFormation does not say which Region a stack is deployed to, so a
    destination outside the template is assumed to be elsewhere. Which buckets
    hold data worth a second Region is a business decision; the note is a
    prompt to make it, and `--ignore` or a suppression records it.
    """
    for bucket in view.resources():
        if is_log_or_artifact_sink(view, bucket) or is_replication_destination(view, bucket):
            continue
        rules = replication_rules(view, bucket)
        if rules is UNKNOWN:
            continue
        if not rules:
            yield bucket.finding(_replication_path(bucket),
                                 f"Bucket {bucket} has no replication to another Region")
            continue
        versioning = bucket_versioning(view, bucket)
        if versioning is False:
            yield bucket.finding(_versioning_path(bucket),
                                 f"Bucket {bucket} replicates objects but versioning is not "
                                 "enabled; S3 rejects the replication configuration",
                                 severity="error")
        enabled_rules = [(path, rule_source, body) for path, rule_source, body in rules
                         if as_bool(_status(body)) is not False]
        if not enabled_rules:
            yield bucket.finding(rules[0][0] if rules[0][1] is bucket else None,
                                 f"Every replication rule of bucket {bucket} is disabled")
            continue
        destinations = replication_destinations(view, bucket, enabled_rules)
        for destination, where, source in destinations:
            if destination is None:
                continue
            if bucket_versioning(view, destination) is False:
                yield source.finding(where, f"Replication destination {destination} of bucket "
                                            f"{bucket} has no versioning; S3 rejects it",
                                     severity="error")
        regions = [_same_region(view, bucket, destination) for destination, _, _ in
                   destinations]
        if regions and all(region is True for region in regions):
            _, where, source = destinations[0]
            yield source.finding(where, f"Bucket {bucket} replicates only within its own Region")


def _status(body):
    status = body.get("Status", body.get("status"))
    if isinstance(status, str):
        return status.lower() == "enabled"
    return status


def _replication_path(bucket):
    return "ReplicationConfiguration" if bucket.is_cloudformation else None


def _versioning_path(bucket):
    return "VersioningConfiguration/Status" if bucket.is_cloudformation else None


def _same_region(view, bucket, destination):
    """True when both buckets are provably in one Region, else False or UNKNOWN."""
    if destination is None:
        return UNKNOWN
    if bucket.is_cloudformation and destination.is_cloudformation:
        return True if destination.file == bucket.file else UNKNOWN
    source_region, destination_region = view.region(bucket), view.region(destination)
    if isinstance(source_region, str) and isinstance(destination_region, str):
        return source_region == destination_region
    return UNKNOWN

"""S3 buckets: replication, versioning, and what a bucket is for.

Works across the two ways Terraform spells bucket settings (inline blocks of
``aws_s3_bucket``, provider v3, or separate ``aws_s3_bucket_*`` resources,
provider v4 and later) and CloudFormation's single resource.
"""

from __future__ import annotations

from ..values import UNKNOWN, ResourceRef
from . import Resource, View, flatten

BUCKET_TYPES = ("AWS::S3::Bucket", "aws_s3_bucket")
ARN_PREFIX = "arn:aws:s3:::"

# (referrer type, path in the referrer) where a bucket only collects logs or artifacts
SINK_REFERENCES = (
    ("AWS::S3::Bucket", "LoggingConfiguration/DestinationBucketName"),
    ("AWS::CloudTrail::Trail", "S3BucketName"),
    ("AWS::Config::DeliveryChannel", "S3BucketName"),
    ("AWS::EC2::FlowLog", "LogDestination"),
    ("AWS::ElasticLoadBalancingV2::LoadBalancer", "LoadBalancerAttributes"),
    ("AWS::ElasticLoadBalancing::LoadBalancer", "AccessLoggingPolicy"),
    ("AWS::CloudFront::Distribution", "DistributionConfig/Logging"),
    ("AWS::CodePipeline::Pipeline", "ArtifactStore"),
    ("AWS::CodePipeline::Pipeline", "ArtifactStores"),
    ("AWS::S3::BucketPolicy", "Bucket"),  # only counts together with a sink-only policy (below)
    ("aws_s3_bucket_logging", "target_bucket"),
    ("aws_s3_bucket", "logging"),
    ("aws_cloudtrail", "s3_bucket_name"),
    ("aws_config_delivery_channel", "s3_bucket_name"),
    ("aws_flow_log", "log_destination"),
    ("aws_lb", "access_logs"),
    ("aws_alb", "access_logs"),
    ("aws_elb", "access_logs"),
    ("aws_cloudfront_distribution", "logging_config"),
    ("aws_codepipeline", "artifact_store"),
)


def bucket_name(bucket: Resource) -> object:
    return bucket.get("BucketName" if bucket.is_cloudformation else "bucket")


def find_bucket(view: View, value: object) -> Resource | None:
    """The bucket a reference or an ``arn:aws:s3:::name`` / name string points at, if in the run."""
    if isinstance(value, ResourceRef):
        target = view.resource(value)
        return target if target is not None and target.type in BUCKET_TYPES else None
    if isinstance(value, str):
        name = value[len(ARN_PREFIX):] if value.startswith(ARN_PREFIX) else value
        for bucket in view.resources(*BUCKET_TYPES):
            if bucket_name(bucket) == name:
                return bucket
    return None


def is_log_or_artifact_sink(view: View, bucket: Resource) -> bool:
    """Whether the bucket collects logs or build artifacts (reproducible or audit data)."""
    if bucket.get("AccessControl") == "LogDeliveryWrite":
        return True
    for referrer_type, path in SINK_REFERENCES:
        if referrer_type == "AWS::S3::BucketPolicy":
            continue
        if view.referrers(bucket, (referrer_type,), path=path):
            return True
    for acl in view.referrers(bucket, ("aws_s3_bucket_acl",), path="bucket"):
        if acl.get("acl") == "log-delivery-write":
            return True
    return False


def replication_rules(view: View, bucket: Resource) -> object:
    """(path, resource writing it, rule) of each replication rule, or UNKNOWN."""
    found: list[tuple[tuple, Resource, dict]] = []
    if bucket.is_cloudformation:
        rules = bucket.get("ReplicationConfiguration/Rules")
        if rules is UNKNOWN or bucket.get("ReplicationConfiguration") is UNKNOWN:
            return UNKNOWN
        for path, body in bucket.items("ReplicationConfiguration/Rules"):
            if body is UNKNOWN:
                return UNKNOWN
            if isinstance(body, dict):
                found.append((path, bucket, body))
        return found
    for path, _ in bucket.blocks("replication_configuration"):
        for rule_path, body in bucket.blocks((*path, "rules")):
            found.append((rule_path, bucket, body))
    for configuration in view.referrers(bucket, ("aws_s3_bucket_replication_configuration",),
                                        path="bucket"):
        for rule_path, body in configuration.blocks("rule"):
            found.append((rule_path, configuration, body))
    return found


def replication_destinations(view: View, bucket: Resource, rules: list
                             ) -> list[tuple[Resource | None, tuple, Resource]]:
    """(destination bucket or None if outside the run, path, resource writing it) per rule."""
    destinations = []
    for path, source, body in rules:
        destination = body.get("Destination") if "Destination" in body else body.get(
            "destination")
        if isinstance(destination, list) and destination:
            destination = destination[0]
        key = "Bucket" if source.is_cloudformation else "bucket"
        target = destination.get(key) if isinstance(destination, dict) else UNKNOWN
        destinations.append((find_bucket(view, target), (*path, "Destination" if
                             source.is_cloudformation else "destination"), source))
    return destinations


def is_replication_destination(view: View, bucket: Resource) -> bool:
    """Whether another bucket in the run replicates into this one."""
    if view.referrers(bucket, ("AWS::S3::Bucket",), path="ReplicationConfiguration"):
        return True
    if view.referrers(bucket, ("aws_s3_bucket_replication_configuration",), path="rule"):
        return True
    if view.referrers(bucket, ("aws_s3_bucket",), path="replication_configuration"):
        return True
    name = bucket_name(bucket)
    if not isinstance(name, str):
        return False
    for other in view.resources(*BUCKET_TYPES):
        if other == bucket or not other.is_cloudformation:
            continue
        for _, value in other.values("ReplicationConfiguration/Rules/*/Destination/Bucket"):
            if value in (name, ARN_PREFIX + name):
                return True
    return False


def bucket_versioning(view: View, bucket: Resource) -> object:
    """True when versioning is enabled, False when it provably is not, else UNKNOWN."""
    if bucket.is_cloudformation:
        status = bucket.get("VersioningConfiguration/Status")
        if status is UNKNOWN:
            return UNKNOWN
        return status == "Enabled"
    for _, versioning in bucket.blocks("versioning"):
        enabled = versioning.get("enabled")
        if enabled is UNKNOWN:
            return UNKNOWN
        if enabled is True or enabled == "true":
            return True
    statuses = [configuration.get("versioning_configuration/status")
                for configuration in view.referrers(bucket, ("aws_s3_bucket_versioning",),
                                                    path="bucket")]
    if any(status is UNKNOWN for status in statuses):
        return UNKNOWN
    return "Enabled" in flatten(statuses)

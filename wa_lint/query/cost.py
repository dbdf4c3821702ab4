"""Cost and sustainability walks shared by the COST and SUS rules.

- ``application_scaling``: Application Auto Scaling targets and policies that
  point at a resource (by reference or a literal ``table/<name>`` id);
  ``scales_on_custom_metric``: whether a scaling policy can follow a queue.
- ``lifecycle_rules`` / ``object_lock_enabled``: S3 lifecycle rules in every
  spelling (CloudFormation, Terraform v3 inline, v4 resource).
- ``runs_outside_region``: Lambda@Edge and Greengrass functions;
  ``image_texts`` / ``is_windows_image``: what a machine's AMI is known to be.
- ``raw_text``: a property as written, for scripts whose value is UNKNOWN.
- ``scope``: the template or module folder within which an unresolved value
  may hide a match.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from ..values import UNKNOWN
from . import Resource, View
from .placement import SCALABLE_TARGETS

SCALING_POLICIES = ("AWS::ApplicationAutoScaling::ScalingPolicy", "aws_appautoscaling_policy")
RESOURCE_ID = {"AWS::ApplicationAutoScaling::ScalableTarget": "ResourceId",
               "AWS::ApplicationAutoScaling::ScalingPolicy": "ResourceId",
               "aws_appautoscaling_target": "resource_id",
               "aws_appautoscaling_policy": "resource_id"}


def scope(resource: Resource) -> str:
    """The template (CloudFormation) or module folder (Terraform) a resource is written in."""
    if resource.is_cloudformation:
        return resource.file
    return resource.file.rsplit("/", 1)[0] if "/" in resource.file else ""


def application_scaling(view: View, resource: Resource, literal_ids: tuple = ()) -> object:
    """Application Auto Scaling targets and policies for ``resource``, or UNKNOWN.

    A target or policy counts when it references ``resource`` or when its
    resource id is one of ``literal_ids`` (e.g. ``table/orders``). When none
    matches but one in the same scope has a resource id that cannot be
    resolved and references no resource (a parameter, an import), the answer
    is UNKNOWN.
    """
    found = list(view.referrers(resource, (*SCALABLE_TARGETS, *SCALING_POLICIES)))
    unknown = False
    for candidate in view.resources(*SCALABLE_TARGETS, *SCALING_POLICIES):
        if candidate in found:
            continue
        key = RESOURCE_ID[candidate.type]
        value = candidate.get(key)
        if isinstance(value, str) and value in literal_ids:
            found.append(candidate)
        elif value is UNKNOWN and scope(candidate) == scope(resource) and \
                not view.referenced(candidate, key):
            unknown = True   # a parameter or an import; one naming another resource is not ours
    if not found and unknown:
        return UNKNOWN
    return found


EDGE_USERS = ("AWS::CloudFront::Distribution", "aws_cloudfront_distribution")
DEVICE_USERS = ("AWS::Greengrass::FunctionDefinition", "AWS::Greengrass::FunctionDefinitionVersion",
                "AWS::GreengrassV2::ComponentVersion", "aws_greengrass_function_definition")
FUNCTION_VERSIONS = ("AWS::Lambda::Version", "AWS::Lambda::Alias", "aws_lambda_alias")


def runs_outside_region(view: View, function: Resource) -> str | None:
    """``"edge"`` for Lambda@Edge, ``"device"`` for Greengrass functions, else None.

    The function is used directly or through one of its versions or aliases.
    """
    holders = [function, *view.referrers(function, FUNCTION_VERSIONS)]
    for holder in holders:
        if view.referrers(holder, EDGE_USERS):
            return "edge"
        if view.referrers(holder, DEVICE_USERS):
            return "device"
    return None


# type -> where the machine image is written
IMAGE_KEYS = {"AWS::EC2::Instance": "ImageId",
              "AWS::EC2::LaunchTemplate": "LaunchTemplateData/ImageId",
              "AWS::AutoScaling::LaunchConfiguration": "ImageId",
              "aws_instance": "ami", "aws_launch_template": "image_id",
              "aws_launch_configuration": "image_id"}


def image_texts(view: View, resource: Resource) -> list[str]:
    """What is known of a machine's image: the AMI id or SSM path, or an ``aws_ami`` filter.

    Empty when nothing can be read (the id is a parameter without default, or
    computed).
    """
    key = IMAGE_KEYS.get(resource.type)
    if key is None:
        return []
    value = resource.get(key)
    if isinstance(value, str):
        return [value]
    texts: list[str] = []
    default = ssm_parameter_default(resource, key)
    if default is not None:
        texts.append(default)
    for source in view.referenced(resource, key):
        if source.type != "aws_ami":
            continue
        for _, name in source.values("filter/*/values"):
            texts.extend(str(item) for item in (name if isinstance(name, list) else [name])
                         if isinstance(item, str))
        for _, name in source.values("name_regex"):
            if isinstance(name, str):
                texts.append(name)
    return texts


def is_windows_image(view: View, resource: Resource) -> bool:
    """Whether the machine's image is known to be Windows (by its id, SSM path or filter)."""
    return any("windows" in text.lower() for text in image_texts(view, resource))


def ssm_parameter_default(resource: Resource, key: str) -> str | None:
    """The SSM path a CloudFormation ``!Ref`` to an SSM-typed parameter names by default.

    ``ImageId: !Ref Ami`` with ``Ami: {Type: AWS::SSM::Parameter::Value<...>,
    Default: /aws/service/ami-windows-latest/...}`` resolves to UNKNOWN (the
    value lives in SSM), but the path itself says what kind of image it is.
    """
    if not resource.is_cloudformation:
        return None
    raw = resource.written(key)
    name = raw.get("Ref") if isinstance(raw, dict) and len(raw) == 1 else None
    parameter = resource.parameter(name)
    if parameter is not None and str(parameter.get("Type", "")).startswith(
            "AWS::SSM::Parameter::Value") and isinstance(parameter.get("Default"), str):
        return parameter["Default"]
    return None


ASG_POLICIES = {"AWS::AutoScaling::ScalingPolicy": "AutoScalingGroupName",
                "aws_autoscaling_policy": "autoscaling_group_name"}
ASG_SCHEDULES = {"AWS::AutoScaling::ScheduledAction": "AutoScalingGroupName",
                 "aws_autoscaling_schedule": "autoscaling_group_name"}
ALARMS = {"AWS::CloudWatch::Alarm": "AlarmActions", "aws_cloudwatch_metric_alarm": "alarm_actions"}
QUEUE_METRIC_HINTS = ("ApproximateNumberOfMessages", "AWS/SQS", "backlog")


def scales_on_custom_metric(view: View, policy: Resource) -> object:
    """Whether a scaling policy may follow a queue's depth, or UNKNOWN.

    True for target tracking on a customised metric (queue depth or backlog
    per instance), and for step or simple scaling driven by an alarm on an
    SQS metric; False for target tracking on a predefined metric (CPU,
    network, request count) and predictive scaling; UNKNOWN for step or
    simple scaling whose alarms are not in the run.
    """
    cfn = policy.is_cloudformation
    kind = policy.get("PolicyType" if cfn else "policy_type")
    if kind is UNKNOWN:
        return UNKNOWN
    tracking = policy.get(_tracking_key(policy))
    if tracking is UNKNOWN:
        return UNKNOWN
    if kind == "TargetTrackingScaling" or tracking is not None:
        custom = "CustomizedMetricSpecification" if cfn else "customized_metric_specification"
        return isinstance(tracking, dict) and tracking.get(custom) is not None
    if kind == "PredictiveScaling":
        return False
    alarms = [alarm for alarm_type, path in ALARMS.items()
              for alarm in view.referrers(policy, (alarm_type,), path=path)]
    if not alarms:
        return UNKNOWN
    return any(_mentions_queue(alarm) for alarm in alarms)


def _tracking_key(policy: Resource) -> str:
    if policy.type == "AWS::AutoScaling::ScalingPolicy":
        return "TargetTrackingConfiguration"
    if policy.type == "aws_autoscaling_policy":
        return "target_tracking_configuration"
    if policy.is_cloudformation:
        return "TargetTrackingScalingPolicyConfiguration"
    return "target_tracking_scaling_policy_configuration"


def _mentions_queue(alarm: Resource) -> bool:
    text = repr(alarm.properties)
    return any(hint.lower() in text.lower() for hint in QUEUE_METRIC_HINTS)


@dataclass(frozen=True)
class LifecycleRule:
    """One S3 lifecycle rule, whatever its spelling, reduced to what cost rules ask."""

    resource: Resource          # where it is written (the bucket or a lifecycle resource)
    path: tuple
    enabled: object             # True / False / UNKNOWN
    expires: bool               # current versions expire (days or date)
    noncurrent_expires: bool    # noncurrent versions expire
    transitions: bool           # current versions move to a colder storage class
    aborts_uploads: bool        # incomplete multipart uploads are aborted


def lifecycle_rules(view: View, bucket: Resource) -> object:
    """Every lifecycle rule of ``bucket`` (CloudFormation, Terraform v3 inline, v4 resource),
    or UNKNOWN when the configuration cannot be resolved."""
    rules: list[LifecycleRule] = []
    if bucket.is_cloudformation:
        if bucket.get("LifecycleConfiguration/Rules") is UNKNOWN:
            return UNKNOWN
        for path, body in bucket.blocks("LifecycleConfiguration/Rules"):
            status = body.get("Status")
            rules.append(LifecycleRule(
                bucket, path, UNKNOWN if not isinstance(status, str) else status == "Enabled",
                _any(body, "ExpirationInDays", "ExpirationDate"),
                _any(body, "NoncurrentVersionExpiration", "NoncurrentVersionExpirationInDays"),
                _any(body, "Transitions", "Transition"),
                _any(body, "AbortIncompleteMultipartUpload")))
        return rules
    if bucket.get("lifecycle_rule") is UNKNOWN:
        return UNKNOWN
    for path, body in bucket.blocks("lifecycle_rule"):
        enabled = body.get("enabled")
        rules.append(LifecycleRule(
            bucket, path, enabled if isinstance(enabled, bool) else UNKNOWN,
            _expires(body.get("expiration")), _any(body, "noncurrent_version_expiration"),
            _any(body, "transition"), _any(body, "abort_incomplete_multipart_upload_days")))
    for configuration in view.referrers(bucket, ("aws_s3_bucket_lifecycle_configuration",),
                                        path="bucket"):
        if configuration.get("rule") is UNKNOWN:
            return UNKNOWN
        for path, body in configuration.blocks("rule"):
            status = body.get("status")
            rules.append(LifecycleRule(
                configuration, path,
                UNKNOWN if not isinstance(status, str) else status == "Enabled",
                _expires(body.get("expiration")), _any(body, "noncurrent_version_expiration"),
                _any(body, "transition"), _any(body, "abort_incomplete_multipart_upload")))
    return rules


def _any(body: dict, *keys: str) -> bool:
    return any(body.get(key) not in (None, [], {}) for key in keys)


def _expires(expiration: object) -> bool:
    """A Terraform ``expiration`` block that expires current objects (not only delete markers)."""
    if isinstance(expiration, list):
        return any(_expires(item) for item in expiration)
    if not isinstance(expiration, dict):
        return False
    return any(expiration.get(key) is not None for key in ("days", "date"))


def object_lock_enabled(bucket: Resource) -> object:
    """Whether S3 Object Lock is on (objects must be kept), or UNKNOWN."""
    if bucket.is_cloudformation:
        value = bucket.get("ObjectLockEnabled")
    else:
        value = bucket.get("object_lock_enabled")
        if value is None:
            value = bucket.get("object_lock_configuration/object_lock_enabled")
            value = value == "Enabled" if isinstance(value, str) else value
    if value is UNKNOWN:
        return UNKNOWN
    return value is True or value == "true"


def raw_text(resource: Resource, key: str | None = None, attribute: str | None = None) -> str:
    """The text of a property (``key``) or resource attribute as written, intrinsics included.

    For searching scripts (user data, ``AWS::CloudFormation::Init``) whose
    resolved value is UNKNOWN because they embed references: the literal
    parts are still there to read.
    """
    raw = resource.written(key, attribute=attribute)
    if raw is None:
        return ""
    return raw if isinstance(raw, str) else json.dumps(raw)

"""Containers, functions and fleets: the shared walks of the OPS and PERF compute rules."""

from __future__ import annotations

import json
from collections.abc import Iterator

from . import UNKNOWN, Resource, View
from .placement import SCALABLE_TARGETS

TASK_DEFINITION_TYPES = ("AWS::ECS::TaskDefinition", "aws_ecs_task_definition")
CLUSTER_TYPES = ("AWS::ECS::Cluster", "aws_ecs_cluster")


def container_definitions(task: Resource) -> object:
    """``[(path, container), ...]`` of a task definition, or UNKNOWN when they cannot be read.

    CloudFormation writes them as a list of mappings (``ContainerDefinitions``);
    Terraform as a JSON string (``container_definitions``, often ``jsonencode``),
    whose containers all point at the attribute itself.
    """
    if task.is_cloudformation:
        value = task.get("ContainerDefinitions")
        if value is UNKNOWN or (value is not None and not isinstance(value, list)):
            return UNKNOWN
        found = []
        for path, item in task.items("ContainerDefinitions"):
            if not isinstance(item, dict):
                return UNKNOWN
            found.append((path, item))
        return found
    value = task.get("container_definitions")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return UNKNOWN
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return UNKNOWN
    path = task.locate("container_definitions")
    return [(path, item) for item in value]


def container_field(container: dict, name: str) -> object:
    """A field of a container definition, in CloudFormation (``LogConfiguration``) or ECS API
    (``logConfiguration``) spelling."""
    if name in container:
        return container[name]
    return container.get(name[:1].lower() + name[1:])


def container_name(container: dict, position: int) -> str:
    name = container_field(container, "Name")
    return name if isinstance(name, str) else f"#{position + 1}"


def cluster_settings(cluster: Resource) -> Iterator[tuple[tuple, object, object]]:
    """(path, name, value) of each cluster setting (``ClusterSettings`` / ``setting``)."""
    if cluster.is_cloudformation:
        for path, block in cluster.blocks("ClusterSettings"):
            yield path, block.get("Name"), block.get("Value")
    else:
        for path, block in cluster.blocks("setting"):
            yield path, block.get("name"), block.get("value")


# -- content delivery ---------------------------------------------------------------


def distribution_origins(view: View, distribution: Resource) -> list[tuple[tuple, object, list]]:
    """(path, domain name, referenced resources) of each origin of a CloudFront distribution.

    The domain name is a string, a reference, or UNKNOWN; the resources are those its
    expression references (``!GetAtt Site.RegionalDomainName``, ``!Select`` over a
    ``WebsiteURL``, ``${aws_s3_bucket.site.bucket_regional_domain_name}`` ...).
    """
    if distribution.is_cloudformation:
        pattern, field = "DistributionConfig/Origins", "DomainName"
    else:
        pattern, field = "origin", "domain_name"
    found = []
    for path, _ in distribution.blocks(pattern):
        domain = distribution.get((*path, field))
        targets = view.referenced(distribution, (*path, field))
        found.append(((*path, field), domain, targets))
    return found


BUCKET_TYPES = ("AWS::S3::Bucket", "aws_s3_bucket", "aws_s3_bucket_website_configuration")


def cache_behaviors(distribution: Resource) -> list[tuple[tuple, dict]]:
    """(path, behaviour) of the default and every ordered cache behaviour."""
    if distribution.is_cloudformation:
        return distribution.blocks("DistributionConfig/DefaultCacheBehavior") + \
            distribution.blocks("DistributionConfig/CacheBehaviors")
    return distribution.blocks("default_cache_behavior") + \
        distribution.blocks("ordered_cache_behavior")


def s3_origin_ids(view: View, distribution: Resource) -> object:
    """The ids of the origins that serve from S3 (an ``S3OriginConfig``, a referenced bucket,
    or an S3 endpoint name); UNKNOWN entries are left out."""
    cfn = distribution.is_cloudformation
    ids = set()
    for path, domain, targets in distribution_origins(view, distribution):
        origin = path[:-1]
        origin_id = distribution.get((*origin, "Id" if cfn else "origin_id"))
        if not isinstance(origin_id, str):
            continue
        s3_config = distribution.get((*origin, "S3OriginConfig" if cfn else "s3_origin_config"))
        s3_endpoint = isinstance(domain, str) and ".s3" in domain and \
            domain.endswith(".amazonaws.com")
        if s3_config is not None or s3_endpoint or \
                any(target.type in BUCKET_TYPES for target in targets):
            ids.add(origin_id)
    return ids


# -- elasticity -----------------------------------------------------------------------
ASG_SCALERS = ("AWS::AutoScaling::ScalingPolicy", "AWS::AutoScaling::ScheduledAction",
               "AWS::ECS::CapacityProvider", "aws_autoscaling_policy", "aws_autoscaling_schedule",
               "aws_ecs_capacity_provider")


def asg_scalers(view: View, group: Resource) -> list[Resource]:
    """Scaling policies, scheduled actions and ECS capacity providers that drive ``group``."""
    return view.referrers(group, ASG_SCALERS)


def scalable_target_of(view: View, resource: Resource, name: object) -> object:
    """Whether an Application Auto Scaling target scales ``resource``: True, False, or UNKNOWN
    when some target's resource id cannot be read. ``name`` is the resource's literal name,
    matched against the last part of a literal ``ResourceId`` (``service/cluster/name``)."""
    if view.referrers(resource, SCALABLE_TARGETS):
        return True
    unknown = False
    for target in view.resources(*SCALABLE_TARGETS):
        resource_id = target.get("ResourceId" if target.is_cloudformation else "resource_id")
        if isinstance(resource_id, str):
            if isinstance(name, str) and resource_id.rsplit("/", 1)[-1] == name:
                return True
        elif not view.referenced(target):
            unknown = True
    return UNKNOWN if unknown else False


def is_custom_resource_handler(view: View, function: Resource) -> bool:
    """Whether a CloudFormation custom resource uses ``function`` as its ``ServiceToken``."""
    return any(user.type == "AWS::CloudFormation::CustomResource" or
               user.type.startswith("Custom::")
               for user in view.referrers(function, path="ServiceToken"))


def runs_on_greengrass(view: View, function: Resource) -> bool:
    """Whether a Greengrass (v1) definition deploys ``function`` (or a version of it) to a
    core device, where Lambda's memory setting does not size its CPU."""
    holders = [function, *view.referrers(function, ("AWS::Lambda::Version", "AWS::Lambda::Alias",
                                                    "aws_lambda_alias"))]
    return any(user.type.startswith("AWS::Greengrass::") or user.type.startswith("aws_greengrass")
               for holder in holders for user in view.referrers(holder))

"""Placement of serving tiers and data stores across Availability Zones.

Helpers shared by the reliability rules that ask "is this tier (or the tier in
front of this database) spread over several zones", "is this Auto Scaling
group behind a load balancer" and "is this RDS instance part of a cluster".
"""

from __future__ import annotations

from ..values import UNKNOWN
from . import Resource, View

# application tiers whose zones tell whether the workload is built for a zone failure
APP_TIERS = {
    "AWS::AutoScaling::AutoScalingGroup": ("VPCZoneIdentifier", "AvailabilityZones"),
    "AWS::ECS::Service": ("NetworkConfiguration/AwsvpcConfiguration/Subnets",),
    "AWS::ElasticLoadBalancingV2::LoadBalancer": ("Subnets", "SubnetMappings/*/SubnetId"),
    "AWS::EKS::Nodegroup": ("Subnets",),
    "aws_autoscaling_group": ("vpc_zone_identifier", "availability_zones"),
    "aws_ecs_service": ("network_configuration/subnets",),
    "aws_lb": ("subnets", "subnet_mapping/*/subnet_id"),
    "aws_alb": ("subnets", "subnet_mapping/*/subnet_id"),
    "aws_eks_node_group": ("subnet_ids",),
}
ASG_TYPES = ("AWS::AutoScaling::AutoScalingGroup", "aws_autoscaling_group")
ASG_ATTACHMENTS = ("aws_autoscaling_attachment", "aws_autoscaling_traffic_source_attachment")
ECS_SERVICE_TYPES = ("AWS::ECS::Service", "aws_ecs_service")
TARGET_GROUP_TYPES = ("AWS::ElasticLoadBalancingV2::TargetGroup", "aws_lb_target_group",
                      "aws_alb_target_group")
# what keeps several instances or tasks behind a load balancer
FLEET_TYPES = (*ASG_TYPES, *ECS_SERVICE_TYPES, *ASG_ATTACHMENTS)


def multi_az_app_tiers(view: View, near: Resource) -> list[Resource]:
    """Application tiers in the same file as ``near`` that are proven to span two zones."""
    found = []
    for tier in view.resources(*APP_TIERS):
        if tier.file != near.file:
            continue
        if view.zones(tier, *APP_TIERS[tier.type]).at_least(2) is True:
            found.append(tier)
    return found


def engine_of(resource: Resource) -> object:
    """The lower-cased engine name, None when absent, UNKNOWN when unresolvable."""
    engine = resource.get("Engine" if resource.is_cloudformation else "engine")
    return engine.lower() if isinstance(engine, str) else engine


def is_aurora(resource: Resource) -> object:
    engine = engine_of(resource)
    if engine is UNKNOWN:
        return UNKNOWN
    return isinstance(engine, str) and engine.startswith("aurora")


def is_read_replica(resource: Resource) -> bool:
    """Whether an RDS instance is a read replica (of an instance in or outside the run)."""
    key = "SourceDBInstanceIdentifier" if resource.is_cloudformation else "replicate_source_db"
    return resource.get(key) is not None


def is_cluster_member(resource: Resource) -> bool:
    """Whether a CloudFormation DBInstance belongs to a DB cluster (Aurora or Multi-AZ cluster)."""
    return resource.is_cloudformation and resource.get("DBClusterIdentifier") is not None


def load_balancer_attachments(view: View, asg: Resource) -> object:
    """Where an Auto Scaling group is attached to load balancers: a list of paths (or None for
    a separate attachment resource); an empty list when it provably is not; UNKNOWN if unclear."""
    if asg.is_cloudformation:
        keys = ("TargetGroupARNs", "LoadBalancerNames", "TrafficSources")
    else:
        keys = ("target_group_arns", "load_balancers", "traffic_source")
    found: list = []
    for key in keys:
        value = asg.get(key)
        if value is UNKNOWN:
            return UNKNOWN
        if value:
            found.append(key)
    if not asg.is_cloudformation and view.referrers(
            asg, ASG_ATTACHMENTS, path="autoscaling_group_name"):
        found.append(None)
    return found


def cluster_members(view: View, cluster: Resource) -> list[Resource]:
    """The DB instances of the run that join ``cluster`` (Aurora or Multi-AZ DB cluster)."""
    if cluster.is_cloudformation:
        return view.referrers(cluster, ("AWS::RDS::DBInstance",), path="DBClusterIdentifier")
    return view.referrers(cluster, ("aws_rds_cluster_instance",), path="cluster_identifier")


def nat_dependants(view: View) -> dict:
    """NAT gateway -> the subnets whose default route goes through it (unclear subnets skipped).

    Edges are between declarations, so a Terraform NAT gateway with ``count`` stands for
    several gateways; callers check ``instance_count`` before calling one gateway single.
    """
    from .network import SUBNET_TYPES, nat_gateways_of

    served: dict = {}
    for subnet in view.resources(*SUBNET_TYPES):
        gateways = nat_gateways_of(view, subnet)
        if gateways is UNKNOWN:
            continue
        for gateway in gateways:
            served.setdefault(gateway, []).append(subnet)
    return served


SCALABLE_TARGETS = ("AWS::ApplicationAutoScaling::ScalableTarget", "aws_appautoscaling_target")


def scaling_minimum(view: View, service: Resource) -> object:
    """The smallest MinCapacity of the Application Auto Scaling targets that reference an ECS
    service: an int, None when no target references it, UNKNOWN when unresolvable."""
    targets = view.referrers(service, SCALABLE_TARGETS[:1], path="ResourceId") + \
        view.referrers(service, SCALABLE_TARGETS[1:], path="resource_id")
    if not targets:
        return None
    minimums = []
    for target in targets:
        value = target.get("MinCapacity" if target.is_cloudformation else "min_capacity")
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            return UNKNOWN
        minimums.append(value)
    return min(minimums)



"""Cost and sustainability walks: what scales a resource, and where a run's files group.

Shared by the cost-optimisation and sustainability rules: Application Auto
Scaling targets and policies that point at a resource (written as references
or as literal ``table/<name>`` resource ids), and the scope (a template, or a
Terraform module folder) within which an unresolved value may hide a match.
"""

from __future__ import annotations

from ..values import UNKNOWN
from . import Resource, View

SCALABLE_TARGETS = ("AWS::ApplicationAutoScaling::ScalableTarget", "aws_appautoscaling_target")
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
    resolved, the answer is UNKNOWN.
    """
    found = list(view.referrers(resource, (*SCALABLE_TARGETS, *SCALING_POLICIES)))
    unknown = False
    for candidate in view.resources(*SCALABLE_TARGETS, *SCALING_POLICIES):
        if candidate in found:
            continue
        value = candidate.get(RESOURCE_ID[candidate.type])
        if isinstance(value, str) and value in literal_ids:
            found.append(candidate)
        elif value is UNKNOWN and scope(candidate) == scope(resource):
            unknown = True
    if not found and unknown:
        return UNKNOWN
    return found

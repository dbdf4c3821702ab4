"""Alarms, logs and traces: the shared walks of the operational-excellence rules."""

from __future__ import annotations

from . import UNKNOWN, Resource, View

ALARM_TYPES = ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm",
               "aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
ALARM_ACTION_KEYS = {
    "cloudformation": ("AlarmActions", "OKActions", "InsufficientDataActions"),
    "terraform": ("alarm_actions", "ok_actions", "insufficient_data_actions"),
}


def key(resource: Resource, cfn: str, tf: str) -> str:
    """The CloudFormation or the Terraform spelling of a property, for this resource."""
    return cfn if resource.is_cloudformation else tf


def alarm_actions(alarm: Resource) -> object:
    """True when the alarm has at least one action, False when none, UNKNOWN if unknowable."""
    keys = ALARM_ACTION_KEYS["cloudformation" if alarm.is_cloudformation else "terraform"]
    unknown = False
    for name in keys:
        value = alarm.get(name)
        if value is UNKNOWN:
            unknown = True
        elif isinstance(value, list):
            if any(item is UNKNOWN for item in value):
                unknown = True
            if any(item not in (None, "") for item in value):
                return True
        elif value not in (None, ""):
            return True
    return UNKNOWN if unknown else False


def alarm_users(view: View, alarm: Resource) -> list[Resource]:
    """Resources that use an alarm without its actions: composite alarms, Route 53 health
    checks, deployment alarms of CodeDeploy or ECS, and anything else that references it."""
    return [user for user in view.referrers(alarm) if user != alarm]

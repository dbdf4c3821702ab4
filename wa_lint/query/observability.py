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
    """True when the alarm has at least one action written, False when none, UNKNOWN when an
    action list itself cannot be resolved."""
    keys = ALARM_ACTION_KEYS["cloudformation" if alarm.is_cloudformation else "terraform"]
    unknown = False
    for name in keys:
        value = alarm.get(name)
        if value is UNKNOWN:
            unknown = True
        elif isinstance(value, list):
            # an unresolved item (a parameter, a condition) is still an action written there
            if any(item not in (None, "") for item in value):
                return True
        elif value not in (None, ""):
            return True
    return UNKNOWN if unknown else False


def alarm_users(view: View, alarm: Resource) -> list[Resource]:
    """Resources that use an alarm without its actions: composite alarms, Route 53 health
    checks, deployment alarms of CodeDeploy or ECS, and anything else that references it."""
    return [user for user in view.referrers(alarm) if user != alarm]


LOGGING_LEVELS_ON = ("ERROR", "INFO")


def _level_on(value: object) -> object:
    if value is UNKNOWN:
        return UNKNOWN
    return isinstance(value, str) and value.upper() in LOGGING_LEVELS_ON


def execution_logging(view: View, stage: Resource) -> object:
    """Whether a REST API stage writes execution logs (``LoggingLevel`` ERROR or INFO on some
    method setting), False when it does not, UNKNOWN when it cannot be told."""
    if stage.type == "aws_api_gateway_stage":
        settings = view.referrers(stage, ("aws_api_gateway_method_settings",))
        results = [_level_on(setting.get("settings/logging_level")) for setting in settings]
    else:
        path = "StageDescription" if stage.type == "AWS::ApiGateway::Deployment" else None
        holder = stage.get(path) if path else stage.properties
        if holder is UNKNOWN:
            return UNKNOWN
        holder = holder if isinstance(holder, dict) else {}
        prefix = (path,) if path else ()
        results = [_level_on(stage.get((*prefix, "LoggingLevel")))] if path else []
        method_settings = stage.get((*prefix, "MethodSettings"))
        if method_settings is UNKNOWN:
            return UNKNOWN
        for item_path, _ in stage.items((*prefix, "MethodSettings")):
            results.append(_level_on(stage.get((*item_path, "LoggingLevel"))))
    if True in results:
        return True
    return UNKNOWN if UNKNOWN in results else False


TOPIC_TYPES = ("AWS::SNS::Topic", "aws_sns_topic")
SUBSCRIPTION_TYPES = ("AWS::SNS::Subscription", "aws_sns_topic_subscription")


def action_topics(view: View, alarm: Resource) -> list[Resource]:
    """The SNS topics of the run that an alarm's actions notify."""
    keys = ALARM_ACTION_KEYS["cloudformation" if alarm.is_cloudformation else "terraform"]
    topics: list[Resource] = []
    for name in keys:
        for topic in view.referenced(alarm, name, TOPIC_TYPES):
            if topic not in topics:
                topics.append(topic)
    return topics


def topic_has_subscribers(view: View, topic: Resource) -> object:
    """True when a topic has an inline or separate subscription, False when none, UNKNOWN
    when its inline subscriptions cannot be resolved."""
    if topic.is_cloudformation:
        inline = topic.get("Subscription")
        if inline is UNKNOWN:
            return UNKNOWN
        if inline:
            return True
    return bool(view.referrers(topic, SUBSCRIPTION_TYPES))


METRIC_ALARM_TYPES = ("AWS::CloudWatch::Alarm", "aws_cloudwatch_metric_alarm")


def alarm_metrics(alarm: Resource) -> set:
    """The metric names an alarm watches: its own, and those of a metric-math query."""
    cfn = alarm.is_cloudformation
    names = {alarm.get("MetricName" if cfn else "metric_name")}
    pattern = "Metrics/*/MetricStat/Metric/MetricName" if cfn else \
        "metric_query/*/metric/metric_name"
    names.update(value for _, value in alarm.values(pattern))
    return {name for name in names if isinstance(name, str)}


def alarm_dimension_values(alarm: Resource) -> list:
    """The values of a metric alarm's dimensions, its metric-math queries' included."""
    cfn = alarm.is_cloudformation
    values = [value for _, value in alarm.values("Dimensions/*/Value" if cfn else "dimensions")]
    values += [value for _, value in alarm.values(
        "Metrics/*/MetricStat/Metric/Dimensions/*/Value" if cfn else
        "metric_query/*/metric/dimensions")]
    flat = []
    for value in values:
        flat.extend(value.values() if isinstance(value, dict) else [value])
    return flat


def alarms_on(view: View, resource: Resource, metrics: set, name: object = None) -> object:
    """Whether some metric alarm of the run watches one of ``metrics`` of ``resource``: by a
    reference in its dimensions, or by a literal dimension value equal to ``name``. UNKNOWN
    when an alarm on those metrics has dimensions that cannot be resolved."""
    unknown = False
    watched = view.memo(alarm_metrics, lambda: [
        (alarm, alarm_metrics(alarm)) for alarm in view.resources(*METRIC_ALARM_TYPES)])
    for alarm, names in watched:
        if not names & metrics:
            continue
        if resource in view.referenced(alarm):
            return True
        flat = alarm_dimension_values(alarm)
        if isinstance(name, str) and name in flat:
            return True
        if any(value is UNKNOWN for value in flat):
            unknown = True
    return UNKNOWN if unknown else False

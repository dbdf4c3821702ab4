from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.observability import (
    ALARM_TYPES,
    action_topics,
    alarm_actions,
    alarm_users,
    key,
    topic_has_subscribers,
)
from wa_lint.rule import rule


@rule(id="OPS101", name="alarm-without-actions", pillar="operational-excellence",
      severity="warning", resource_types=ALARM_TYPES, bp=("OPS08-BP04", "REL06-BP03"))
def alarm_without_actions(view):
    """CloudWatch alarm notifies no one: no actions, or actions disabled

    ## What it checks
    Every CloudWatch metric alarm and composite alarm (CloudFormation and
    Terraform) must either run an action (`AlarmActions`, `OKActions` or
    `InsufficientDataActions`: an SNS topic, an Auto Scaling or EC2 action, a
    Systems Manager incident ...) with `ActionsEnabled` left at its default
    `true`, or be used by something else: a composite alarm, a Route 53
    health check, a CodeDeploy or ECS deployment, or any other resource that
    references it. An alarm with `ActionsEnabled: false` is reported even if it
    has actions. Action lists that cannot be resolved are not judged.

    ## Why it matters
    An alarm that changes state while nobody is told and nothing reacts is a
    dashboard light in an empty room: the incident is found by customers
    instead (OPS08-BP04, REL06-BP03). Alarms are created with actions enabled
    by default; with no action list, the state change goes nowhere.

    ## How to fix
    Send the alarm to a topic that someone (or an automation) subscribes to:

    ```yaml
    ErrorsAlarm:
      Type: AWS::CloudWatch::Alarm
      Properties:
        Namespace: AWS/Lambda
        MetricName: Errors
        Dimensions: [{Name: FunctionName, Value: !Ref Worker}]
        Statistic: Sum
        Period: 60
        EvaluationPeriods: 1
        Threshold: 1
        ComparisonOperator: GreaterThanOrEqualToThreshold
        AlarmActions: [!Ref OnCallTopic]
    ```

    ```json
    {"resource": {"aws_cloudwatch_metric_alarm": {"errors": {
      "alarm_actions": ["${aws_sns_topic.on_call.arn}"]}}}}
    ```

    An alarm whose only actions are SNS topics of the run that have no
    subscription (no inline `Subscription`, no `AWS::SNS::Subscription` or
    `aws_sns_topic_subscription`) is a `note`.

    ## Known limits
    Subscriptions made outside the templates of the run (an e-mail confirmed
    by hand, a chat integration set up in another stack) are not seen, which
    is why an unsubscribed topic is only a note.
    """
    for alarm in view.resources():
        enabled_key = key(alarm, "ActionsEnabled", "actions_enabled")
        enabled = as_bool(alarm.get(enabled_key))
        if enabled is False:
            yield alarm.finding(enabled_key, f"Alarm {alarm} has its actions disabled "
                                             f"({enabled_key} is false): it notifies no one")
            continue
        actions = alarm_actions(alarm)
        if actions is True:
            topics = action_topics(view, alarm)
            silent = [topic for topic in topics if topic_has_subscribers(view, topic) is False]
            if topics and len(silent) == len(topics) and _only_topics(view, alarm, topics):
                yield alarm.finding(key(alarm, "AlarmActions", "alarm_actions"),
                                    f"Alarm {alarm} notifies only topic {silent[0]}, which has "
                                    "no subscriptions in this run", severity="note")
            continue
        if actions is not False or enabled is UNKNOWN:
            continue
        if alarm_users(view, alarm):
            continue
        yield alarm.finding(key(alarm, "AlarmActions", "alarm_actions"),
                            f"Alarm {alarm} has no alarm, OK or insufficient-data actions and "
                            "nothing uses it: it notifies no one")


def _only_topics(view, alarm, topics):
    """Whether every action the alarm has written is one of ``topics``."""
    names = ("AlarmActions", "OKActions", "InsufficientDataActions") if alarm.is_cloudformation \
        else ("alarm_actions", "ok_actions", "insufficient_data_actions")
    written = sum(len([item for _, item in alarm.items(name) if item not in (None, "")])
                  for name in names)
    pointing = sum(len(view.referenced(alarm, name, [topic.type for topic in topics]))
                   for name in names)
    return written == pointing

from wa_lint.query.messaging import QUEUE_TYPES, dead_letter_queues, queue_alarms
from wa_lint.query.observability import METRIC_ALARM_TYPES
from wa_lint.rule import rule


@rule(id="REL303", name="dead-letter-queue-without-alarm", pillar="reliability",
      severity="warning", resource_types=(*QUEUE_TYPES, *METRIC_ALARM_TYPES),
      bp=("REL05-BP04", "REL06-BP03", "OPS08-BP04"))
def dead_letter_queue_without_alarm(view):
    """Dead-letter queue that nobody is alerted about

    ## What it checks
    Every SQS queue that serves as a dead-letter queue or failure destination
    in the run (a redrive policy's `deadLetterTargetArn`, a Lambda
    `DeadLetterConfig` or on-failure destination, an SNS, EventBridge or
    Scheduler dead-letter queue) needs a CloudWatch alarm on it: an
    `AWS::CloudWatch::Alarm` / `aws_cloudwatch_metric_alarm` whose dimensions
    reference the queue or name it literally, typically on
    `ApproximateNumberOfMessagesVisible`.

    ## Why it matters
    A dead-letter queue only helps if someone notices that it fills up.
    Without an alarm, failed messages sit there until their retention ends and
    are deleted, and the failure is discovered by customers instead of
    operators (REL05-BP04, REL06-BP03, OPS08-BP04).

    ## How to fix
    Alarm on the queue depth and notify a topic with subscribers:

    ```yaml
    OrdersDeadLettersAlarm:
      Type: AWS::CloudWatch::Alarm
      Properties:
        Namespace: AWS/SQS
        MetricName: ApproximateNumberOfMessagesVisible
        Dimensions: [{Name: QueueName, Value: !GetAtt OrdersDeadLetters.QueueName}]
        Statistic: Maximum
        Period: 60
        EvaluationPeriods: 1
        Threshold: 1
        ComparisonOperator: GreaterThanOrEqualToThreshold
        AlarmActions: [!Ref OpsTopic]
    ```

    ```json
    {"resource": {"aws_cloudwatch_metric_alarm": {"dlq": {
      "namespace": "AWS/SQS", "metric_name": "ApproximateNumberOfMessagesVisible",
      "dimensions": {"QueueName": "${aws_sqs_queue.dlq.name}"}, "statistic": "Maximum",
      "period": 60, "evaluation_periods": 1, "threshold": 1,
      "comparison_operator": "GreaterThanOrEqualToThreshold",
      "alarm_actions": ["${aws_sns_topic.ops.arn}"]}}}}
    ```

    ## Known limits
    Alarms defined in another stack or configuration are not seen; the
    alarm's metric, threshold and actions are not judged.
    """
    for queue in dead_letter_queues(view):
        if not queue_alarms(view, queue):
            yield queue.finding(None, f"Dead-letter queue {queue} has no CloudWatch alarm: "
                                      "failed messages pile up unnoticed until they expire")

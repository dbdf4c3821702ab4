from wa_lint.query import ResourceRef
from wa_lint.rule import rule

# type -> (key property, AWS managed alias)
TARGETS = {"AWS::SQS::Queue": ("KmsMasterKeyId", "alias/aws/sqs"),
           "aws_sqs_queue": ("kms_master_key_id", "alias/aws/sqs"),
           "AWS::SNS::Topic": ("KmsMasterKeyId", "alias/aws/sns"),
           "aws_sns_topic": ("kms_master_key_id", "alias/aws/sns")}
# (sender type, path of the reference in the sender, what the sender is; None: any sender) that
# deliver with a service principal, which an AWS managed key policy cannot allow
SENDERS = (
    ("AWS::SNS::Subscription", "Endpoint", "SNS subscription"),
    ("AWS::SNS::Topic", "Subscription", "SNS topic subscription"),
    ("aws_sns_topic_subscription", "endpoint", "SNS subscription"),
    ("AWS::SNS::Subscription", "RedrivePolicy", "SNS subscription", "failed messages"),
    ("aws_sns_topic_subscription", "redrive_policy", "SNS subscription", "failed messages"),
    ("AWS::Events::Rule", "Targets", "EventBridge rule"),
    ("aws_cloudwatch_event_target", "arn", "EventBridge target"),
    ("AWS::S3::Bucket", "NotificationConfiguration", "S3 event notifications"),
    ("aws_s3_bucket_notification", "queue", "S3 event notifications"),
    ("aws_s3_bucket_notification", "topic", "S3 event notifications"),
    ("AWS::CloudWatch::Alarm", "AlarmActions", "CloudWatch alarm"),
    ("AWS::CloudWatch::Alarm", "OKActions", "CloudWatch alarm"),
    ("AWS::CloudWatch::Alarm", "InsufficientDataActions", "CloudWatch alarm"),
    ("aws_cloudwatch_metric_alarm", "alarm_actions", "CloudWatch alarm"),
    ("aws_cloudwatch_metric_alarm", "ok_actions", "CloudWatch alarm"),
    ("aws_cloudwatch_metric_alarm", "insufficient_data_actions", "CloudWatch alarm"),
)


@rule(id="SEC109", name="aws-managed-key-blocks-delivery", pillar="security",
      severity="error", resource_types=(*TARGETS, *{sender[0] for sender in SENDERS}),
      bp=("SEC08-BP01", "REL05-BP04"))
def aws_managed_key_blocks_delivery(view):
    """Queue or topic encrypted with an AWS managed key cannot receive from AWS services

    ## What it checks
    SQS queues encrypted with the AWS managed key `alias/aws/sqs` and SNS
    topics encrypted with `alias/aws/sns` that an AWS service delivers to in
    the run: SNS subscriptions and their dead-letter queues (for queues),
    EventBridge rules and their dead-letter queues, S3 event notifications,
    and CloudWatch alarm actions (for topics).

    Those services publish with their own service principal, which must be
    allowed to use the key. The key policy of an AWS managed key cannot be
    changed, so every delivery fails. Queues using SSE-SQS
    (`SqsManagedSseEnabled`) and queues and topics using a customer managed
    key are fine; keys that cannot be resolved are not judged.

    ## Why it matters
    The failure is silent: the template deploys, the subscription or rule
    looks healthy, and messages are dropped with a KMS access error that
    only shows up in the sender's metrics. Alarms that never notify and
    events that never arrive (SEC08-BP01, REL05-BP04).

    ## How to fix
    Use SSE-SQS for the queue, or a customer managed key whose key policy
    allows the sending service (`kms:GenerateDataKey*`, `kms:Decrypt` for
    `sns.amazonaws.com`, `events.amazonaws.com`, `s3.amazonaws.com` or
    `cloudwatch.amazonaws.com`):

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        SqsManagedSseEnabled: true
    ```

    ```json
    {"resource": {"aws_sns_topic": {"alerts": {
      "name": "alerts", "kms_master_key_id": "${aws_kms_key.alerts.arn}"}}}}
    ```

    ## References
    - https://repost.aws/knowledge-center/cloudwatch-configure-alarm-sns
    - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html
    """
    for target in view.resources(*TARGETS):
        key_property, alias = TARGETS[target.type]
        if not _is_aws_managed(view, target.get(key_property), alias):
            continue
        for sender_type, path, what, *failed in SENDERS:
            senders = view.referrers(target, (sender_type,), path=path)
            if senders:
                sent = f"{failed[0]} " if failed else ""
                yield target.finding(key_property, f"{target} is encrypted with the AWS managed "
                                                   f"key {alias}, so the {what} {senders[0]} "
                                                   f"cannot deliver {sent}to it")
                break


def _is_aws_managed(view, key, alias):
    if isinstance(key, ResourceRef):
        source = view.resource(key)
        if source is None or source.mode != "data":
            return False
        key = source.get("name") if source.type == "aws_kms_alias" else source.get("key_id")
    return isinstance(key, str) and (key == alias or key.endswith(":" + alias))

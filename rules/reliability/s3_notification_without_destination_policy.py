from wa_lint.query import UNKNOWN
from wa_lint.query.messaging import (
    QUEUE_TYPES,
    allows_service,
    queue_policy_documents,
    s3_destinations,
    topic_policy_documents,
)
from wa_lint.rule import rule

S3 = "s3.amazonaws.com"


@rule(id="REL315", name="s3-notification-without-destination-policy", pillar="reliability",
      severity="error", resource_types=("AWS::S3::Bucket", "aws_s3_bucket_notification"),
      bp=("REL05-BP04", "SEC03-BP02"))
def s3_notification_without_destination_policy(view):
    """S3 event notification targets a queue or topic that S3 may not write to

    ## What it checks
    Each S3 notification to an SQS queue or SNS topic of the run
    (`QueueConfigurations`, `TopicConfigurations`,
    `aws_s3_bucket_notification` `queue`/`topic`) needs a resource policy on
    the destination (`AWS::SQS::QueuePolicy` / `aws_sqs_queue_policy`,
    `AWS::SNS::TopicPolicy` / `aws_sns_topic_policy`, or the `policy`
    argument) that allows `sqs:SendMessage` or `sns:Publish` to
    `s3.amazonaws.com`. A queue encrypted with the AWS managed key
    `alias/aws/sqs`, which S3 cannot use, is reported by SEC109
    aws-managed-key-blocks-delivery.

    ## Why it matters
    S3 checks that it may deliver when the notification is saved: without
    the policy the deployment fails ("Unable to validate the following
    destination configurations"); with the AWS managed SQS key the messages
    cannot be encrypted and are lost. Either way the event-driven path the
    design relies on never carries an event (REL05-BP04).

    ## How to fix
    Allow the bucket to send to the queue (or publish to the topic), and use
    SSE-SQS or a customer managed key:

    ```yaml
    UploadsQueuePolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref UploadEvents]
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: {Service: s3.amazonaws.com}
              Action: sqs:SendMessage
              Resource: !GetAtt UploadEvents.Arn
              Condition: {ArnLike: {aws:SourceArn: !Sub "arn:${AWS::Partition}:s3:::uploads-*"}}
    ```

    ```json
    {"resource": {"aws_sqs_queue_policy": {"uploads": {
      "queue_url": "${aws_sqs_queue.upload_events.id}",
      "policy": "${data.aws_iam_policy_document.s3_to_queue.json}"}}}}
    ```
    """
    for holder, path, target in s3_destinations(view):
        source = f"Bucket {holder}" if holder.type == "AWS::S3::Bucket" else f"{holder}"
        if target.type in QUEUE_TYPES:
            documents = queue_policy_documents(view, target)
            action, what = "sqs:SendMessage", "send messages to"
        else:
            documents = topic_policy_documents(view, target)
            action, what = "sns:Publish", "publish to"
        verdicts = [allows_service(document, S3, action) for document in documents]
        if True in verdicts or UNKNOWN in verdicts:
            continue
        kind = "queue" if target.type in QUEUE_TYPES else "topic"
        reason = f"no {kind} policy lets" if not documents else \
            f"its {kind} policy does not let"
        yield holder.finding(path, f"{source} sends S3 notifications to {kind} {target}, but "
                                   f"{reason} s3.amazonaws.com {what} it")

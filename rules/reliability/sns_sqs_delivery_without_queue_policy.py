from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.messaging import (
    allows_service,
    is_fifo,
    queue_policy_documents,
    sqs_subscriptions,
)
from wa_lint.rule import rule

SUBSCRIPTIONS = ("AWS::SNS::Subscription", "AWS::SNS::Topic", "aws_sns_topic_subscription")


@rule(id="REL306", name="sns-sqs-delivery-without-queue-policy", pillar="reliability",
      severity="error", resource_types=SUBSCRIPTIONS, bp=("REL04-BP02", "SEC03-BP02"))
def sns_sqs_delivery_without_queue_policy(view):
    """SNS topic fans out to an SQS queue that cannot accept its messages

    ## What it checks
    Each SNS subscription with protocol `sqs` (`AWS::SNS::Subscription`, an
    inline `AWS::SNS::Topic` `Subscription`, `aws_sns_topic_subscription`)
    whose queue is in the run:

    - the queue needs a queue policy (`AWS::SQS::QueuePolicy` listing it,
      `aws_sqs_queue_policy`, or `aws_sqs_queue` `policy`) that allows
      `sqs:SendMessage` to `sns.amazonaws.com`;
    - a standard topic cannot deliver to a FIFO queue.

    SAM `SNS` events with `SqsSubscription` write their own queue policy and
    are not checked. A queue encrypted with the AWS managed key
    `alias/aws/sqs`, which SNS cannot use, is reported by SEC109
    aws-managed-key-blocks-delivery.

    ## Why it matters
    SNS accepts the publish and then fails every delivery to the queue: the
    fan-out edge silently drops all messages, and only SNS delivery-failure
    metrics or logs, if enabled, show it (REL04-BP02).

    ## How to fix
    Let the topic send to the queue, and use SSE-SQS or a customer managed key
    whose policy allows `sns.amazonaws.com`:

    ```yaml
    AuditQueuePolicy:
      Type: AWS::SQS::QueuePolicy
      Properties:
        Queues: [!Ref Audit]
        PolicyDocument:
          Statement:
            - Effect: Allow
              Principal: {Service: sns.amazonaws.com}
              Action: sqs:SendMessage
              Resource: !GetAtt Audit.Arn
              Condition: {ArnEquals: {aws:SourceArn: !Ref Events}}
    ```

    ```json
    {"resource": {"aws_sqs_queue_policy": {"audit": {"queue_url": "${aws_sqs_queue.audit.id}",
      "policy": "${jsonencode({Statement = [{Effect = \\"Allow\\", Action = \\"sqs:SendMessage\\",
        Principal = {Service = \\"sns.amazonaws.com\\"}, Resource = aws_sqs_queue.audit.arn,
        Condition = {ArnEquals = {\\"aws:SourceArn\\" = aws_sns_topic.events.arn}}}]})}"}}}}
    ```

    ## Known limits
    Policies attached in another stack or configuration are not seen; policy
    conditions are not evaluated.
    """
    for delivery in sqs_subscriptions(view):
        holder, queue, topic = delivery.holder, delivery.queue, delivery.topic
        where = delivery.path or None
        name = f"SNS subscription {holder}" if not delivery.path else \
            f"Inline subscription of topic {holder}"
        if topic is not None:
            topic_fifo = as_bool(topic.get("FifoTopic" if topic.is_cloudformation
                                           else "fifo_topic", False))
            if topic_fifo is False and is_fifo(queue) is True:
                yield holder.finding(where, f"{name} delivers a standard topic to the FIFO "
                                            f"queue {queue}, which SNS cannot do")
                continue
        documents = queue_policy_documents(view, queue)
        verdicts = [allows_service(document, "sns.amazonaws.com", "sqs:SendMessage")
                    for document in documents]
        if True in verdicts or UNKNOWN in verdicts:
            continue
        reason = "no queue policy lets" if not documents else "its queue policy does not let"
        yield holder.finding(where, f"{name} delivers to queue {queue}, but {reason} "
                                    "sns.amazonaws.com send messages to it: every message is "
                                    "dropped")

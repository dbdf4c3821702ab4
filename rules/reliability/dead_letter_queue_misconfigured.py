from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.messaging import (
    QUEUE_TYPES,
    is_fifo,
    redrive_policies,
    retention_period,
)
from wa_lint.rule import rule


@rule(id="REL302", name="dead-letter-queue-misconfigured", pillar="reliability",
      severity="error", resource_types=(*QUEUE_TYPES, "aws_sqs_queue_redrive_policy"),
      bp="REL05-BP04")
def dead_letter_queue_misconfigured(view):
    """SQS dead-letter queue wiring that loses or misroutes messages

    ## What it checks
    Each SQS redrive policy (`RedrivePolicy`, `redrive_policy`,
    `aws_sqs_queue_redrive_policy`) whose dead-letter queue is in the run:

    - the dead-letter queue is the queue itself (error);
    - one is FIFO and the other standard (error): SQS requires both to be of
      the same type;
    - for a standard queue, the dead-letter queue keeps messages for less
      time than the source queue (`MessageRetentionPeriod`, default 4 days)
      (warning);
    - `maxReceiveCount` is 1 (warning). Without it SQS uses 10.

    ## Why it matters
    A standard queue keeps a message's original enqueue time when it moves to
    the dead-letter queue, so a shorter retention there deletes failed
    messages before anyone looks at them. A `maxReceiveCount` of 1 sends a
    message to the dead-letter queue after a single failed or throttled
    receive, so transient errors are never retried. A dead-letter queue of the
    wrong type is refused (REL05-BP04).

    ## How to fix
    Use a dead-letter queue of the same type, with a longer retention, and
    allow a few receives:

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        RedrivePolicy:
          deadLetterTargetArn: !GetAtt OrdersDeadLetters.Arn
          maxReceiveCount: 5
    OrdersDeadLetters:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600
    ```

    ```json
    {"resource": {"aws_sqs_queue": {
      "orders": {"redrive_policy":
        "${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5})}"},
      "dlq": {"message_retention_seconds": 1209600}}}}
    ```

    ## References
    - https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html
    """
    for queue in view.resources(*QUEUE_TYPES):
        for redrive in redrive_policies(view, queue):
            holder, key, dlq = redrive.holder, redrive.key, redrive.dead_letter_queue
            receives = as_int(redrive.get("maxReceiveCount"))
            if receives == 1:
                yield holder.finding(key, f"Queue {queue} moves a message to its dead-letter "
                                          "queue after one receive (maxReceiveCount 1): "
                                          "transient failures are never retried",
                                     severity="warning")
            if dlq is None:
                continue
            if dlq == queue:
                yield holder.finding(key, f"Queue {queue} is its own dead-letter queue")
                continue
            fifo, dlq_fifo = is_fifo(queue), is_fifo(dlq)
            if UNKNOWN not in (fifo, dlq_fifo) and fifo != dlq_fifo:
                kinds = ("FIFO", "standard") if fifo else ("Standard", "FIFO")
                yield holder.finding(key, f"{kinds[0]} queue {queue} has the "
                                          f"{kinds[1]} queue {dlq} as dead-letter queue: SQS "
                                          "requires both to be of the same type")
                continue
            if fifo is not False:
                continue
            retention, dlq_retention = retention_period(queue), retention_period(dlq)
            if UNKNOWN in (retention, dlq_retention) or dlq_retention >= retention:
                continue
            yield holder.finding(key, f"Dead-letter queue {dlq} keeps messages {dlq_retention} "
                                      f"s, less than the {retention} s of queue {queue}: failed "
                                      "messages keep their original enqueue time and expire "
                                      "early", severity="warning")

from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.consumers import custom_consumers, receivers
from wa_lint.rule import rule

WAIT = {"AWS::SQS::Queue": "ReceiveMessageWaitTimeSeconds",
        "aws_sqs_queue": "receive_wait_time_seconds"}


@rule(id="COST101", name="sqs-short-polling", pillar="cost-optimization", severity="warning",
      resource_types=WAIT, bp=("COST06-BP01", "SUS03-BP01"))
def sqs_short_polling(view):
    """SQS queue polled by custom workers with short polling

    ## What it checks
    An SQS queue whose `ReceiveMessageWaitTimeSeconds` (Terraform
    `receive_wait_time_seconds`) is absent or 0, which is the default and
    means short polling, and that custom workers poll: EC2 instances, Auto
    Scaling groups, launch templates, ECS services or task definitions whose
    IAM role may call `sqs:ReceiveMessage` on the queue (a role that EC2 or
    ECS tasks may assume counts even without a worker in the run). Queues
    consumed only by Lambda event source mappings are exempt: Lambda long-polls
    whatever the queue says. Grants on `Resource: "*"` are not attributed to
    a queue, and a wait time that cannot be resolved is not judged.

    ## Why it matters
    Every `ReceiveMessage` call is a billed request, including the empty
    ones. A worker loop that short-polls an idle queue pays for, and burns
    CPU on, a stream of empty responses. Long polling (up to 20 s) waits
    for messages to arrive, cutting empty receives and their cost
    (COST06-BP01) and the work done for nothing (SUS03-BP01).

    ## How to fix
    Make long polling the queue's default:

    ```yaml
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        ReceiveMessageWaitTimeSeconds: 20
    ```

    ```json
    {"resource": {"aws_sqs_queue": {"jobs": {"name": "jobs",
      "receive_wait_time_seconds": 20}}}}
    ```

    ## Known limits
    Consumers that pass `WaitTimeSeconds` on each `ReceiveMessage` call
    long-poll regardless of the queue attribute; the linter cannot see
    application code. Suppress with that reason.
    """
    index = None
    for queue in view.resources():
        key = WAIT[queue.type]
        wait = as_int(queue.get(key))
        if wait is UNKNOWN or wait not in (None, 0):
            continue
        if index is None:
            index = receivers(view)
        consumers = custom_consumers(view, queue, index)
        if not consumers:
            continue
        yield queue.finding(key, f"Queue {queue} is polled by {consumers[0]} with short polling "
                                 f"({key} {wait or 0}): empty receives are billed requests")

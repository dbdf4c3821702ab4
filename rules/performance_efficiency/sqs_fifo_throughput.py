from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.messaging import QUEUE_TYPES, lambda_consumers
from wa_lint.rule import rule

KEYS = {"cloudformation": ("FifoQueue", "DeduplicationScope", "FifoThroughputLimit"),
        "terraform": ("fifo_queue", "deduplication_scope", "fifo_throughput_limit")}


@rule(id="PERF105", name="sqs-fifo-throughput", pillar="performance-efficiency",
      severity="note", resource_types=QUEUE_TYPES, bp=("PERF03-BP02", "PERF02-BP02"))
def sqs_fifo_throughput(view):
    """FIFO queue consumed by Lambda is not in high-throughput mode

    ## What it checks
    An SQS FIFO queue (`FifoQueue` / `fifo_queue` true) that a Lambda
    function consumes (an event source mapping or a SAM `SQS` event) must be
    in high-throughput mode: `DeduplicationScope: messageGroup` and
    `FifoThroughputLimit: perMessageGroupId` (`deduplication_scope`,
    `fifo_throughput_limit`). The defaults are `queue` and `perQueue`.
    Settings that cannot be resolved are not judged.

    ## Why it matters
    Without high-throughput mode a FIFO queue serves at most 300 API calls
    per second for each of send, receive and delete (3,000 messages per
    second with batches of ten) for the whole queue; a busy producer or a
    scaled-out Lambda poller hits that ceiling and is throttled. High
    throughput mode applies the limit per message group instead, so the
    queue scales with the number of groups (PERF03-BP02).

    ## How to fix
    Turn on high-throughput mode (ordering is kept within each message group):

    ```yaml
    Orders:
      Type: AWS::SQS::Queue
      Properties:
        FifoQueue: true
        DeduplicationScope: messageGroup
        FifoThroughputLimit: perMessageGroupId
    ```

    ```json
    {"resource": {"aws_sqs_queue": {"orders": {"fifo_queue": true,
      "deduplication_scope": "messageGroup", "fifo_throughput_limit": "perMessageGroupId"}}}}
    ```

    ## Known limits
    The actual message rate is not known from a template, which is why this
    is a note; a low-volume queue is fine as it is.
    """
    for queue in view.resources():
        fifo_key, scope_key, limit_key = KEYS[
            "cloudformation" if queue.is_cloudformation else "terraform"]
        fifo = as_bool(queue.get(fifo_key))
        if fifo is UNKNOWN or fifo is not True:
            continue
        scope, limit = queue.get(scope_key), queue.get(limit_key)
        if scope is UNKNOWN or limit is UNKNOWN:
            continue
        if scope == "messageGroup" and limit == "perMessageGroupId":
            continue
        consumers = lambda_consumers(view, queue)
        if not consumers:
            continue
        yield queue.finding(limit_key, f"FIFO queue {queue} consumed by {consumers[0]} is not in "
                                       "high-throughput mode: it is limited to 300 API calls "
                                       "per second for the whole queue")

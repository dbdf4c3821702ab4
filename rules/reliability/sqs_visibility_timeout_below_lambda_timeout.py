from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.messaging import (
    ESM_TYPES,
    FUNCTION_TYPES,
    QUEUE_TYPES,
    event_source_mappings,
    function_timeout,
    visibility_timeout,
)
from wa_lint.rule import rule


@rule(id="REL304", name="sqs-visibility-timeout-below-lambda-timeout", pillar="reliability",
      severity="error", resource_types=(*QUEUE_TYPES, *ESM_TYPES, *FUNCTION_TYPES),
      bp=("REL05-BP05", "REL04-BP04"))
def sqs_visibility_timeout_below_lambda_timeout(view):
    """SQS queue hides a message for less time than its Lambda consumer may take to process it

    ## What it checks
    For each SQS queue consumed by a Lambda function (an event source mapping
    or a SAM `SQS` event), the queue's `VisibilityTimeout` (default 30 s)
    against the function's `Timeout` (default 3 s; SAM `Globals` included):
    below the function timeout is an error, because Lambda refuses to create
    the mapping; below six times the function timeout plus the batching
    window (`MaximumBatchingWindowInSeconds`) is a warning, the AWS
    recommendation.

    ## Why it matters
    While a function still works on a batch, the message becomes visible again
    once the visibility timeout runs out: another invocation processes it a
    second time, and retries after throttling count against
    `maxReceiveCount` and push good messages to the dead-letter queue. Sizing
    the visibility timeout above what processing can take keeps each message
    with one consumer (REL05-BP05, REL04-BP04).

    ## How to fix
    Set the queue's visibility timeout to at least six times the function
    timeout:

    ```yaml
    Jobs:
      Type: AWS::SQS::Queue
      Properties:
        VisibilityTimeout: 180   # Worker Timeout is 30
    ```

    ```json
    {"resource": {"aws_sqs_queue": {"jobs": {"visibility_timeout_seconds": 180}}}}
    ```

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html
    """
    seen = set()
    for mapping in event_source_mappings(view):
        queue, function = mapping.source, mapping.function
        if mapping.kind != "sqs" or queue is None or function is None or \
                (queue.id, function.id) in seen:
            continue
        seen.add((queue.id, function.id))
        visibility = visibility_timeout(queue)
        timeout = function_timeout(function)
        window = as_int(mapping.get("MaximumBatchingWindowInSeconds",
                                    "maximum_batching_window_in_seconds"))
        if visibility is UNKNOWN or timeout is UNKNOWN or window is UNKNOWN:
            continue
        key = "VisibilityTimeout" if queue.is_cloudformation else "visibility_timeout_seconds"
        if visibility < timeout:
            yield queue.finding(key, f"Queue {queue} has a visibility timeout of {visibility} s, "
                                     f"below the {timeout} s timeout of its consumer {function}: "
                                     "Lambda rejects the event source mapping")
        elif visibility < 6 * timeout + (window or 0):
            yield queue.finding(key, f"Queue {queue} has a visibility timeout of {visibility} s, "
                                     f"less than six times the {timeout} s timeout of its "
                                     f"consumer {function}"
                                     + (f" plus the {window} s batching window" if window else "")
                                     + ": messages in flight can be delivered twice",
                                severity="warning")

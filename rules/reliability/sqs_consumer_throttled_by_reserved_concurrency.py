from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.messaging import ESM_TYPES, FUNCTION_TYPES, event_source_mappings
from wa_lint.rule import rule


@rule(id="REL313", name="sqs-consumer-throttled-by-reserved-concurrency", pillar="reliability",
      severity="warning", resource_types=(*FUNCTION_TYPES, *ESM_TYPES),
      bp=("REL05-BP02", "REL05-BP04"))
def sqs_consumer_throttled_by_reserved_concurrency(view):
    """SQS-triggered Lambda function is throttled by a reserved concurrency that is too small

    ## What it checks
    A Lambda function consuming an SQS queue (event source mapping or SAM
    `SQS` event) whose `ReservedConcurrentExecutions` /
    `reserved_concurrent_executions` is below 5 (AWS's stated minimum for SQS
    consumers; 0 stops the function entirely, -1 in Terraform means
    unreserved), or below the mapping's `ScalingConfig.MaximumConcurrency`.

    ## Why it matters
    The SQS poller scales up to 5 concurrent batches at once and more as the
    queue grows. When the function's reserved concurrency is lower, the
    invocations are throttled, the messages go back to the queue and their
    receive count grows: healthy messages reach `maxReceiveCount` and land in
    the dead-letter queue, or expire, without ever being processed
    (REL05-BP02, REL05-BP04).

    ## How to fix
    Reserve at least 5, and limit the consumer with the mapping's maximum
    concurrency instead, kept at or below the reservation:

    ```yaml
    JobsMapping:
      Type: AWS::Lambda::EventSourceMapping
      Properties:
        EventSourceArn: !GetAtt Jobs.Arn
        FunctionName: !Ref Worker
        ScalingConfig: {MaximumConcurrency: 5}
    ```

    ```json
    {"resource": {"aws_lambda_event_source_mapping": {"jobs": {
      "scaling_config": {"maximum_concurrency": 5}}},
      "aws_lambda_function": {"worker": {"reserved_concurrent_executions": 10}}}}
    ```

    ## References
    - https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-scaling.html
    """
    seen = set()
    for mapping in event_source_mappings(view):
        function = mapping.function
        if mapping.kind != "sqs" or function is None or (mapping.holder.id, function.id) in seen:
            continue
        seen.add((mapping.holder.id, function.id))
        key = "ReservedConcurrentExecutions" if function.is_cloudformation else \
            "reserved_concurrent_executions"
        reserved = as_int(function.get(key))
        if reserved is UNKNOWN or reserved is None or reserved < 0:
            continue
        queue = f" {mapping.source}" if mapping.source is not None else ""
        if reserved == 0:
            yield function.finding(key, f"Function {function} consumes queue{queue} but has a "
                                        "reserved concurrency of 0: it never runs and every "
                                        "message is throttled back to the queue",
                                   severity="error")
            continue
        if reserved < 5:
            yield function.finding(key, f"Function {function} consumes queue{queue} with a "
                                        f"reserved concurrency of {reserved}, below 5: throttled "
                                        "receives push healthy messages to the dead-letter queue")
            continue
        maximum = as_int(mapping.get("ScalingConfig/MaximumConcurrency",
                                     "scaling_config/maximum_concurrency"))
        if isinstance(maximum, int) and maximum > reserved:
            yield function.finding(key, f"Function {function} has a reserved concurrency of "
                                        f"{reserved}, below the maximum concurrency {maximum} of "
                                        f"its mapping from queue{queue}: the poller is throttled")

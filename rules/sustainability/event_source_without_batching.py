from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.messaging import STREAM_OR_QUEUE_SAM_EVENTS, sam_events
from wa_lint.rule import rule

# type -> (batch size, batching window)
MAPPINGS = {"AWS::Lambda::EventSourceMapping": ("BatchSize", "MaximumBatchingWindowInSeconds"),
            "aws_lambda_event_source_mapping": ("batch_size",
                                                "maximum_batching_window_in_seconds")}
SAM_FUNCTIONS = ("AWS::Serverless::Function",)


@rule(id="SUS106", name="event-source-without-batching", pillar="sustainability",
      severity="note", resource_types=(*MAPPINGS, *SAM_FUNCTIONS),
      bp="SUS03-BP01")
def event_source_without_batching(view):
    """Lambda reads its queue or stream one record per invocation

    ## What it checks
    A Lambda event source mapping (`AWS::Lambda::EventSourceMapping`,
    `aws_lambda_event_source_mapping`, or a SAM `SQS`, `Kinesis`, `DynamoDB`,
    `MSK`, `MQ`, `SelfManagedKafka` or `DocumentDB` event) with an explicit
    `BatchSize` of 1 and no batching window (`MaximumBatchingWindowInSeconds`
    absent or 0). The defaults (10 for SQS, 100 for streams) batch, so a
    mapping that does not write `BatchSize` passes.

    ## Why it matters
    With a batch of one, every record costs a full Lambda invocation: its
    start-up, its per-request charge, its connections to downstream
    services. Batching amortises that work over many records, which lowers
    cost and the compute (and energy) spent per record (SUS03-BP01).
    Partial batch responses (`ReportBatchItemFailures`) keep
    per-record error handling.

    ## How to fix
    Raise the batch size, optionally with a short batching window, and report
    failures per item:

    ```yaml
    OrdersConsumer:
      Type: AWS::Lambda::EventSourceMapping
      Properties:
        EventSourceArn: !GetAtt Orders.Arn
        FunctionName: !Ref Processor
        BatchSize: 10
        MaximumBatchingWindowInSeconds: 5
        FunctionResponseTypes: [ReportBatchItemFailures]
    ```

    ```json
    {"resource": {"aws_lambda_event_source_mapping": {"orders": {
      "event_source_arn": "${aws_sqs_queue.orders.arn}",
      "function_name": "${aws_lambda_function.processor.arn}",
      "batch_size": 10, "maximum_batching_window_in_seconds": 5,
      "function_response_types": ["ReportBatchItemFailures"]}}}}
    ```

    ## Known limits
    A batch of one is sometimes chosen on purpose (very slow per-record
    work close to the function timeout); the note then needs a suppression
    with that reason.
    """
    for mapping in view.resources(*MAPPINGS):
        size_key, window_key = MAPPINGS[mapping.type]
        if _unbatched(mapping.get(size_key), mapping.get(window_key)):
            yield mapping.finding(size_key, f"Event source mapping {mapping} invokes its "
                                            "function once per record (BatchSize 1, no "
                                            "batching window)")
    for function in view.resources(*SAM_FUNCTIONS):
        for path, event in sam_events(function, *STREAM_OR_QUEUE_SAM_EVENTS):
            properties = event.get("Properties")
            if not isinstance(properties, dict):
                continue
            if _unbatched(properties.get("BatchSize"),
                          properties.get("MaximumBatchingWindowInSeconds")):
                yield function.finding((*path, "Properties", "BatchSize"),
                                       f"{event.get('Type')} event {path[-1]} of {function} "
                                       "invokes it once per record (BatchSize 1, no batching "
                                       "window)")


def _unbatched(size, window):
    size, window = as_int(size), as_int(window)
    if size is UNKNOWN or window is UNKNOWN:
        return False
    return size == 1 and window in (None, 0)

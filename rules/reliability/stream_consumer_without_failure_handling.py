from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.messaging import ESM_TYPES, event_source_mappings
from wa_lint.rule import rule


@rule(id="REL305", name="stream-consumer-without-failure-handling", pillar="reliability",
      severity="warning", resource_types=(*ESM_TYPES, "AWS::Serverless::Function"),
      bp=("REL05-BP03", "REL05-BP04"))
def stream_consumer_without_failure_handling(view):
    """Kinesis or DynamoDB stream consumer retries a failing record until it expires

    ## What it checks
    Lambda event source mappings that read a Kinesis stream or a DynamoDB
    stream (`AWS::Lambda::EventSourceMapping`, SAM `Kinesis`/`DynamoDB`
    events, `aws_lambda_event_source_mapping`) with none of: an on-failure
    destination (`DestinationConfig.OnFailure.Destination`), a finite
    `MaximumRetryAttempts`, a finite `MaximumRecordAgeInSeconds`. Both
    default to -1, infinite. `BisectBatchOnFunctionError` alone does not
    count: it isolates the failing record but still retries it forever.

    ## Why it matters
    Lambda processes each shard in order. With the defaults, a record the
    function cannot process is retried until it expires from the stream (24
    hours by default), and the shard makes no progress meanwhile: the
    iterator age grows, later records wait and may expire unprocessed.
    Bounding retries and sending what fails to a destination turns one poison
    record into one alarmable message (REL05-BP03, REL05-BP04).

    ## How to fix
    Bound the retries, split failing batches, and keep what fails:

    ```yaml
    OrdersStreamMapping:
      Type: AWS::Lambda::EventSourceMapping
      Properties:
        EventSourceArn: !GetAtt Orders.Arn
        FunctionName: !Ref Indexer
        StartingPosition: LATEST
        MaximumRetryAttempts: 3
        BisectBatchOnFunctionError: true
        DestinationConfig:
          OnFailure: {Destination: !GetAtt IndexerFailures.Arn}
    ```

    ```json
    {"resource": {"aws_lambda_event_source_mapping": {"orders": {
      "maximum_retry_attempts": 3, "bisect_batch_on_function_error": true,
      "destination_config": {"on_failure": {"destination_arn": "${aws_sqs_queue.failures.arn}"}}}}}}
    ```
    """
    for mapping in event_source_mappings(view):
        if mapping.kind not in ("kinesis", "dynamodb"):
            continue
        destination = mapping.get("DestinationConfig/OnFailure/Destination",
                                  "destination_config/on_failure/destination_arn")
        retries = as_int(mapping.get("MaximumRetryAttempts", "maximum_retry_attempts"))
        age = as_int(mapping.get("MaximumRecordAgeInSeconds", "maximum_record_age_in_seconds"))
        if UNKNOWN in (destination, retries, age):
            continue
        if destination is not None or retries not in (None, -1) or age not in (None, -1):
            continue
        stream = mapping.source or mapping.source_arn
        what = "Kinesis stream" if mapping.kind == "kinesis" else "DynamoDB stream"
        where = mapping.path or None
        holder = mapping.holder
        name = f"{holder}" if not mapping.path else f"event {mapping.path[1]} of {holder}"
        source = f" {stream}" if mapping.source is not None else ""
        yield holder.finding(where, f"Event source mapping {name} reads {what}{source} with "
                                    "unlimited retries and no on-failure destination: one "
                                    "failing record blocks its shard until it expires")

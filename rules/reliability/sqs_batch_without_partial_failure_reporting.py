from wa_lint.query import UNKNOWN, as_int, flatten
from wa_lint.query.messaging import ESM_TYPES, event_source_mappings
from wa_lint.rule import rule


@rule(id="REL314", name="sqs-batch-without-partial-failure-reporting", pillar="reliability",
      severity="note", resource_types=(*ESM_TYPES, "AWS::Serverless::Function"),
      bp=("REL05-BP03", "REL04-BP04"))
def sqs_batch_without_partial_failure_reporting(view):
    """SQS batch to Lambda is retried whole when one message fails

    ## What it checks
    Lambda event source mappings from SQS (`AWS::Lambda::EventSourceMapping`,
    SAM `SQS` events, `aws_lambda_event_source_mapping`) with a `BatchSize`
    above 1 (the default is 10) and without `ReportBatchItemFailures` in
    `FunctionResponseTypes`.

    ## Why it matters
    Without partial batch responses, one failing message makes the whole
    batch visible again: the messages that succeeded are processed again
    (so the consumer must be idempotent), and they count receives towards
    `maxReceiveCount` alongside the poison message, so good messages can end
    in the dead-letter queue (REL05-BP03, REL04-BP04).

    ## How to fix
    Report failed items from the function and enable it on the mapping:

    ```yaml
    JobsMapping:
      Type: AWS::Lambda::EventSourceMapping
      Properties:
        EventSourceArn: !GetAtt Jobs.Arn
        FunctionName: !Ref Worker
        FunctionResponseTypes: [ReportBatchItemFailures]
    ```

    ```json
    {"resource": {"aws_lambda_event_source_mapping": {"jobs": {
      "function_response_types": ["ReportBatchItemFailures"]}}}}
    ```

    ## Known limits
    Whether the function code returns `batchItemFailures` is not checked.
    """
    for mapping in event_source_mappings(view):
        if mapping.kind != "sqs":
            continue
        size = as_int(mapping.get("BatchSize", "batch_size"))
        types = mapping.get("FunctionResponseTypes", "function_response_types")
        if size is UNKNOWN or types is UNKNOWN or (size is not None and size <= 1):
            continue
        if "ReportBatchItemFailures" in flatten(types):
            continue
        holder = mapping.holder
        name = f"{holder}" if not mapping.path else f"event {mapping.path[1]} of {holder}"
        source = f" from queue {mapping.source}" if mapping.source is not None else ""
        yield holder.finding(mapping.path or None,
                             f"Event source mapping {name}{source} delivers batches of "
                             f"{size or 10} without ReportBatchItemFailures: one failing "
                             "message makes the whole batch retry")

from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

STREAMS = ("AWS::KinesisFirehose::DeliveryStream", "aws_kinesis_firehose_delivery_stream")
CFN_DESTINATIONS = ("ExtendedS3DestinationConfiguration", "S3DestinationConfiguration")


@rule(id="SUS107", name="firehose-uncompressed-delivery", pillar="sustainability",
      severity="note", resource_types=STREAMS, bp=("SUS04-BP02", "COST08-BP02"))
def firehose_uncompressed_delivery(view):
    """Firehose delivers uncompressed records to S3

    ## What it checks
    A Firehose delivery stream with an S3 destination
    (`ExtendedS3DestinationConfiguration` or `S3DestinationConfiguration`;
    Terraform `extended_s3_configuration`) whose `CompressionFormat`
    (`compression_format`) is absent or `UNCOMPRESSED`, which is the default
    in both CloudFormation and Terraform. A stream that converts records to
    Parquet or ORC (`DataFormatConversionConfiguration.Enabled`) passes: the
    columnar format is compressed and Firehose then requires
    `UNCOMPRESSED`. Values that cannot be resolved are not judged.

    ## Why it matters
    Log and event records compress several times over with GZIP, Snappy or
    ZIP. Stored uncompressed they take more S3 storage, more bytes read by
    every Athena or EMR query over them and more data moved across the
    network: more cost and more energy for the same information
    (SUS04-BP02, COST08-BP02).

    ## How to fix
    Compress on delivery (or convert to Parquet for analytics):

    ```yaml
    Events:
      Type: AWS::KinesisFirehose::DeliveryStream
      Properties:
        ExtendedS3DestinationConfiguration:
          BucketARN: !GetAtt Lake.Arn
          RoleARN: !GetAtt DeliveryRole.Arn
          CompressionFormat: GZIP
    ```

    ```json
    {"resource": {"aws_kinesis_firehose_delivery_stream": {"events": {
      "destination": "extended_s3",
      "extended_s3_configuration": {"bucket_arn": "${aws_s3_bucket.lake.arn}",
        "role_arn": "${aws_iam_role.delivery.arn}", "compression_format": "GZIP"}}}}}
    ```

    ## Known limits
    Records compressed by the producer or by a processing Lambda before
    delivery look uncompressed to the linter.
    """
    for stream in view.resources():
        if stream.is_cloudformation:
            configurations = [name for name in CFN_DESTINATIONS if stream.has(name)]
            for name in configurations:
                yield from _check(stream, name, "CompressionFormat",
                                  "DataFormatConversionConfiguration/Enabled", True)
        else:
            destination = stream.get("destination")
            if destination not in ("extended_s3", "s3"):
                continue
            name = "extended_s3_configuration" if destination == "extended_s3" else \
                "s3_configuration"
            if stream.has(name):
                yield from _check(stream, name, "compression_format",
                                  "data_format_conversion_configuration/enabled", None)


def _check(stream, name, compression_key, conversion_key, absent_block):
    compression = stream.get(f"{name}/{compression_key}")
    if compression is UNKNOWN or compression not in (None, "UNCOMPRESSED"):
        return
    conversion = as_bool(stream.get(f"{name}/{conversion_key}"))
    block = conversion_key.split("/")[0]
    if conversion is None and not stream.is_cloudformation and stream.has(f"{name}/{block}"):
        conversion = True   # Terraform: the block's enabled defaults to true
    if conversion is UNKNOWN or conversion is True:
        return
    path = f"{name}/{compression_key}" if compression else name
    yield stream.finding(path, f"Firehose stream {stream} delivers uncompressed records to S3")

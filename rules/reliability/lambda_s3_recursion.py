from wa_lint.query.messaging import FUNCTION_TYPES, grants, lambda_notifications, sam_events
from wa_lint.rule import rule

HOLDERS = ("AWS::S3::Bucket", "aws_s3_bucket_notification", "AWS::Serverless::Function")


@rule(id="REL308", name="lambda-s3-recursion", pillar="reliability", severity="warning",
      resource_types=HOLDERS, bp=("REL05-BP02", "COST09-BP02"))
def lambda_s3_recursion(view):
    """Lambda function can write into the bucket whose new objects trigger it

    ## What it checks
    An S3 notification for object-created events (`LambdaConfigurations`,
    `aws_s3_bucket_notification` `lambda_function`, a SAM `S3` event) with
    no prefix or suffix filter, whose function's execution role allows
    `s3:PutObject` on that same bucket (a role, policy or policy-document
    statement that references the bucket, or a SAM `S3CrudPolicy`,
    `S3WritePolicy` or `S3FullAccessPolicy` for it).

    ## Why it matters
    Each object the function writes triggers the function again: a recursive
    loop that multiplies invocations, storage and cost until a concurrency
    limit or Lambda's loop detection stops it, and that throttles every
    other function in the account meanwhile (REL05-BP02, COST09-BP02).

    ## How to fix
    Write results to another bucket, or separate input and output by key and
    filter the notification on the input prefix:

    ```yaml
    NotificationConfiguration:
      LambdaConfigurations:
        - Event: s3:ObjectCreated:*
          Function: !GetAtt Thumbnailer.Arn
          Filter:
            S3Key:
              Rules: [{Name: prefix, Value: incoming/}]
    ```

    ```json
    {"resource": {"aws_s3_bucket_notification": {"uploads": {"lambda_function": [{
      "lambda_function_arn": "${aws_lambda_function.thumbnailer.arn}",
      "events": ["s3:ObjectCreated:*"], "filter_prefix": "incoming/"}]}}}}
    ```

    ## Known limits
    A filter is taken as a separation without checking where the function
    writes; triggers through EventBridge and writes by other means than the
    execution role are not seen.
    """
    for notification in lambda_notifications(view):
        bucket, function = notification.bucket, notification.function
        if bucket is None or function is None or function.type not in FUNCTION_TYPES:
            continue
        if any(value is not None for value in notification.filters.values()):
            continue
        if not _object_created(notification.events):
            continue
        if grants(view, function, "s3:PutObject", bucket):
            yield notification.holder.finding(
                notification.path, f"Bucket {bucket} triggers {function} on every new object, "
                                   "and the function may write objects into it: a recursive "
                                   "invocation loop")
    for function in view.resources("AWS::Serverless::Function"):
        for path, event in sam_events(function, "S3"):
            properties = event.get("Properties")
            if not isinstance(properties, dict) or properties.get("Filter") is not None:
                continue
            if not _object_created(properties.get("Events")):
                continue
            for bucket in view.referenced(function, (*path, "Properties", "Bucket"),
                                          ("AWS::S3::Bucket",)):
                if grants(view, function, "s3:PutObject", bucket):
                    yield function.finding(path, f"Bucket {bucket} triggers {function} on every "
                                                 "new object, and the function may write "
                                                 "objects into it: a recursive invocation loop")


def _object_created(events) -> bool:
    events = events if isinstance(events, list) else [events]
    return any(isinstance(event, str) and event.startswith("s3:ObjectCreated") for event in events)

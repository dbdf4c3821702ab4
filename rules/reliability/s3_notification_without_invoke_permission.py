from wa_lint.query import UNKNOWN
from wa_lint.query.messaging import invoke_permissions, lambda_notifications
from wa_lint.rule import rule


@rule(id="REL307", name="s3-notification-without-invoke-permission", pillar="reliability",
      severity="error", resource_types=("AWS::S3::Bucket", "aws_s3_bucket_notification"),
      bp="REL05-BP04")
def s3_notification_without_invoke_permission(view):
    """S3 event notification targets a Lambda function that S3 is not allowed to invoke

    ## What it checks
    Each S3 notification to Lambda (`NotificationConfiguration.
    LambdaConfigurations[].Function`, `aws_s3_bucket_notification`
    `lambda_function`) whose function is in the run needs an
    `AWS::Lambda::Permission` / `aws_lambda_permission` for the principal
    `s3.amazonaws.com` on that function (or alias). SAM `S3` events create
    the permission themselves and are not checked.

    ## Why it matters
    S3 validates the destination when the notification is saved: without the
    permission the deployment fails ("Unable to validate the following
    destination configurations"), and a permission removed later makes S3
    drop the events. The trigger that the design relies on never fires
    (REL05-BP04).

    ## How to fix
    Grant S3 the right to invoke the function, scoped to the bucket, and make
    the bucket depend on it:

    ```yaml
    ThumbnailerInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !GetAtt Thumbnailer.Arn
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com
        SourceAccount: !Ref AWS::AccountId
        SourceArn: !Sub arn:${AWS::Partition}:s3:::uploads-${AWS::AccountId}
    ```

    ```json
    {"resource": {"aws_lambda_permission": {"s3": {
      "function_name": "${aws_lambda_function.thumbnailer.function_name}",
      "action": "lambda:InvokeFunction", "principal": "s3.amazonaws.com",
      "source_arn": "${aws_s3_bucket.uploads.arn}"}}}}
    ```
    """
    for notification in lambda_notifications(view):
        function = notification.function
        if function is None:
            continue
        permissions = invoke_permissions(view, function, "s3.amazonaws.com")
        if permissions is UNKNOWN or permissions:
            continue
        holder = notification.holder
        source = f"Bucket {notification.bucket}" if notification.bucket is not None else \
            f"{holder}"
        yield holder.finding(notification.path, f"{source} sends S3 events to {function}, but no "
                                                "Lambda permission lets s3.amazonaws.com invoke "
                                                "it")

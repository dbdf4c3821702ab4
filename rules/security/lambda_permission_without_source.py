from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

# type -> (principal, source ARN, source account, organization)
PERMISSIONS = {"AWS::Lambda::Permission": ("Principal", "SourceArn", "SourceAccount",
                                           "PrincipalOrgID"),
               "aws_lambda_permission": ("principal", "source_arn", "source_account",
                                         "principal_org_id")}
S3 = "s3.amazonaws.com"
# services that can invoke a function for a resource in another account
CROSS_ACCOUNT_SERVICES = {"s3.amazonaws.com", "sns.amazonaws.com", "events.amazonaws.com",
                          "apigateway.amazonaws.com", "config.amazonaws.com",
                          "logs.amazonaws.com", "iot.amazonaws.com"}


@rule(id="SEC213", name="lambda-permission-without-source", pillar="security",
      severity="warning", resource_types=PERMISSIONS, bp=("SEC03-BP07",))
def lambda_permission_without_source(view):
    """Function lets an AWS service invoke it on behalf of any account

    ## What it checks
    Lambda permissions (`AWS::Lambda::Permission`, `aws_lambda_permission`)
    for an AWS service that can invoke functions for resources of other
    accounts (S3, SNS, EventBridge, API Gateway, Config, CloudWatch Logs,
    IoT):

    - with neither a source ARN nor a source account (nor an organization):
      a warning, since the service may invoke the function for a resource
      of any AWS account;
    - for S3 with a source ARN but no source account: a note, since bucket
      ARNs carry no account and a deleted bucket's name can be taken by
      another account.

    Permissions for `*` are reported by `iam-overbroad-permissions`;
    permissions for accounts and for other services are not judged here. Values that
    cannot be resolved are not judged.

    ## Why it matters
    A function policy that trusts a service without saying for which
    resource turns the service into a confused deputy: anyone who can point
    that service at your function's ARN (a topic subscription, a rule target,
    a bucket notification in their own account) can invoke it with data they
    choose (SEC03-BP07).

    ## How to fix
    Name the resource, and for S3 the account, that may invoke the function:

    ```yaml
    AllowUploads:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !Ref Thumbnailer
        Action: lambda:InvokeFunction
        Principal: s3.amazonaws.com
        SourceArn: !GetAtt Uploads.Arn
        SourceAccount: !Ref AWS::AccountId
    ```

    ```json
    {"resource": {"aws_lambda_permission": {"events": {
      "function_name": "${aws_lambda_function.worker.function_name}",
      "action": "lambda:InvokeFunction", "principal": "sns.amazonaws.com",
      "source_arn": "${aws_sns_topic.events.arn}"}}}}
    ```
    """
    for permission in view.resources():
        principal_key, arn_key, account_key, org_key = PERMISSIONS[permission.type]
        principal = permission.get(principal_key)
        if not isinstance(principal, str) or principal.lower() not in CROSS_ACCOUNT_SERVICES:
            continue
        values = [permission.get(key) for key in (arn_key, account_key, org_key)]
        if UNKNOWN in values:
            continue
        source_arn, source_account, organization = values
        if source_arn is None and source_account is None and organization is None:
            yield permission.finding(principal_key, f"Lambda permission {permission} lets "
                                                    f"{principal} invoke the function for a "
                                                    "resource of any account (no source ARN or "
                                                    "source account)")
        elif principal == S3 and source_account is None and organization is None:
            yield permission.finding(account_key, f"Lambda permission {permission} lets S3 "
                                                  "invoke the function for a bucket name, not "
                                                  "an account: without a source account, "
                                                  "another account can take the name over",
                                     severity="note")

from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

AUTH = {"AWS::Lambda::Url": "AuthType", "aws_lambda_function_url": "authorization_type",
        "AWS::Serverless::Function": "FunctionUrlConfig/AuthType"}
TARGET = {"AWS::Lambda::Url": "TargetFunctionArn", "aws_lambda_function_url": "function_name"}


@rule(id="SEC311", name="lambda-function-url-public", pillar="security", severity="warning",
      resource_types=AUTH, bp=("SEC03-BP07", "SEC03-BP02"))
def lambda_function_url_public(view):
    """Lambda function URL accepts requests from anyone

    ## What it checks
    Function URLs (`AWS::Lambda::Url`, `aws_lambda_function_url`, SAM
    `FunctionUrlConfig`) whose auth type is `NONE`: the function can be
    invoked over HTTPS by anyone on the internet who learns the URL, with no
    IAM signature. `AWS_IAM` passes. An auth type that cannot be resolved is
    not judged.

    ## Why it matters
    A public URL skips every control an API would have: no authorizer, no
    throttling per client, no WAF. Anyone can run the function as often as
    they like, read what it returns and pay for it with your concurrency and
    bill. Access to public endpoints should be a reviewed decision with
    authentication in the function (SEC03-BP07, SEC03-BP02).

    ## How to fix
    Use `AWS_IAM` and sign requests (or put the function behind API Gateway
    or CloudFront with origin access control). If the URL must be public,
    authenticate the caller in the function (a webhook signature, say) and
    suppress this finding with the reason:

    ```yaml
    FunctionUrl:
      Type: AWS::Lambda::Url
      Properties:
        TargetFunctionArn: !GetAtt Function.Arn
        AuthType: AWS_IAM
    ```

    ```json
    {"resource": {"aws_lambda_function_url": {"api": {
      "function_name": "${aws_lambda_function.api.function_name}",
      "authorization_type": "AWS_IAM"}}}}
    ```

    ## Known limits
    For CloudFormation and Terraform the URL also needs a resource-based
    permission for principal `*` (SAM adds it); the rule reports the auth
    type whether or not that permission is in the run.
    """
    for resource in view.resources():
        key = AUTH[resource.type]
        value = resource.get(key)
        if value is UNKNOWN or not isinstance(value, str) or value.upper() != "NONE":
            continue
        if resource.type == "AWS::Serverless::Function":
            yield resource.finding(key, f"Function URL of {resource} accepts unauthenticated "
                                        "requests (AuthType NONE)")
            continue
        functions = view.referenced(resource, TARGET[resource.type])
        target = f" of {functions[0]}" if functions else ""
        yield resource.finding(key, f"Function URL {resource}{target} accepts unauthenticated "
                                    f"requests ({key} NONE)")

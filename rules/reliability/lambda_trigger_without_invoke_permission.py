from wa_lint.query import UNKNOWN
from wa_lint.query.messaging import FUNCTION_TYPES, invoke_permissions, subscription_protocol
from wa_lint.rule import rule

TARGETS = (*FUNCTION_TYPES, "AWS::Lambda::Alias", "aws_lambda_alias")
HOLDERS = ("AWS::SNS::Subscription", "AWS::SNS::Topic", "aws_sns_topic_subscription",
           "AWS::Events::Rule", "aws_cloudwatch_event_target")
SNS, EVENTS = "sns.amazonaws.com", "events.amazonaws.com"


@rule(id="REL312", name="lambda-trigger-without-invoke-permission", pillar="reliability",
      severity="error", resource_types=HOLDERS, bp="REL05-BP04")
def lambda_trigger_without_invoke_permission(view):
    """SNS topic or EventBridge rule targets a Lambda function it is not allowed to invoke

    ## What it checks
    SNS subscriptions with protocol `lambda` (`AWS::SNS::Subscription`,
    inline `AWS::SNS::Topic` subscriptions, `aws_sns_topic_subscription`)
    and EventBridge rule targets (`AWS::Events::Rule` `Targets`,
    `aws_cloudwatch_event_target`) whose function or alias is in the run need
    an `AWS::Lambda::Permission` / `aws_lambda_permission` for
    `sns.amazonaws.com` or `events.amazonaws.com` on it. SAM `SNS` and
    `EventBridgeRule` events create the permission themselves and are not
    checked.

    ## Why it matters
    The subscription or rule deploys without complaint, but every delivery
    is refused by Lambda: SNS and EventBridge retry, then drop the message
    or event (or send it to a dead-letter queue, if any). The integration
    looks wired and never runs (REL05-BP04).

    ## How to fix
    Grant the service the right to invoke the function, scoped to the topic
    or rule:

    ```yaml
    ProcessorInvoke:
      Type: AWS::Lambda::Permission
      Properties:
        FunctionName: !GetAtt Processor.Arn
        Action: lambda:InvokeFunction
        Principal: events.amazonaws.com
        SourceArn: !GetAtt Nightly.Arn
    ```

    ```json
    {"resource": {"aws_lambda_permission": {"events": {
      "function_name": "${aws_lambda_function.processor.function_name}",
      "action": "lambda:InvokeFunction", "principal": "events.amazonaws.com",
      "source_arn": "${aws_cloudwatch_event_rule.nightly.arn}"}}}}
    ```

    ## Known limits
    Permissions granted in another stack or configuration are not seen.
    """
    for holder in view.resources(*HOLDERS):
        for path, key, principal, what in _triggers(holder):
            for function in view.referenced(holder, (*path, key), TARGETS):
                permissions = invoke_permissions(view, function, principal)
                if permissions is UNKNOWN or permissions:
                    continue
                yield holder.finding(path or key, f"{what} {holder} targets {function}, but no "
                                                  f"Lambda permission lets {principal} invoke "
                                                  "it: every delivery is refused")


def _triggers(holder):
    """(path, key, principal, description) of each Lambda target a resource declares."""
    if holder.type in ("AWS::SNS::Subscription", "aws_sns_topic_subscription"):
        if subscription_protocol(holder) == "lambda":
            key = "Endpoint" if holder.is_cloudformation else "endpoint"
            yield (), key, SNS, "SNS subscription"
    elif holder.type == "AWS::SNS::Topic":
        for path, entry in holder.blocks("Subscription"):
            protocol = entry.get("Protocol")
            if isinstance(protocol, str) and protocol.lower() == "lambda":
                yield path, "Endpoint", SNS, "Subscription of SNS topic"
    elif holder.type == "AWS::Events::Rule":
        for path, _ in holder.blocks("Targets"):
            yield path, "Arn", EVENTS, "EventBridge rule"
    else:
        yield (), "arn", EVENTS, "EventBridge target"

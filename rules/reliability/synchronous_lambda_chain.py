from wa_lint.query.messaging import FUNCTION_TYPES, grants, identity_holders
from wa_lint.rule import rule


@rule(id="REL311", name="synchronous-lambda-chain", pillar="reliability", severity="note",
      resource_types=FUNCTION_TYPES, bp=("REL04-BP02", "REL04-BP03"))
def synchronous_lambda_chain(view):
    """Lambda function calls another function directly, coupling their failures

    ## What it checks
    A Lambda function whose execution role (or SAM `LambdaInvokePolicy`)
    allows `lambda:InvokeFunction` on another function of the run, in a
    statement that references that function. One hop is a note; a chain of
    two hops or more (the callee itself invokes a third function) is a
    warning.

    ## Why it matters
    A function that invokes another one and waits for it adds the callee's
    latency, throttling and failures to its own, pays for the time it waits,
    and has to implement retries itself; each extra hop multiplies this.
    Queues, topics, EventBridge or Step Functions between the functions
    decouple them, retry for them and keep failed work (REL04-BP02,
    REL04-BP03).

    ## How to fix
    Hand the work over asynchronously (SQS, SNS, EventBridge) or orchestrate
    the steps with Step Functions:

    ```yaml
    Checkout:
      Type: AWS::Serverless::Function
      Properties:
        Policies:
          - SQSSendMessagePolicy: {QueueName: !GetAtt PaymentRequests.QueueName}
        Environment:
          Variables: {PAYMENT_QUEUE_URL: !Ref PaymentRequests}
    ```

    ```json
    {"resource": {"aws_lambda_event_source_mapping": {"payments": {
      "event_source_arn": "${aws_sqs_queue.payment_requests.arn}",
      "function_name": "${aws_lambda_function.payments.arn}"}}}}
    ```

    ## Known limits
    The permission is taken as evidence of a call: an asynchronous
    `InvocationType: Event` call cannot be told apart from a synchronous one.
    """
    functions = list(view.resources())
    calls = {caller.id: [callee for callee in _candidates(view, caller)
                         if grants(view, caller, "lambda:InvokeFunction", callee)]
             for caller in functions}
    for caller in functions:
        callees = calls[caller.id]
        if not callees:
            continue
        for callee in callees:
            onward = [third for third in calls.get(callee.id, ()) if third != caller]
            key = "Role" if caller.is_cloudformation else "role"
            if caller.type == "AWS::Serverless::Function" and not caller.has("Role"):
                key = "Policies"
            if onward:
                yield caller.finding(key, f"Function {caller} may invoke {callee}, which invokes "
                                          f"{onward[0]} in turn: a chain of synchronous calls "
                                          "whose failures and latencies add up",
                                     severity="warning")
            else:
                yield caller.finding(key, f"Function {caller} may invoke function {callee} "
                                          "directly: their failures and latencies are coupled")


def _candidates(view, caller) -> list:
    """Other functions that the caller's identity policies reference at all."""
    found: dict = {}
    for holder in identity_holders(view, caller):
        for callee in view.referenced(holder, None, FUNCTION_TYPES):
            if callee != caller:
                found.setdefault(callee.id, callee)
    return list(found.values())

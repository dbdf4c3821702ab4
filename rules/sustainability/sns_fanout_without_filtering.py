from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.messaging import sam_events, subscription_protocol
from wa_lint.rule import rule

TOPICS = ("AWS::SNS::Topic", "aws_sns_topic")
# subscription type -> (topic reference, filter policy)
SUBSCRIPTIONS = {"AWS::SNS::Subscription": ("TopicArn", "FilterPolicy"),
                 "aws_sns_topic_subscription": ("topic_arn", "filter_policy")}
WORKER_PROTOCOLS = {"lambda", "sqs"}


@rule(id="SUS105", name="sns-fanout-without-filtering", pillar="sustainability",
      severity="note", resource_types=TOPICS, bp="SUS03-BP01",
      options={"min-subscriptions": 2})
def sns_fanout_without_filtering(view):
    """SNS topic fans every message out to every worker: no subscription filters

    ## What it checks
    An SNS topic with at least `min-subscriptions` (default 2) Lambda or SQS
    subscriptions, none of which has a `FilterPolicy` (Terraform
    `filter_policy`). Subscriptions are `AWS::SNS::Subscription`,
    `aws_sns_topic_subscription`, inline `Subscription` entries of the topic
    (which cannot filter) and SAM `SNS` events. A subscription whose
    protocol or filter policy cannot be resolved makes the topic
    unjudged.

    ## Why it matters
    Without filters every subscriber receives, and is invoked or polled for,
    every message, including those it only discards. Each such delivery
    costs a Lambda invocation or a queue receive and delete. Filter policies
    let SNS drop what a subscriber does not need before any compute runs
    (SUS03-BP01).

    ## How to fix
    Give each subscriber a filter policy on message attributes (or the
    body, with `FilterPolicyScope: MessageBody`):

    ```yaml
    PaymentsSubscription:
      Type: AWS::SNS::Subscription
      Properties:
        TopicArn: !Ref Orders
        Protocol: sqs
        Endpoint: !GetAtt Payments.Arn
        FilterPolicy:
          event_type: [order_paid]
    ```

    ```json
    {"resource": {"aws_sns_topic_subscription": {"payments": {
      "topic_arn": "${aws_sns_topic.orders.arn}", "protocol": "sqs",
      "endpoint": "${aws_sqs_queue.payments.arn}",
      "filter_policy": "{\\"event_type\\": [\\"order_paid\\"]}"}}}}
    ```

    ## Known limits
    A true broadcast, where every subscriber needs every message, is a
    valid design: suppress the note with that reason.
    """
    minimum = as_int(view.option("min-subscriptions"))
    for topic in view.resources():
        subscribers = _subscribers(view, topic)
        if subscribers is UNKNOWN or len(subscribers) < minimum:
            continue
        if any(filtered for _, filtered in subscribers):
            continue
        yield topic.finding(None, f"Topic {topic} delivers every message to all its "
                                  f"{len(subscribers)} Lambda and SQS subscribers: none has a "
                                  "filter policy")


def _subscribers(view, topic):
    """(subscription, has a filter policy) per Lambda or SQS subscriber, or UNKNOWN."""
    found = []
    for path, entry in topic.blocks("Subscription") if topic.is_cloudformation else []:
        protocol = entry.get("Protocol")
        if not isinstance(protocol, str):
            return UNKNOWN
        if protocol.lower() in WORKER_PROTOCOLS:
            found.append((path, False))
    for subscription in view.referrers(topic, SUBSCRIPTIONS):
        topic_key, filter_key = SUBSCRIPTIONS[subscription.type]
        if topic not in view.referenced(subscription, topic_key):
            continue
        protocol = subscription_protocol(subscription)
        policy = subscription.get(filter_key)
        if protocol is UNKNOWN or policy is UNKNOWN:
            return UNKNOWN
        if protocol in WORKER_PROTOCOLS:
            found.append((subscription, policy not in (None, "", {})))
    for function in view.referrers(topic, ("AWS::Serverless::Function",), path="Events"):
        for path, event in sam_events(function, "SNS"):
            properties = event.get("Properties")
            if isinstance(properties, dict) and \
                    topic in view.referenced(function, (*path, "Properties", "Topic")):
                found.append((function, properties.get("FilterPolicy") not in (None, {})))
    return found

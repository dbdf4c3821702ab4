from wa_lint.query.messaging import (
    FUNCTION_TYPES,
    QUEUE_TYPES,
    async_invokers,
    has_failure_destination,
    has_redrive_policy,
    is_failure_target,
    lambda_consumers,
    sam_events,
    subscription_protocol,
)
from wa_lint.rule import rule

SUBSCRIPTIONS = ("AWS::SNS::Subscription", "aws_sns_topic_subscription")
TOPICS = ("AWS::SNS::Topic",)
RULE_TARGETS = {"AWS::Events::Rule": "Targets", "aws_cloudwatch_event_target": None}
SCHEDULES = ("AWS::Scheduler::Schedule", "aws_scheduler_schedule")
REDRIVE_PROTOCOLS = {"sqs", "lambda", "http", "https", "firehose"}
SAM_TARGET_EVENTS = ("EventBridgeRule", "CloudWatchEvent", "Schedule", "ScheduleV2")


@rule(id="REL301", name="missing-dead-letter-queue", pillar="reliability", severity="warning",
      resource_types=(*QUEUE_TYPES, *FUNCTION_TYPES, *SUBSCRIPTIONS, *TOPICS, *RULE_TARGETS,
                      *SCHEDULES),
      bp=("REL05-BP04", "REL04-BP02"))
def missing_dead_letter_queue(view):
    """Failed messages and events are silently dropped: no dead-letter queue

    ## What it checks
    Every asynchronous hand-off that can fail needs somewhere to put what
    fails:

    - an SQS queue consumed by Lambda (an event source mapping or a SAM `SQS`
      event) needs a redrive policy to a dead-letter queue;
    - an SNS subscription (`sqs`, `lambda`, `http(s)`, `firehose`) needs a
      `RedrivePolicy`; subscriptions written inline in `AWS::SNS::Topic`
      cannot have one;
    - an EventBridge rule target and an EventBridge Scheduler target need a
      `DeadLetterConfig` (SAM `EventBridgeRule`/`Schedule` events too);
    - a Lambda function invoked asynchronously (by S3 notifications, SNS,
      EventBridge, Scheduler, CloudWatch Logs, IoT, or SAM events of those
      kinds) needs a dead-letter queue or an on-failure destination.

    A queue that is itself a dead-letter queue or failure destination needs
    none. Wiring that cannot be resolved (a parameter, an import) is not
    judged.

    ## Why it matters
    Asynchronous services retry a failing delivery for a while and then give
    up: Lambda discards an event after two retries, SNS and EventBridge after
    their retry policy, SQS keeps redelivering a poison message until it
    expires while it blocks its batch. Without a dead-letter queue the failure
    is invisible and the data is lost; with one, it can be alarmed on,
    inspected and replayed (REL05-BP04, REL04-BP02).

    ## How to fix
    Add a dead-letter queue (and an alarm on its depth):

    ```yaml
    OrdersQueue:
      Type: AWS::SQS::Queue
      Properties:
        RedrivePolicy:
          deadLetterTargetArn: !GetAtt OrdersDeadLetters.Arn
          maxReceiveCount: 5
    OrdersDeadLetters:
      Type: AWS::SQS::Queue
      Properties:
        MessageRetentionPeriod: 1209600
    ```

    ```json
    {"resource": {"aws_sqs_queue": {"orders": {"redrive_policy":
      "${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, maxReceiveCount = 5})}"}}}}
    ```

    For a function invoked asynchronously, set `DeadLetterConfig.TargetArn`
    (SAM: `DeadLetterQueue`) or an `EventInvokeConfig` with an `OnFailure`
    destination.
    """
    for queue in view.resources(*QUEUE_TYPES):
        consumers = lambda_consumers(view, queue)
        if not consumers or is_failure_target(view, queue):
            continue
        if has_redrive_policy(view, queue) is False:
            key = "RedrivePolicy" if queue.is_cloudformation else "redrive_policy"
            yield queue.finding(key, f"Queue {queue} is consumed by {consumers[0]} but has no "
                                     "dead-letter queue: a message that keeps failing is retried "
                                     "until it expires")

    for subscription in view.resources(*SUBSCRIPTIONS):
        protocol = subscription_protocol(subscription)
        if protocol not in REDRIVE_PROTOCOLS:
            continue
        key = "RedrivePolicy" if subscription.is_cloudformation else "redrive_policy"
        if subscription.get(key) is None:
            yield subscription.finding(key, f"SNS subscription {subscription} ({protocol}) has "
                                            "no dead-letter queue for messages it cannot deliver")

    for topic in view.resources(*TOPICS):
        for path, entry in topic.blocks("Subscription"):
            protocol = entry.get("Protocol")
            if isinstance(protocol, str) and protocol.lower() in REDRIVE_PROTOCOLS:
                yield topic.finding(path, f"Inline {protocol.lower()} subscription of topic "
                                          f"{topic} cannot have a dead-letter queue; declare it "
                                          "as an AWS::SNS::Subscription with a RedrivePolicy")

    for holder in view.resources(*RULE_TARGETS):
        if holder.type == "AWS::Events::Rule":
            targets = holder.blocks("Targets")
            key = "DeadLetterConfig"
        else:
            targets = [((), holder.properties)]
            key = "dead_letter_config"
        for path, target in targets:
            if target.get(key) is None:
                yield holder.finding(path or key, f"EventBridge target of {holder} has no "
                                                  "dead-letter queue for events it cannot "
                                                  "deliver")

    for schedule in view.resources(*SCHEDULES):
        key = "Target/DeadLetterConfig" if schedule.is_cloudformation else \
            "target/dead_letter_config"
        if schedule.get(key.split("/")[0]) is not None and schedule.get(key) is None:
            yield schedule.finding(key.split("/")[0], f"Schedule {schedule} has no dead-letter "
                                                      "queue for invocations that fail")

    for function in view.resources(*FUNCTION_TYPES):
        if function.type == "AWS::Serverless::Function":
            for path, event in sam_events(function, *SAM_TARGET_EVENTS):
                if isinstance(event.get("Properties"), dict) and \
                        event["Properties"].get("DeadLetterConfig") is None:
                    yield function.finding(path, f"{event.get('Type')} event {path[-1]} of "
                                                 f"{function} has no dead-letter queue for "
                                                 "events it cannot deliver")
        invokers = async_invokers(view, function)
        if not invokers:
            continue
        if has_failure_destination(view, function) is not False:
            continue
        invoker, how = invokers[0]
        source = how if invoker == function else f"{how} ({invoker})"
        key = _failure_key(function)
        yield function.finding(key, f"Function {function} is invoked asynchronously by {source} "
                                    "but has no dead-letter queue or on-failure destination: "
                                    "events that fail twice are discarded")


def _failure_key(function):
    if function.type == "AWS::Serverless::Function":
        return "DeadLetterQueue"
    return "DeadLetterConfig" if function.is_cloudformation else "dead_letter_config"


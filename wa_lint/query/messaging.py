"""Queues, topics, event buses and asynchronous Lambda invocation: who feeds whom.

Shared walks for the failure-handling rules: which queues Lambda consumes,
which resources invoke a function asynchronously, and whether a queue,
subscription or function has somewhere to put what fails.
"""

from __future__ import annotations

import fnmatch
import json
from collections.abc import Iterator
from dataclasses import dataclass

from ..values import UNKNOWN, ResourceRef
from . import Resource, View, as_bool, as_int, flatten, path_under
from .embedded import embedded_json
from .observability import METRIC_ALARM_TYPES, alarm_dimension_values

QUEUE_TYPES = ("AWS::SQS::Queue", "aws_sqs_queue")
FUNCTION_TYPES = ("AWS::Lambda::Function", "AWS::Serverless::Function", "aws_lambda_function")
# keys under which a reference means "send what fails there"
FAILURE_KEYS = frozenset({"RedrivePolicy", "redrive_policy", "DeadLetterConfig",
                          "dead_letter_config", "DeadLetterQueue", "OnFailure", "on_failure",
                          "deadLetterTargetArn", "DestinationConfig", "destination_config"})
_SUCCESS_KEYS = frozenset({"OnSuccess", "on_success"})
ASYNC_SAM_EVENTS = frozenset({"S3", "SNS", "EventBridgeRule", "CloudWatchEvent", "Schedule",
                              "ScheduleV2", "CloudWatchLogs", "IoTRule", "AlexaSkill", "Cognito"})
STREAM_OR_QUEUE_SAM_EVENTS = frozenset({"SQS", "Kinesis", "DynamoDB", "MSK", "MQ",
                                        "SelfManagedKafka", "DocumentDB"})


def is_failure_target(view: View, resource: Resource, *, successes: bool = True) -> bool:
    """Whether something sends its failures to ``resource`` (it is a DLQ or a destination);
    with ``successes=False`` a reference under an on-success destination does not count."""
    for referrer in view.referrers(resource):
        for path in view.reference_paths(referrer, resource):
            parts = {part for part in path if isinstance(part, str)}
            if parts & FAILURE_KEYS and (successes or not parts & _SUCCESS_KEYS):
                return True
    return False


def sam_events(function: Resource, *types: str) -> Iterator[tuple[tuple, dict]]:
    """(path, event) of a SAM function's ``Events`` of the given types."""
    events = function.get("Events")
    if not isinstance(events, dict):
        return
    for name, event in events.items():
        if isinstance(event, dict) and (not types or event.get("Type") in types):
            yield ("Events", name), event


def lambda_consumers(view: View, queue: Resource) -> list[Resource]:
    """Event source mappings and SAM functions that poll ``queue``."""
    consumers = view.referrers(queue, ("AWS::Lambda::EventSourceMapping",),
                               path="EventSourceArn")
    consumers += view.referrers(queue, ("aws_lambda_event_source_mapping",),
                                path="event_source_arn")
    for function in view.referrers(queue, ("AWS::Serverless::Function",), path="Events"):
        for path, _ in sam_events(function, "SQS", *STREAM_OR_QUEUE_SAM_EVENTS):
            if queue in view.referenced(function, (*path, "Properties")):
                consumers.append(function)
                break
    return consumers


def has_redrive_policy(view: View, queue: Resource) -> object:
    """True/False, or UNKNOWN when the queue's redrive policy cannot be determined."""
    key = "RedrivePolicy" if queue.is_cloudformation else "redrive_policy"
    value = queue.get(key)
    if value is UNKNOWN:
        # jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, ...}): unknown as a
        # string, but its structure says a dead-letter queue is named
        policy = embedded_json(queue, key)
        named = isinstance(policy, dict) and policy.get("deadLetterTargetArn") not in (None, "")
        return True if named else UNKNOWN
    if value not in (None, "", {}):
        return True
    return bool(view.referrers(queue, ("aws_sqs_queue_redrive_policy",), path="queue_url"))


# (invoker type, path prefix to the function reference, description)
ASYNC_INVOKERS = (
    ("AWS::S3::Bucket", "NotificationConfiguration/LambdaConfigurations", "S3 event notifications"),
    ("AWS::SNS::Subscription", "Endpoint", "an SNS subscription"),
    ("AWS::SNS::Topic", "Subscription", "an SNS topic subscription"),
    ("AWS::Events::Rule", "Targets", "an EventBridge rule"),
    ("AWS::Scheduler::Schedule", "Target", "an EventBridge Scheduler schedule"),
    ("AWS::Logs::SubscriptionFilter", "DestinationArn", "a CloudWatch Logs subscription"),
    ("AWS::IoT::TopicRule", "TopicRulePayload/Actions", "an IoT rule"),
    ("aws_s3_bucket_notification", "lambda_function", "S3 event notifications"),
    ("aws_sns_topic_subscription", "endpoint", "an SNS subscription"),
    ("aws_cloudwatch_event_target", "arn", "an EventBridge rule"),
    ("aws_scheduler_schedule", "target", "an EventBridge Scheduler schedule"),
    ("aws_cloudwatch_log_subscription_filter", "destination_arn",
     "a CloudWatch Logs subscription"),
)


def async_invokers(view: View, function: Resource) -> list[tuple[Resource, str]]:
    """What invokes ``function`` asynchronously (events are retried twice, then dropped)."""
    found: list[tuple[Resource, str]] = []
    for invoker_type, path, description in ASYNC_INVOKERS:
        for invoker in view.referrers(function, (invoker_type,), path=path):
            found.append((invoker, description))
    if function.type == "AWS::Serverless::Function":
        for path, event in sam_events(function, *ASYNC_SAM_EVENTS):
            found.append((function, f"its {event.get('Type')} event {path[-1]}"))
    return found


def has_failure_destination(view: View, function: Resource) -> object:
    """Whether failed asynchronous invocations of ``function`` go to a DLQ or destination."""
    if function.type == "aws_lambda_function":
        candidates = [function.get("dead_letter_config/target_arn")]
    else:
        candidates = [function.get("DeadLetterConfig/TargetArn"),
                      function.get("DeadLetterQueue/TargetArn"),
                      function.get("EventInvokeConfig/DestinationConfig/OnFailure/Destination")]
    if any(value is UNKNOWN for value in candidates):
        return UNKNOWN
    if any(value not in (None, "") for value in candidates):
        return True
    for config in view.referrers(function, ("AWS::Lambda::EventInvokeConfig",),
                                 path="FunctionName"):
        destination = config.get("DestinationConfig/OnFailure/Destination")
        if destination is UNKNOWN:
            return UNKNOWN
        if destination:
            return True
    for config in view.referrers(function, ("aws_lambda_function_event_invoke_config",),
                                 path="function_name"):
        destination = config.get("destination_config/on_failure/destination")
        if destination is UNKNOWN:
            return UNKNOWN
        if destination:
            return True
    return False


def subscription_protocol(subscription: Resource) -> object:
    key = "Protocol" if subscription.is_cloudformation else "protocol"
    value = subscription.get(key)
    return value.lower() if isinstance(value, str) else value


# -- event source mappings: who polls what ------------------------------------------------
ESM_TYPES = ("AWS::Lambda::EventSourceMapping", "aws_lambda_event_source_mapping")
SAM_SOURCE_KEYS = {"SQS": "Queue", "Kinesis": "Stream", "DynamoDB": "Stream"}


@dataclass(frozen=True)
class Mapping:
    """One Lambda event source mapping: an ``EventSourceMapping`` or a SAM poller event."""

    holder: Resource             # the mapping resource, or the SAM function
    path: tuple                  # of its settings in ``holder``: () or ("Events", name, "Properties")
    source: Resource | None      # the queue, stream or table in the run
    source_arn: object           # the resolved source value (a string when literal)
    function: Resource | None
    kind: str                    # "sqs", "kinesis", "dynamodb" or "other"

    def get(self, cloudformation: str, terraform: str) -> object:
        """A mapping setting by its CloudFormation/SAM or Terraform name (``A/B`` paths)."""
        if self.holder.is_cloudformation:
            return self.holder.get((*self.path, *cloudformation.split("/")))
        return self.holder.get(terraform)

    def key(self, cloudformation: str, terraform: str) -> tuple:
        if self.holder.is_cloudformation:
            return (*self.path, *cloudformation.split("/"))
        return tuple(terraform.split("/"))


def _source_kind(source: Resource | None, arn: object) -> str:
    if source is not None:
        if source.type in QUEUE_TYPES:
            return "sqs"
        if "Kinesis" in source.type or "kinesis" in source.type:
            return "kinesis"
        if "DynamoDB" in source.type or "dynamodb" in source.type:
            return "dynamodb"
        return "other"
    if isinstance(arn, str):
        for service in ("sqs", "kinesis", "dynamodb"):
            if arn.startswith(f"arn:aws:{service}:") or f":{service}:" in arn:
                return service
    return "other"


def event_source_mappings(view: View) -> Iterator[Mapping]:
    """Every event source mapping in the run, SAM ``SQS``/``Kinesis``/``DynamoDB`` events too."""
    for mapping in view.resources(*ESM_TYPES):
        cfn = mapping.is_cloudformation
        source_key, function_key = ("EventSourceArn", "FunctionName") if cfn else \
            ("event_source_arn", "function_name")
        sources = view.referenced(mapping, source_key)
        source = sources[0] if sources else None
        functions = view.referenced(mapping, function_key, FUNCTION_TYPES)
        arn = mapping.get(source_key)
        yield Mapping(mapping, (), source, arn, functions[0] if functions else None,
                      _source_kind(source, arn))
    for function in view.resources("AWS::Serverless::Function"):
        for path, event in sam_events(function, *SAM_SOURCE_KEYS):
            source_path = (*path, "Properties", SAM_SOURCE_KEYS[event["Type"]])
            sources = view.referenced(function, source_path)
            source = sources[0] if sources else None
            arn = function.get(source_path)
            kind = _source_kind(source, arn)
            if kind == "other":
                kind = event["Type"].lower()
            yield Mapping(function, (*path, "Properties"), source, arn, function, kind)


def function_timeout(function: Resource) -> object:
    """A function's timeout in seconds (default 3), or UNKNOWN."""
    return as_int(function.get("Timeout" if function.is_cloudformation else "timeout", 3))


def visibility_timeout(queue: Resource) -> object:
    """A queue's visibility timeout in seconds (default 30), or UNKNOWN."""
    key = "VisibilityTimeout" if queue.is_cloudformation else "visibility_timeout_seconds"
    return as_int(queue.get(key, 30))


# -- redrive policies ----------------------------------------------------------------------
@dataclass(frozen=True)
class Redrive:
    """A queue's redrive policy: where it is written and what it says."""

    queue: Resource
    holder: Resource             # the queue, or an ``aws_sqs_queue_redrive_policy``
    key: str
    policy: dict
    dead_letter_queue: Resource | None

    def get(self, name: str) -> object:
        return self.policy.get(name)


def redrive_policies(view: View, queue: Resource) -> list[Redrive]:
    """The redrive policies of ``queue`` that can be read (unknown ones are left out)."""
    holders = [(queue, "RedrivePolicy" if queue.is_cloudformation else "redrive_policy")]
    holders += [(holder, "redrive_policy") for holder in
                view.referrers(queue, ("aws_sqs_queue_redrive_policy",), path="queue_url")]
    found = []
    for holder, key in holders:
        policy = embedded_json(holder, key)
        if not isinstance(policy, dict):
            continue
        target = policy.get("deadLetterTargetArn")
        dead_letter_queue = view.resource(target) if isinstance(target, ResourceRef) else \
            queue_by_arn(view, target)
        if dead_letter_queue is not None and dead_letter_queue.type not in QUEUE_TYPES:
            dead_letter_queue = None
        found.append(Redrive(queue, holder, key, policy, dead_letter_queue))
    return found


def is_fifo(queue: Resource) -> object:
    """Whether a queue is FIFO (default False), or UNKNOWN."""
    return as_bool(queue.get("FifoQueue" if queue.is_cloudformation else "fifo_queue", False))


def retention_period(queue: Resource) -> object:
    """A queue's message retention in seconds (default 4 days), or UNKNOWN."""
    key = "MessageRetentionPeriod" if queue.is_cloudformation else "message_retention_seconds"
    return as_int(queue.get(key, 345600))


def queue_by_arn(view: View, arn: object) -> Resource | None:
    """The queue of the run whose literal name ends a literal SQS ARN, if exactly one."""
    if not isinstance(arn, str) or not arn.startswith("arn:") or ":sqs:" not in arn:
        return None
    name = arn.rsplit(":", 1)[-1]
    found = [queue for queue in view.resources(*QUEUE_TYPES)
             if queue.get("QueueName" if queue.is_cloudformation else "name") == name]
    return found[0] if len(found) == 1 else None




def dead_letter_queues(view: View) -> list[Resource]:
    """Queues that receive what fails elsewhere: redrive targets and failure destinations."""
    found: dict = {}
    for queue in view.resources(*QUEUE_TYPES):
        for redrive in redrive_policies(view, queue):
            if redrive.dead_letter_queue is not None and redrive.dead_letter_queue != queue:
                found.setdefault(redrive.dead_letter_queue.id, redrive.dead_letter_queue)
    for queue in view.resources(*QUEUE_TYPES):
        if queue.id not in found and is_failure_target(view, queue, successes=False):
            found[queue.id] = queue
    return list(found.values())




def queue_alarms(view: View, queue: Resource) -> list[Resource]:
    """CloudWatch alarms on a queue: by reference, or by its literal name in a dimension."""
    alarms = view.referrers(queue, METRIC_ALARM_TYPES)
    name = queue.get("QueueName" if queue.is_cloudformation else "name")
    if alarms or not isinstance(name, str):
        return alarms
    for alarm in view.resources(*METRIC_ALARM_TYPES):
        if name in alarm_dimension_values(alarm):
            alarms.append(alarm)
    return alarms


# -- S3 notifications to Lambda -------------------------------------------------------
PERMISSION_TYPES = ("AWS::Lambda::Permission", "aws_lambda_permission")


@dataclass(frozen=True)
class Notification:
    """One S3 → Lambda notification: where it is written, its target and its key filter."""

    holder: Resource             # the bucket (CloudFormation) or aws_s3_bucket_notification
    path: tuple
    bucket: Resource | None
    function: Resource | None    # the function, alias or version in the run
    target: object               # the resolved target value
    events: list
    filters: object              # {"prefix": ..., "suffix": ...} (None values when absent)


def lambda_notifications(view: View) -> Iterator[Notification]:
    for bucket in view.resources("AWS::S3::Bucket"):
        for path, config in bucket.blocks("NotificationConfiguration/LambdaConfigurations"):
            targets = view.referenced(bucket, (*path, "Function"))
            filters: dict = {"prefix": None, "suffix": None}
            for _, key_rule in bucket.blocks((*path, "Filter", "S3Key", "Rules")):
                name = key_rule.get("Name")
                if isinstance(name, str) and name.lower() in filters:
                    filters[name.lower()] = key_rule.get("Value")
            yield Notification(bucket, path, bucket, targets[0] if targets else None,
                               config.get("Function"), flatten(config.get("Event")), filters)
    for holder in view.resources("aws_s3_bucket_notification"):
        buckets = view.referenced(holder, "bucket", ("aws_s3_bucket",))
        for path, config in holder.blocks("lambda_function"):
            targets = view.referenced(holder, (*path, "lambda_function_arn"))
            yield Notification(holder, path, buckets[0] if buckets else None,
                               targets[0] if targets else None,
                               config.get("lambda_function_arn"), flatten(config.get("events")),
                               {"prefix": config.get("filter_prefix"),
                                "suffix": config.get("filter_suffix")})


def invoke_permissions(view: View, function: Resource, principal: str) -> object:
    """Resource-policy permissions letting ``principal`` invoke ``function``: a list, or
    UNKNOWN when some permission for that principal names a function that cannot be resolved."""
    targets = [function]
    if function.type in ("AWS::Lambda::Alias", "AWS::Lambda::Version", "aws_lambda_alias"):
        targets += view.referenced(function, None, FUNCTION_TYPES)
    name = function.get("FunctionName" if function.is_cloudformation else "function_name")
    found: list = []
    unknown = False
    for permission in view.resources(*PERMISSION_TYPES):
        cfn = permission.is_cloudformation
        who = permission.get("Principal" if cfn else "principal")
        if who is not UNKNOWN and who != principal:
            continue
        key = "FunctionName" if cfn else "function_name"
        referenced = view.referenced(permission, key)
        if any(target in referenced for target in targets):
            found.append(permission)
            continue
        value = permission.get(key)
        if isinstance(name, str) and isinstance(value, str) and \
                (value == name or value.endswith(":function:" + name)):
            found.append(permission)
        elif value is UNKNOWN and not referenced:
            unknown = True
    if not found and unknown:
        return UNKNOWN
    return found


# -- queue policies --------------------------------------------------------------------
def queue_policy_documents(view: View, queue: Resource) -> list[object]:
    """The resource-policy documents attached to ``queue`` (dicts, or UNKNOWN if unreadable)."""
    return _resource_policy_documents(view, queue, ("AWS::SQS::QueuePolicy", "Queues"),
                                      ("aws_sqs_queue_policy", "queue_url"))


def _resource_policy_documents(view: View, target: Resource, cloudformation: tuple[str, str],
                               terraform: tuple[str, str]) -> list[object]:
    """Policy documents of the policy resources that name ``target``, and its own ``policy``.

    Each is a dict, the ``aws_iam_policy_document`` data source it comes from, or UNKNOWN.
    """
    documents: list[object] = []
    holders = [(policy, "PolicyDocument") for policy in
               view.referrers(target, (cloudformation[0],), path=cloudformation[1])]
    holders += [(policy, "policy") for policy in
                view.referrers(target, (terraform[0],), path=terraform[1])]
    if not target.is_cloudformation and target.has("policy"):
        holders.append((target, "policy"))
    for holder, key in holders:
        document = embedded_json(holder, key)
        if isinstance(document, dict):
            documents.append(document)
        else:
            referenced = holder.get(key)
            source = view.resource(referenced) if isinstance(referenced, ResourceRef) else None
            documents.append(source if source is not None else UNKNOWN)
    return documents


def allows_service(document: object, service: str, action: str) -> object:
    """Whether a policy document (dict) allows ``service`` to perform ``action``: bool or UNKNOWN.

    A Terraform ``aws_iam_policy_document`` data source (a Resource) is read too.
    """
    if isinstance(document, Resource):
        statements = []
        for _, block in document.blocks("statement"):
            principals = block.get("principals")
            principals = principals if isinstance(principals, list) else [principals]
            principal: dict = {}
            for item in principals:
                if isinstance(item, dict):
                    principal.setdefault(item.get("type"), []).extend(
                        flatten(item.get("identifiers")))
            statements.append({"Effect": block.get("effect", "Allow"),
                               "Action": block.get("actions"), "Principal": principal})
    elif isinstance(document, dict):
        statements = document.get("Statement")
        statements = statements if isinstance(statements, list) else [statements]
    else:
        return UNKNOWN
    unknown = False
    for statement in statements:
        if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
            unknown = unknown or (isinstance(statement, dict) and
                                  statement.get("Effect") is UNKNOWN)
            continue
        actions = flatten(statement.get("Action"))
        principal = statement.get("Principal")
        if principal is UNKNOWN or any(item is UNKNOWN for item in actions):
            unknown = True
            continue
        if not any(_action_matches(item, action) for item in actions if isinstance(item, str)):
            continue
        if principal == "*":
            return True
        if isinstance(principal, dict):
            names = flatten(principal.get("Service")) + flatten(principal.get("AWS")) + \
                flatten(principal.get("*"))
            if any(name is UNKNOWN for name in names):
                unknown = True
            if service in names or "*" in names:
                return True
    return UNKNOWN if unknown else False


def _action_matches(pattern: str, action: str) -> bool:
    return fnmatch.fnmatchcase(action.lower(), pattern.lower())


@dataclass(frozen=True)
class Delivery:
    """One SNS → SQS subscription."""

    holder: Resource             # the subscription, or the topic for an inline one
    path: tuple
    topic: Resource | None
    queue: Resource


def sqs_subscriptions(view: View) -> Iterator[Delivery]:
    for subscription in view.resources("AWS::SNS::Subscription", "aws_sns_topic_subscription"):
        if subscription_protocol(subscription) != "sqs":
            continue
        cfn = subscription.is_cloudformation
        queues = view.referenced(subscription, "Endpoint" if cfn else "endpoint", QUEUE_TYPES)
        topics = view.referenced(subscription, "TopicArn" if cfn else "topic_arn",
                                 ("AWS::SNS::Topic", "aws_sns_topic"))
        if queues:
            yield Delivery(subscription, (), topics[0] if topics else None, queues[0])
    for topic in view.resources("AWS::SNS::Topic"):
        for path, entry in topic.blocks("Subscription"):
            protocol = entry.get("Protocol")
            if not isinstance(protocol, str) or protocol.lower() != "sqs":
                continue
            queues = view.referenced(topic, (*path, "Endpoint"), QUEUE_TYPES)
            if queues:
                yield Delivery(topic, path, topic, queues[0])


# -- API Gateway → Lambda ------------------------------------------------------------------
@dataclass(frozen=True)
class ApiIntegration:
    """One synchronous API Gateway → Lambda integration."""

    holder: Resource             # the method / integration, or the SAM function
    path: tuple                  # where its timeout is (or would be) written
    function: Resource
    limit_ms: object             # the integration timeout in milliseconds, or UNKNOWN
    kind: str                    # "REST", "HTTP" or "WebSocket"


def lambda_api_integrations(view: View) -> Iterator[ApiIntegration]:
    for method in view.resources("AWS::ApiGateway::Method"):
        if method.get("Integration/Type") not in ("AWS", "AWS_PROXY"):
            continue
        for function in view.referenced(method, "Integration/Uri", FUNCTION_TYPES):
            yield ApiIntegration(method, ("Integration", "TimeoutInMillis"), function,
                                 as_int(method.get("Integration/TimeoutInMillis", 29000)), "REST")
    for integration in view.resources("aws_api_gateway_integration"):
        if integration.get("type") not in ("AWS", "AWS_PROXY"):
            continue
        for function in view.referenced(integration, "uri", FUNCTION_TYPES):
            yield ApiIntegration(integration, ("timeout_milliseconds",), function,
                                 as_int(integration.get("timeout_milliseconds", 29000)), "REST")
    for integration in view.resources("AWS::ApiGatewayV2::Integration",
                                      "aws_apigatewayv2_integration"):
        cfn = integration.is_cloudformation
        uri, timeout, api_key, protocol_key = (
            ("IntegrationUri", "TimeoutInMillis", "ApiId", "ProtocolType") if cfn else
            ("integration_uri", "timeout_milliseconds", "api_id", "protocol_type"))
        apis = view.referenced(integration, api_key)
        protocol = apis[0].get(protocol_key) if apis else UNKNOWN
        if protocol is UNKNOWN:
            kind, default = "HTTP or WebSocket", UNKNOWN
        elif protocol == "WEBSOCKET":
            kind, default = "WebSocket", 29000
        else:
            kind, default = "HTTP", 30000
        limit = as_int(integration.get(timeout, default))
        for function in view.referenced(integration, uri, FUNCTION_TYPES):
            yield ApiIntegration(integration, (timeout,), function, limit, kind)
    for function in view.resources("AWS::Serverless::Function"):
        for path, event in sam_events(function, "Api", "HttpApi"):
            kind, default = ("REST", 29000) if event["Type"] == "Api" else ("HTTP", 30000)
            key = (*path, "Properties", "TimeoutInMillis")
            yield ApiIntegration(function, key, function, as_int(function.get(key, default)),
                                 kind)


# -- what a function's execution role allows, on a given resource ---------------------------
ROLE_TYPES = ("AWS::IAM::Role", "aws_iam_role")
# SAM policy templates that grant an action on the resource their parameter names
SAM_TEMPLATES = {
    "s3:PutObject": ("S3CrudPolicy", "S3WritePolicy", "S3FullAccessPolicy"),
    "lambda:InvokeFunction": ("LambdaInvokePolicy",),
}


def identity_holders(view: View, function: Resource) -> list[Resource]:
    """The function (SAM ``Policies``), its role, and the policies attached to the role."""
    holders: dict = {}
    if function.type == "AWS::Serverless::Function":
        holders[function.id] = function
    key = "Role" if function.is_cloudformation else "role"
    for role in view.referenced(function, key, ROLE_TYPES):
        holders[role.id] = role
        related = view.referrers(role, ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"),
                                 path="Roles")
        related += view.referrers(role, ("aws_iam_role_policy",), path="role")
        related += view.referenced(role, "ManagedPolicyArns", ("AWS::IAM::ManagedPolicy",))
        for attachment in view.referrers(role, ("aws_iam_role_policy_attachment",), path="role"):
            related += view.referenced(attachment, "policy_arn", ("aws_iam_policy",))
        for holder in related:
            holders[holder.id] = holder
    for holder in list(holders.values()):
        if not holder.is_cloudformation:
            for source in view.referenced(holder, None, ("aws_iam_policy_document",)):
                holders[source.id] = source
    return list(holders.values())


def _documents(holder: Resource) -> Iterator[tuple[tuple, object]]:
    """(path, document) of the identity policy documents a holder writes."""
    if holder.type == "aws_iam_policy_document":
        statements = [{"Effect": block.get("effect", "Allow"), "Action": block.get("actions")}
                      for _, block in holder.blocks("statement")]
        yield ("statement",), {"Statement": statements}
    elif holder.type in ("AWS::IAM::Role",):
        for path, _ in holder.items("Policies"):
            yield (*path, "PolicyDocument"), holder.get((*path, "PolicyDocument"))
    elif holder.type in ("AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"):
        yield ("PolicyDocument",), holder.get("PolicyDocument")
    elif holder.type == "AWS::Serverless::Function":
        for path, item in holder.items("Policies"):
            if isinstance(item, dict) and "Statement" in item:
                yield path, item
    elif holder.type in ("aws_iam_role_policy", "aws_iam_policy"):
        yield ("policy",), embedded_json(holder, "policy")
    elif holder.type == "aws_iam_role":
        for path, _ in holder.blocks("inline_policy"):
            yield (*path, "policy"), UNKNOWN


def grants(view: View, function: Resource, action: str, target: Resource) -> bool:
    """Whether the function's identity policies allow ``action`` on ``target``, as written.

    A statement counts when it allows the action and references ``target`` in
    its own body (CloudFormation, policy-document data sources) or, for
    Terraform JSON-string policies, anywhere in the same document.
    """
    for holder in identity_holders(view, function):
        paths = view.reference_paths(holder, target)
        if not paths:
            continue
        if holder.type == "AWS::Serverless::Function":
            for path, item in holder.items("Policies"):
                if isinstance(item, dict) and len(item) == 1:
                    name = next(iter(item))
                    if name in SAM_TEMPLATES.get(action, ()) and \
                            any(p[:len(path) + 1] == (*path, name) for p in paths):
                        return True
        for doc_path, document in _documents(holder):
            if isinstance(document, str):
                try:
                    document = json.loads(document)
                except ValueError:
                    continue
            if not isinstance(document, dict):
                continue
            statements = document.get("Statement")
            statements = statements if isinstance(statements, list) else [statements]
            for index, statement in enumerate(statements):
                if not isinstance(statement, dict) or statement.get("Effect") != "Allow":
                    continue
                actions = [item for item in flatten(statement.get("Action"))
                           if isinstance(item, str)]
                if not any(_action_matches(item, action) for item in actions):
                    continue
                if holder.type == "aws_iam_policy_document":
                    scope: tuple = ("statement", index)
                elif holder.is_cloudformation:
                    scope = (*doc_path, "Statement", index) if isinstance(
                        document.get("Statement"), list) else (*doc_path, "Statement")
                else:
                    scope = doc_path
                if any(path_under(path, scope) for path in paths):
                    return True
    return False


def topic_policy_documents(view: View, topic: Resource) -> list[object]:
    """The resource-policy documents attached to an SNS ``topic`` (dicts, or UNKNOWN)."""
    return _resource_policy_documents(view, topic, ("AWS::SNS::TopicPolicy", "Topics"),
                                      ("aws_sns_topic_policy", "arn"))


def s3_destinations(view: View) -> Iterator[tuple[Resource, tuple, Resource]]:
    """(holder, path, queue or topic) of each S3 notification to SQS or SNS in the run."""
    for bucket in view.resources("AWS::S3::Bucket"):
        for section, key in (("QueueConfigurations", "Queue"), ("TopicConfigurations", "Topic")):
            for path, _ in bucket.blocks(f"NotificationConfiguration/{section}"):
                for target in view.referenced(bucket, (*path, key),
                                              (*QUEUE_TYPES, "AWS::SNS::Topic")):
                    yield bucket, path, target
    for holder in view.resources("aws_s3_bucket_notification"):
        for section, key in (("queue", "queue_arn"), ("topic", "topic_arn")):
            for path, _ in holder.blocks(section):
                for target in view.referenced(holder, (*path, key),
                                              (*QUEUE_TYPES, "aws_sns_topic")):
                    yield holder, path, target

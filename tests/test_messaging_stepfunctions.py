"""Embedded JSON documents, ASL walking and the messaging walks."""

from __future__ import annotations

import json
import textwrap

from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, ResourceRef, View
from wa_lint.query.embedded import embedded_json
from wa_lint.query.messaging import (
    allows_service,
    dead_letter_queues,
    event_source_mappings,
    queue_policy_documents,
    redrive_policies,
)
from wa_lint.query.stepfunctions import definition, machine_type, states


def view_of(tmp_path, text, name="t.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text) if name.endswith(".yaml") else text)
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path / name], errors)
    assert not errors, errors
    return View(build_graph(documents))


def resource(view, address):
    return next(r for r in view.all_resources() if r.address == address)


MACHINES = """
    Parameters:
      Wait: {Type: Number}
    Resources:
      Fn: {Type: AWS::Lambda::Function, Properties: {Handler: h, Runtime: python3.12, Role: r,
           Code: {ZipFile: x}}}
      Sub:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          RoleArn: r
          DefinitionString: !Sub |
            {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${Fn.Arn}",
             "TimeoutSeconds": ${Wait}, "Comment": "in ${AWS::Region}", "End": true}}}
      Join:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          StateMachineType: EXPRESS
          RoleArn: r
          DefinitionString: !Join
            - ""
            - - '{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true, '
              - '"Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "'
              - !GetAtt Fn.Arn
              - '", "End": true}}}]}}}'
      Substituted:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          RoleArn: r
          DefinitionSubstitutions: {Target: !Ref Fn}
          Definition:
            StartAt: M
            States:
              M:
                Type: Map
                End: true
                ItemProcessor:
                  StartAt: T
                  States:
                    T: {Type: Task, Resource: "${Target}", End: true}
      Broken:
        Type: AWS::StepFunctions::StateMachine
        Properties: {RoleArn: r, DefinitionString: '{"StartAt": '}
"""


def test_fn_sub_placeholders_are_substituted_before_parsing(tmp_path):
    view = view_of(tmp_path, MACHINES)
    (state,) = states(resource(view, "Sub"))
    assert isinstance(state.resource, ResourceRef) and state.resource.address == "Fn"
    assert state.body["TimeoutSeconds"] is UNKNOWN
    assert state.body["Comment"] == "in ${AWS::Region}"
    assert state.path() == ("DefinitionString",)


def test_fn_join_and_nested_branches(tmp_path):
    view = view_of(tmp_path, MACHINES)
    machine = resource(view, "Join")
    names = [(state.name, state.asl_path) for state in states(machine)]
    assert names == [("P", ("States", "P")),
                     ("T", ("States", "P", "Branches", 0, "States", "T"))]
    assert machine_type(machine) == "EXPRESS"
    assert [parent.name for parent in list(states(machine))[1].parents] == ["P"]


def test_definition_substitutions_and_map_processors(tmp_path):
    view = view_of(tmp_path, MACHINES)
    machine = resource(view, "Substituted")
    inner = next(state for state in states(machine) if state.name == "T")
    assert isinstance(inner.resource, ResourceRef)
    assert inner.path() == ("Definition", "States", "M", "ItemProcessor", "States", "T")
    assert machine_type(machine) == "STANDARD"


def test_unreadable_definition_is_skipped(tmp_path):
    view = view_of(tmp_path, MACHINES)
    assert definition(resource(view, "Broken")) is None
    assert list(states(resource(view, "Broken"))) == []


TERRAFORM = {
    "resource": {
        "aws_lambda_function": {"f": {"function_name": "f", "role": "r", "handler": "h",
                                      "runtime": "python3.12", "filename": "x.zip"}},
        "aws_sqs_queue": {
            "q": {"name": "q", "redrive_policy":
                  "${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn, "
                  "maxReceiveCount = 3})}"},
            "dlq": {"name": "dlq"}},
        "aws_sfn_state_machine": {
            "encoded": {"name": "a", "role_arn": "r", "definition":
                        "${jsonencode({StartAt = \"T\", States = {T = {Type = \"Task\", "
                        "Resource = aws_lambda_function.f.arn, End = true}}})}"},
            "literal": {"name": "b", "role_arn": "r", "type": "EXPRESS", "definition":
                        "{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", "
                        "\"Resource\": \"${aws_lambda_function.f.arn}\", \"End\": true}}}"},
            "file": {"name": "c", "role_arn": "r",
                     "definition": "${templatefile(\"sfn.json\", {})}"},
        },
    }
}


def test_terraform_jsonencode_and_interpolated_strings(tmp_path):
    view = view_of(tmp_path, json.dumps(TERRAFORM), "main.tf.json")
    for address in ("aws_sfn_state_machine.encoded", "aws_sfn_state_machine.literal"):
        (state,) = states(resource(view, address))
        assert isinstance(state.resource, ResourceRef), address
        assert state.resource.address == "aws_lambda_function.f"
    assert machine_type(resource(view, "aws_sfn_state_machine.literal")) == "EXPRESS"
    assert list(states(resource(view, "aws_sfn_state_machine.file"))) == []


def test_terraform_redrive_policy_reaches_its_dead_letter_queue(tmp_path):
    view = view_of(tmp_path, json.dumps(TERRAFORM), "main.tf.json")
    queue = resource(view, "aws_sqs_queue.q")
    (redrive,) = redrive_policies(view, queue)
    assert redrive.get("maxReceiveCount") == 3
    assert redrive.dead_letter_queue == resource(view, "aws_sqs_queue.dlq")
    assert dead_letter_queues(view) == [resource(view, "aws_sqs_queue.dlq")]
    assert embedded_json(queue, "name") is UNKNOWN
    assert embedded_json(queue, "absent") is None


MAPPINGS = """
    Transform: AWS::Serverless-2016-10-31
    Resources:
      Jobs: {Type: AWS::SQS::Queue}
      Clicks: {Type: AWS::Kinesis::Stream, Properties: {ShardCount: 1}}
      Worker:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: app.handler
          CodeUri: src/
          Events:
            Jobs: {Type: SQS, Properties: {Queue: !GetAtt Jobs.Arn, BatchSize: 5}}
      Stream:
        Type: AWS::Lambda::EventSourceMapping
        Properties:
          EventSourceArn: !GetAtt Clicks.Arn
          FunctionName: !Ref Worker
          MaximumRetryAttempts: 2
      Policy:
        Type: AWS::SQS::QueuePolicy
        Properties:
          Queues: [!Ref Jobs]
          PolicyDocument:
            Statement:
              - {Effect: Allow, Principal: {Service: s3.amazonaws.com}, Action: "sqs:*",
                 Resource: "*"}
"""


def test_event_source_mappings_cover_sam_events_and_mappings(tmp_path):
    view = view_of(tmp_path, MAPPINGS)
    found = {(m.holder.address, m.kind): m for m in event_source_mappings(view)}
    assert set(found) == {("Stream", "kinesis"), ("Worker", "sqs")}
    assert found[("Worker", "sqs")].get("BatchSize", "batch_size") == 5
    assert found[("Stream", "kinesis")].get("MaximumRetryAttempts", "x") == 2
    assert found[("Stream", "kinesis")].function.address == "Worker"


def test_queue_policy_principals_and_action_wildcards(tmp_path):
    view = view_of(tmp_path, MAPPINGS)
    (document,) = queue_policy_documents(view, resource(view, "Jobs"))
    assert allows_service(document, "s3.amazonaws.com", "sqs:SendMessage") is True
    assert allows_service(document, "sns.amazonaws.com", "sqs:SendMessage") is False
    assert allows_service(UNKNOWN, "sns.amazonaws.com", "sqs:SendMessage") is UNKNOWN


UNRESOLVED = """
    Transform: AWS::Serverless-2016-10-31
    Parameters:
      P: {Type: String}
      N: {Type: Number}
    Resources:
      Queue:
        Type: AWS::SQS::Queue
        Properties:
          VisibilityTimeout: !Ref N
          FifoQueue: !Ref P
          KmsMasterKeyId: !Ref P
          RedrivePolicy: !Ref P
      Topic: {Type: AWS::SNS::Topic, Properties: {FifoTopic: !Ref P}}
      Sub:
        Type: AWS::SNS::Subscription
        Properties: {TopicArn: !Ref Topic, Protocol: !Ref P, Endpoint: !GetAtt Queue.Arn}
      Fn:
        Type: AWS::Serverless::Function
        Properties:
          Runtime: python3.12
          Handler: h
          CodeUri: src/
          Timeout: !Ref N
          ReservedConcurrentExecutions: !Ref N
          Events:
            Q: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}
            A: {Type: Api, Properties: {Path: /, Method: get, TimeoutInMillis: !Ref N}}
      Api:
        Type: AWS::Serverless::Api
        Properties: {StageName: !Ref P, EndpointConfiguration: !Ref P, MethodSettings: !Ref P}
      Machine:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          RoleArn: r
          StateMachineType: !Ref P
          DefinitionString: !Ref P
      Machine2:
        Type: AWS::StepFunctions::StateMachine
        Properties:
          RoleArn: r
          DefinitionString: !Sub '{"StartAt": "T", "TimeoutSeconds": ${N}, "States": ${P}}'
"""


def test_unknown_values_give_no_findings_and_no_crash(tmp_path):
    from helpers import lint_text
    ours = ["REL302", "REL303", "REL304", "REL305", "REL306", "REL307", "REL308", "REL309",
            "REL310", "REL311", "REL312", "REL313", "REL401", "REL402", "REL403", "REL404",
            "REL405", "REL406"]
    results = lint_text(UNRESOLVED, tmp_path, select=ours)
    assert not results.errors, results.errors
    assert [r.rule.id for r in results.results if r.severity != "note"] == []


def test_on_success_destinations_are_not_dead_letter_queues(tmp_path):
    view = view_of(tmp_path, """
        Resources:
          Done: {Type: AWS::SQS::Queue}
          Failed: {Type: AWS::SQS::Queue}
          Fn: {Type: AWS::Lambda::Function, Properties: {Handler: h, Runtime: python3.12,
               Role: r, Code: {ZipFile: x}}}
          Config:
            Type: AWS::Lambda::EventInvokeConfig
            Properties:
              FunctionName: !Ref Fn
              Qualifier: $LATEST
              DestinationConfig:
                OnSuccess: {Destination: !GetAtt Done.Arn}
                OnFailure: {Destination: !GetAtt Failed.Arn}
    """)
    assert [queue.address for queue in dead_letter_queues(view)] == ["Failed"]


def test_a_jsonencode_redrive_policy_naming_a_queue_counts_as_a_redrive_policy(tmp_path):
    from wa_lint.query.messaging import has_redrive_policy
    config = {"variable": {"dlq_arn": {"type": "string"}}, "resource": {"aws_sqs_queue": {
        "dlq": {"name": "dlq"},
        "named": {"redrive_policy": "${jsonencode({deadLetterTargetArn = aws_sqs_queue.dlq.arn,"
                                    " maxReceiveCount = 5})}"},
        "opaque": {"redrive_policy": "${var.dlq_arn == \"\" ? null : jsonencode({})}"},
        "none": {"name": "plain"}}}}
    view = view_of(tmp_path, json.dumps(config), "main.tf.json")
    verdict = {name: has_redrive_policy(view, resource(view, f"aws_sqs_queue.{name}"))
               for name in ("named", "opaque", "none")}
    assert verdict == {"named": True, "opaque": UNKNOWN, "none": False}

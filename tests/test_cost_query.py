"""Walks shared by the cost and sustainability rules: wa_lint.query.cost and .consumers."""

from __future__ import annotations

import json
import textwrap

from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View
from wa_lint.query.consumers import custom_consumers, receivers, workers_of_role
from wa_lint.query.cost import (
    application_scaling,
    is_windows_image,
    lifecycle_rules,
    object_lock_enabled,
    raw_text,
    runs_outside_region,
    scales_on_custom_metric,
)


def view_of(tmp_path, text, name="t.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text) if isinstance(text, str) else json.dumps(text))
    errors: list[RunError] = []
    documents, _, _ = load_documents([path], errors)
    assert not errors, errors
    return View(build_graph(documents))


def resource(view, address):
    return next(r for r in view.all_resources() if r.address == address)


WORKERS = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Jobs: {Type: AWS::SQS::Queue}
      Other: {Type: AWS::SQS::Queue}
      Role:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com},
                         Action: sts:AssumeRole}]
      Reader:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: reader
          Roles: [!Ref Role]
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "sqs:Receive*", Resource: !GetAtt Jobs.Arn}]
      Everything:
        Type: AWS::IAM::Policy
        Properties:
          PolicyName: everything
          Roles: [!Ref Role]
          PolicyDocument:
            Statement: [{Effect: Allow, Action: "sqs:*", Resource: "*"}]
      Profile: {Type: AWS::IAM::InstanceProfile, Properties: {Roles: [!Ref Role]}}
      Template:
        Type: AWS::EC2::LaunchTemplate
        Properties:
          LaunchTemplateData: {ImageId: ami-1, IamInstanceProfile: {Arn: !GetAtt Profile.Arn}}
      Group:
        Type: AWS::AutoScaling::AutoScalingGroup
        Properties:
          MinSize: "1"
          MaxSize: "2"
          LaunchTemplate: {LaunchTemplateId: !Ref Template, Version: "1"}
      Lonely:
        Type: AWS::IAM::Role
        Properties:
          AssumeRolePolicyDocument:
            Statement: [{Effect: Allow, Principal: {Service: lambda.amazonaws.com},
                         Action: sts:AssumeRole}]
          Policies:
            - PolicyName: reader
              PolicyDocument:
                Statement: [{Effect: Allow, Action: sqs:ReceiveMessage,
                             Resource: !GetAtt Other.Arn}]
"""


def test_custom_consumers_follow_policy_role_profile_template_group(tmp_path):
    view = view_of(tmp_path, WORKERS)
    index = receivers(view)
    jobs, other = resource(view, "Jobs"), resource(view, "Other")
    assert [r.address for r in index.roles[jobs.id]] == ["Role"]
    assert [w.address for w in custom_consumers(view, jobs, index)] == ["Group"]
    # a wildcard grant is attributed to no queue; a Lambda role with no worker is no consumer
    assert custom_consumers(view, other, index) == []
    assert [w.address for w in workers_of_role(view, resource(view, "Role"))] == ["Group"]


def test_custom_consumers_terraform_policy_document_and_task_role(tmp_path):
    view = view_of(tmp_path, {
        "resource": {
            "aws_sqs_queue": {"jobs": {"name": "jobs"}},
            "aws_iam_role": {"task": {"name": "task", "assume_role_policy":
                                      "${data.aws_iam_policy_document.trust.json}"}},
            "aws_iam_policy": {"read": {"policy": "${data.aws_iam_policy_document.read.json}"}},
            "aws_iam_role_policy_attachment": {"read": {
                "role": "${aws_iam_role.task.name}", "policy_arn": "${aws_iam_policy.read.arn}"}},
            "aws_ecs_task_definition": {"worker": {"family": "w", "container_definitions": "[]",
                                                   "task_role_arn": "${aws_iam_role.task.arn}"}},
        },
        "data": {"aws_iam_policy_document": {
            "trust": {"statement": {"actions": ["sts:AssumeRole"], "principals": {
                "type": "Service", "identifiers": ["ecs-tasks.amazonaws.com"]}}},
            "read": {"statement": {"actions": ["sqs:ReceiveMessage"],
                                   "resources": ["${aws_sqs_queue.jobs.arn}"]}}}},
    }, name="main.tf.json")
    index = receivers(view)
    jobs = resource(view, "aws_sqs_queue.jobs")
    assert [w.address for w in custom_consumers(view, jobs, index)] == \
        ["aws_ecs_task_definition.worker"]
    assert index.services[resource(view, "aws_iam_role.task").id] == {"ecs-tasks.amazonaws.com"}


def test_application_scaling_by_reference_literal_id_or_unknown(tmp_path):
    view = view_of(tmp_path, """
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          Id: {Type: String}
        Resources:
          ByRef: {Type: AWS::DynamoDB::Table, Properties: {TableName: a}}
          ByName: {Type: AWS::DynamoDB::Table, Properties: {TableName: b}}
          Unscaled: {Type: AWS::DynamoDB::Table, Properties: {TableName: c}}
          T1: {Type: AWS::ApplicationAutoScaling::ScalableTarget,
               Properties: {ResourceId: !Sub "table/${ByRef}"}}
          T2: {Type: AWS::ApplicationAutoScaling::ScalableTarget,
               Properties: {ResourceId: table/b}}
    """)
    assert [t.address for t in application_scaling(view, resource(view, "ByRef"))] == ["T1"]
    assert [t.address for t in application_scaling(view, resource(view, "ByName"),
                                                   ("table/b",))] == ["T2"]
    assert application_scaling(view, resource(view, "Unscaled"), ("table/c",)) == []
    unknown = view_of(tmp_path, """
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          Id: {Type: String}
        Resources:
          Table: {Type: AWS::DynamoDB::Table, Properties: {TableName: c}}
          Target: {Type: AWS::ApplicationAutoScaling::ScalableTarget,
                   Properties: {ResourceId: !Ref Id}}
    """, name="u.yaml")
    assert application_scaling(unknown, resource(unknown, "Table"), ("table/c",)) is UNKNOWN


def test_lifecycle_rules_across_spellings(tmp_path):
    view = view_of(tmp_path, {
        "resource": {
            "aws_s3_bucket": {
                "v3": {"bucket": "v3", "lifecycle_rule": {"enabled": True,
                                                          "expiration": {"days": 30}}},
                "v4": {"bucket": "v4"},
                "locked": {"bucket": "l", "object_lock_enabled": True}},
            "aws_s3_bucket_lifecycle_configuration": {"v4": {
                "bucket": "${aws_s3_bucket.v4.id}",
                "rule": {"id": "r", "status": "Disabled",
                         "expiration": {"expired_object_delete_marker": True},
                         "noncurrent_version_expiration": {"noncurrent_days": 30}}}},
        }}, name="main.tf.json")
    [v3] = lifecycle_rules(view, resource(view, "aws_s3_bucket.v3"))
    assert (v3.enabled, v3.expires, v3.noncurrent_expires) == (True, True, False)
    [v4] = lifecycle_rules(view, resource(view, "aws_s3_bucket.v4"))
    # a delete-marker cleanup is not an expiration of current objects
    assert (v4.enabled, v4.expires, v4.noncurrent_expires) == (False, False, True)
    assert object_lock_enabled(resource(view, "aws_s3_bucket.locked")) is True
    assert object_lock_enabled(resource(view, "aws_s3_bucket.v4")) is False


def test_scaling_policy_kinds(tmp_path):
    view = view_of(tmp_path, """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Cpu:
            Type: AWS::AutoScaling::ScalingPolicy
            Properties:
              AutoScalingGroupName: g
              PolicyType: TargetTrackingScaling
              TargetTrackingConfiguration:
                TargetValue: 50
                PredefinedMetricSpecification: {PredefinedMetricType: ASGAverageCPUUtilization}
          Backlog:
            Type: AWS::AutoScaling::ScalingPolicy
            Properties:
              AutoScalingGroupName: g
              PolicyType: TargetTrackingScaling
              TargetTrackingConfiguration:
                TargetValue: 10
                CustomizedMetricSpecification: {MetricName: backlog, Namespace: App,
                                                Statistic: Average}
          Step: {Type: AWS::AutoScaling::ScalingPolicy,
                 Properties: {AutoScalingGroupName: g, PolicyType: StepScaling}}
          Orphan: {Type: AWS::AutoScaling::ScalingPolicy,
                   Properties: {AutoScalingGroupName: g, PolicyType: StepScaling}}
          Depth:
            Type: AWS::CloudWatch::Alarm
            Properties:
              Namespace: AWS/SQS
              MetricName: ApproximateNumberOfMessagesVisible
              AlarmActions: [!Ref Step]
    """)
    assert scales_on_custom_metric(view, resource(view, "Cpu")) is False
    assert scales_on_custom_metric(view, resource(view, "Backlog")) is True
    assert scales_on_custom_metric(view, resource(view, "Step")) is True
    assert scales_on_custom_metric(view, resource(view, "Orphan")) is UNKNOWN


def test_edge_functions_windows_images_and_raw_text(tmp_path):
    view = view_of(tmp_path, """
        AWSTemplateFormatVersion: "2010-09-09"
        Parameters:
          Ami:
            Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
            Default: /aws/service/ami-windows-latest/Windows_Server-2022-English-Full-Base
        Resources:
          Edge: {Type: AWS::Lambda::Function, Properties: {Runtime: nodejs20.x}}
          EdgeVersion: {Type: AWS::Lambda::Version, Properties: {FunctionName: !Ref Edge}}
          Plain: {Type: AWS::Lambda::Function, Properties: {Runtime: nodejs20.x}}
          Cdn:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                DefaultCacheBehavior:
                  LambdaFunctionAssociations:
                    - {EventType: viewer-request, LambdaFunctionARN: !Ref EdgeVersion}
          Win:
            Type: AWS::EC2::Instance
            Properties:
              ImageId: !Ref Ami
              UserData: {"Fn::Base64": !Sub "yum install -y ${AWS::Region} mysql-server"}
          Linux: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-123}}
    """)
    assert runs_outside_region(view, resource(view, "Edge")) == "edge"
    assert runs_outside_region(view, resource(view, "Plain")) is None
    assert is_windows_image(view, resource(view, "Win")) is True
    assert is_windows_image(view, resource(view, "Linux")) is False
    win = resource(view, "Win")
    assert win.get("UserData") is UNKNOWN
    assert "mysql-server" in raw_text(win, "UserData")

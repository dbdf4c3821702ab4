"""The observability and compute walks of the OPS and PERF rules, and their edge cases."""

from __future__ import annotations

import json
import textwrap

from helpers import lint_text
from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View
from wa_lint.query.compute import (
    container_definitions,
    distribution_origins,
    is_custom_resource_handler,
    s3_origin_ids,
    scalable_target_of,
)
from wa_lint.query.observability import alarm_actions, alarm_users, execution_logging


def view_of(tmp_path, text, name="t.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text))
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path / name], errors)
    assert not errors, errors
    return View(build_graph(documents))


def resource(view, address):
    return next(r for r in view.all_resources() if r.address == address)


def messages(results, rule_id):
    return [result.message for result in results.results if result.rule.id == rule_id]


ALARMS = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Topic: {Type: String}
    Resources:
      Child: {Type: AWS::CloudWatch::Alarm, Properties: {MetricName: Errors, Namespace: AWS/Lambda,
              Statistic: Sum, Period: 60, EvaluationPeriods: 1, Threshold: 1,
              ComparisonOperator: GreaterThanThreshold}}
      Parent: {Type: AWS::CloudWatch::CompositeAlarm,
               Properties: {AlarmRule: !Sub "ALARM(${Child})", AlarmActions: [!Ref Topic]}}
      Empty: {Type: AWS::CloudWatch::Alarm, Properties: {AlarmActions: [], OKActions: []}}
"""


def test_alarm_actions(tmp_path):
    view = view_of(tmp_path, ALARMS)
    assert alarm_actions(resource(view, "Child")) is False
    assert alarm_actions(resource(view, "Empty")) is False
    assert alarm_actions(resource(view, "Parent")) is True   # an unresolved item is an action


def test_alarm_used_by_a_composite_alarm_is_not_reported(tmp_path):
    view = view_of(tmp_path, ALARMS)
    assert [str(user) for user in alarm_users(view, resource(view, "Child"))] == ["Parent"]
    results = lint_text(ALARMS, tmp_path, select=("OPS101",))
    assert [result.resource for result in results.results] == ["Empty"]


def test_execution_logging_reads_method_settings_and_terraform_method_settings(tmp_path):
    view = view_of(tmp_path, """
        Resources:
          Info: {Type: AWS::ApiGateway::Stage, Properties: {RestApiId: a, StageName: s,
               MethodSettings: [{ResourcePath: "/*", HttpMethod: "*", LoggingLevel: info}]}}
          Silent: {Type: AWS::ApiGateway::Stage, Properties: {RestApiId: a, StageName: t,
                MethodSettings: [{ResourcePath: "/*", HttpMethod: "*", LoggingLevel: "OFF"}]}}
    """)
    assert execution_logging(view, resource(view, "Info")) is True
    assert execution_logging(view, resource(view, "Silent")) is False
    tf = view_of(tmp_path, json.dumps({"resource": {
        "aws_api_gateway_stage": {"prod": {"rest_api_id": "a", "stage_name": "prod",
                                           "deployment_id": "d"}},
        "aws_api_gateway_method_settings": {"all": {
            "rest_api_id": "a", "stage_name": "${aws_api_gateway_stage.prod.stage_name}",
            "method_path": "*/*", "settings": {"logging_level": "ERROR"}}}}}), "t.tf.json")
    assert execution_logging(tf, resource(tf, "aws_api_gateway_stage.prod")) is True


def test_container_definitions_from_cloudformation_and_terraform_json_string(tmp_path):
    view = view_of(tmp_path, """
        Parameters:
          Containers: {Type: String}
        Resources:
          Task: {Type: AWS::ECS::TaskDefinition, Properties: {ContainerDefinitions: [
                 {Name: web, Image: nginx}, {Name: log, Image: fluent}]}}
          Unknown: {Type: AWS::ECS::TaskDefinition, Properties: {ContainerDefinitions: !Ref Containers}}
    """)
    containers = container_definitions(resource(view, "Task"))
    assert [(path, item["Name"]) for path, item in containers] == [
        (("ContainerDefinitions", 0), "web"), (("ContainerDefinitions", 1), "log")]
    assert container_definitions(resource(view, "Unknown")) is UNKNOWN
    tf = view_of(tmp_path, json.dumps({"resource": {"aws_ecs_task_definition": {"t": {
        "family": "t", "container_definitions": json.dumps([{"name": "web", "image": "nginx"}])}}}}),
        "t.tf.json")
    [(path, container)] = container_definitions(resource(tf, "aws_ecs_task_definition.t"))
    assert path == ("container_definitions",) and container["name"] == "web"


def test_origins_and_s3_origin_ids(tmp_path):
    view = view_of(tmp_path, """
        Parameters:
          Domain: {Type: String}
        Resources:
          Site: {Type: AWS::S3::Bucket}
          Cdn:
            Type: AWS::CloudFront::Distribution
            Properties:
              DistributionConfig:
                Enabled: true
                Origins:
                  - {Id: site, DomainName: !Select [2, !Split ["/", !GetAtt Site.WebsiteURL]],
                     CustomOriginConfig: {OriginProtocolPolicy: http-only}}
                  - {Id: literal, DomainName: assets.s3.eu-west-1.amazonaws.com}
                  - {Id: api, DomainName: !Ref Domain, CustomOriginConfig: {OriginProtocolPolicy: https-only}}
    """)
    cdn = resource(view, "Cdn")
    origins = distribution_origins(view, cdn)
    assert [[str(t) for t in targets] for _, _, targets in origins] == [["Site"], [], []]
    assert origins[2][1] is UNKNOWN
    assert s3_origin_ids(view, cdn) == {"site", "literal"}


def test_scalable_target_by_reference_literal_id_and_unknown(tmp_path):
    view = view_of(tmp_path, """
        Parameters:
          Target: {Type: String}
        Resources:
          Api: {Type: AWS::ECS::Service, Properties: {Cluster: c, ServiceName: api, DesiredCount: 2}}
          Web: {Type: AWS::ECS::Service, Properties: {Cluster: c, ServiceName: web, DesiredCount: 2}}
          ByName: {Type: AWS::ApplicationAutoScaling::ScalableTarget, Properties: {
                   ServiceNamespace: ecs, ScalableDimension: "ecs:service:DesiredCount",
                   ResourceId: service/c/api, MinCapacity: 1, MaxCapacity: 4}}
    """)
    assert scalable_target_of(view, resource(view, "Api"), "api") is True
    assert scalable_target_of(view, resource(view, "Web"), "web") is False
    unknown = view_of(tmp_path, """
        Parameters:
          Target: {Type: String}
        Resources:
          Web: {Type: AWS::ECS::Service, Properties: {Cluster: c, ServiceName: web, DesiredCount: 2}}
          Elsewhere: {Type: AWS::ApplicationAutoScaling::ScalableTarget, Properties: {
                      ServiceNamespace: ecs, ScalableDimension: "ecs:service:DesiredCount",
                      ResourceId: !Ref Target, MinCapacity: 1, MaxCapacity: 4}}
    """)
    assert scalable_target_of(unknown, resource(unknown, "Web"), "web") is UNKNOWN


def test_custom_resource_handler(tmp_path):
    view = view_of(tmp_path, """
        Resources:
          Handler: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: a.b,
                    Role: r, Code: {ZipFile: x}}}
          Other: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: a.b,
                  Role: r, Code: {ZipFile: x}}}
          Lookup: {Type: Custom::Lookup, Properties: {ServiceToken: !GetAtt Handler.Arn}}
    """)
    assert is_custom_resource_handler(view, resource(view, "Handler"))
    assert not is_custom_resource_handler(view, resource(view, "Other"))


def test_deprecated_runtime_is_case_insensitive_and_ignores_unknown_identifiers(tmp_path):
    results = lint_text("""
        Resources:
          Old: {Type: AWS::Lambda::Function, Properties: {Runtime: Python3.8, Handler: a.b,
                Role: r, Code: {ZipFile: x}}}
          Custom: {Type: AWS::Lambda::Function, Properties: {Runtime: python9.9, Handler: a.b,
                   Role: r, Code: {ZipFile: x}}}
    """, tmp_path, select=("OPS107",))
    assert [result.resource for result in results.results] == ["Old"]


def test_rds_subscription_without_source_type_covers_every_database(tmp_path):
    results = lint_text("""
        Resources:
          Db: {Type: AWS::RDS::DBInstance, Properties: {Engine: postgres, DBInstanceClass: db.t4g.micro}}
          Everything: {Type: AWS::RDS::EventSubscription,
                       Properties: {SnsTopicArn: "arn:aws:sns:eu-west-1:1:t"}}
    """, tmp_path, select=("OPS108",))
    assert messages(results, "OPS108") == []


def test_lambda_default_memory_threshold_is_an_option(tmp_path):
    text = """
        Resources:
          Fn: {Type: AWS::Lambda::Function, Properties: {Runtime: python3.13, Handler: a.b,
               Role: r, Code: {ZipFile: x}, Timeout: 20}}
    """
    assert messages(lint_text(text, tmp_path, select=("PERF104",)), "PERF104") == []


def test_literal_strings_enter_intrinsics_but_skip_names(tmp_path):
    from wa_lint.query import literal_strings
    view = view_of(tmp_path, """
        Resources:
          Fn:
            Type: AWS::Lambda::Function
            Properties:
              Role: !GetAtt Role.Arn
              Environment:
                Variables:
                  A: !Sub "arn:aws:sns:us-east-1:${AWS::AccountId}:t"
                  B: !Join [":", [arn, aws, !Ref AWS::Region]]
          Role: {Type: AWS::IAM::Role, Properties: {AssumeRolePolicyDocument: {}}}
    """)
    found = list(literal_strings(resource(view, "Fn")))
    assert (("Environment", "Variables", "A", "Fn::Sub"),
            "arn:aws:sns:us-east-1:${AWS::AccountId}:t") in found
    assert (("Environment", "Variables", "B", "Fn::Join", 1, 0), "arn") in found
    assert not any("Role" in text or text == "AWS::Region" for _, text in found)


def test_region_hardcoded_exemptions(tmp_path):
    results = lint_text("""
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Replicated:
            Type: AWS::S3::Bucket
            Properties:
              Tags: [{Key: home, Value: eu-west-1}]
          Backup:
            Type: AWS::Backup::BackupPlan
            Properties:
              BackupPlan:
                BackupPlanName: p
                BackupPlanRule:
                  - RuleName: r
                    TargetBackupVault: v
                    CopyActions:
                      - DestinationBackupVaultArn: arn:aws:backup:us-west-2:111122223333:backup-vault:dr
          Alerts:
            Type: AWS::SNS::Subscription
            Properties:
              TopicArn: arn:aws:sns:us-west-2:111122223333:alerts
              Protocol: email
              Endpoint: ops@example.com
    """, tmp_path, select=("OPS109",))
    assert [(r.resource, r.message.split(":")[0]) for r in results.results] == [
        ("Alerts", "Alerts hard-codes the Region us-west-2")]


def test_alarms_on_by_reference_literal_name_and_metric_math(tmp_path):
    from wa_lint.query.observability import alarms_on, topic_has_subscribers
    view = view_of(tmp_path, """
        Resources:
          A: {Type: AWS::Lambda::Function, Properties: {FunctionName: a, Runtime: python3.13,
              Handler: x.y, Role: r, Code: {ZipFile: x}}}
          B: {Type: AWS::Lambda::Function, Properties: {FunctionName: b, Runtime: python3.13,
              Handler: x.y, Role: r, Code: {ZipFile: x}}}
          C: {Type: AWS::Lambda::Function, Properties: {FunctionName: c, Runtime: python3.13,
              Handler: x.y, Role: r, Code: {ZipFile: x}}}
          ByRef: {Type: AWS::CloudWatch::Alarm, Properties: {MetricName: Errors,
                  Dimensions: [{Name: FunctionName, Value: !Ref A}]}}
          ByMath: {Type: AWS::CloudWatch::Alarm, Properties: {Metrics: [{Id: m, MetricStat: {
                   Metric: {MetricName: Errors, Dimensions: [{Name: FunctionName, Value: b}]}}}]}}
          Throttles: {Type: AWS::CloudWatch::Alarm, Properties: {MetricName: Throttles,
                      Dimensions: [{Name: FunctionName, Value: c}]}}
          Quiet: {Type: AWS::SNS::Topic}
          Loud: {Type: AWS::SNS::Topic, Properties: {Subscription: [{Protocol: email, Endpoint: e}]}}
    """)
    assert alarms_on(view, resource(view, "A"), {"Errors"}, "a") is True
    assert alarms_on(view, resource(view, "B"), {"Errors"}, "b") is True
    assert alarms_on(view, resource(view, "C"), {"Errors"}, "c") is False
    assert topic_has_subscribers(view, resource(view, "Quiet")) is False
    assert topic_has_subscribers(view, resource(view, "Loud")) is True


def test_plan_values_with_empty_blocks_and_explicit_defaults(tmp_path):
    def resource_json(address, values):
        kind, name = address.split(".")
        return {"address": address, "mode": "managed", "type": kind, "name": name,
                "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0,
                "values": values, "sensitive_values": {}}
    function = {"function_name": "worker", "runtime": "python3.8", "memory_size": 128,
                "timeout": 60, "tracing_config": [{"mode": "PassThrough"}]}
    service = {"name": "web", "desired_count": 2, "deployment_circuit_breaker": [],
               "deployment_controller": [], "deployment_minimum_healthy_percent": 100,
               "alarms": []}
    plan = {"format_version": "1.2", "terraform_version": "1.9.5",
            "planned_values": {"root_module": {"resources": [
                resource_json("aws_lambda_function.worker", function),
                resource_json("aws_ecs_service.web", service)]}},
            "resource_changes": [], "configuration": {"root_module": {}}}
    results = lint_text(json.dumps(plan), tmp_path, name="t.plan.json",
                        select=("OPS102", "OPS106", "OPS107", "OPS111", "PERF104"))
    assert not results.errors, results.errors
    assert sorted(result.rule.id for result in results.results) == [
        "OPS102", "OPS106", "OPS107", "PERF104"]

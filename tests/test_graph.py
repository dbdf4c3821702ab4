"""The resource graph: nodes, typed edges and resolved values, in every format."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View
from wa_lint.values import ResourceRef, Zone, ZoneList

DATA = Path(__file__).parent / "data"


def model_of(tmp_path, files: dict[str, str]):
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path], errors)
    assert not errors, errors
    return build_graph(documents)


def edges(model):
    return {(source[1], target[1], data["kind"], data["path"])
            for source, target, data in model.graph.edges(data=True)}


CFN = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Size: {Type: Number, Default: 2}
      Names: {Type: CommaDelimitedList, Default: "a, b"}
      FromSsm: {Type: "AWS::SSM::Parameter::Value<String>", Default: /app/size}
    Mappings:
      Sizes: {prod: {small: t4g.small}, dev: {small: t4g.micro}}
    Resources:
      Queue: {Type: AWS::SQS::Queue}
      Topic:
        Type: AWS::SNS::Topic
        DependsOn: Queue
        Properties:
          TopicName: !Sub "${AWS::StackName}-topic"
          Subscription:
            - Endpoint: !GetAtt Queue.Arn
              Protocol: sqs
          Tags:
            - Key: queue
              Value: !Sub "${Queue.QueueName}"
            - Key: size
              Value: !Ref Size
            - Key: names
              Value: !Join [",", !Ref Names]
            - Key: ssm
              Value: !Ref FromSsm
            - Key: second
              Value: !Select [1, !Ref Names]
            - Key: type
              Value: !FindInMap [Sizes, !Ref "AWS::Region", small]
            - Key: zone
              Value: !Select [2, !GetAZs ""]
            - Key: partition
              Value: !Sub "arn:${AWS::Partition}:s3:::x"
"""


def test_cloudformation_edges_and_values(tmp_path):
    model = model_of(tmp_path, {"stack.yaml": CFN})
    assert edges(model) == {
        ("Topic", "Queue", "DependsOn", ("@DependsOn",)),
        ("Topic", "Queue", "Fn::GetAtt", ("Subscription", 0, "Endpoint")),
        ("Topic", "Queue", "Fn::Sub", ("Tags", 0, "Value")),
    }
    topic = next(r for r in View(model).all_resources() if r.address == "Topic")
    values = [tag["Value"] for tag in topic.get("Tags")]
    assert values[0] is UNKNOWN                    # ${Queue.QueueName} is an attribute
    assert values[1:4] == ["2", "a,b", UNKNOWN]    # Number default, list join, SSM parameter
    assert values[4] == "b"
    assert values[5] is UNKNOWN                    # FindInMap on an unknown Region, values differ
    assert values[6] == Zone(index=2)
    assert values[7] == "arn:aws:s3:::x"
    assert topic.get("TopicName") is UNKNOWN
    endpoint = topic.get("Subscription/0/Endpoint")
    assert isinstance(endpoint, ResourceRef)
    assert (endpoint.address, endpoint.attribute) == ("Queue", "Arn")


def test_import_value_links_templates(tmp_path):
    model = model_of(tmp_path, {
        "network.yaml": """
            Resources:
              Subnet: {Type: AWS::EC2::Subnet, Properties: {CidrBlock: 10.0.0.0/24,
                       VpcId: vpc-1, AvailabilityZone: eu-west-1a}}
            Outputs:
              SubnetId: {Value: !Ref Subnet, Export: {Name: net-subnet}}
        """,
        "app.yaml": """
            Resources:
              Balancer:
                Type: AWS::ElasticLoadBalancingV2::LoadBalancer
                Properties:
                  Subnets: [!ImportValue net-subnet]
        """})
    assert ("Balancer", "Subnet", "Fn::ImportValue", ("Subnets", 0)) in edges(model)
    view = View(model)
    balancer = next(r for r in view.all_resources() if r.address == "Balancer")
    assert view.zones(balancer, "Subnets").zones == {Zone(name="eu-west-1a")}


def test_terraform_edges_values_and_regions(tmp_path):
    model = model_of(tmp_path, {
        "mod/main.tf.json": """
            {"provider": [{"aws": {"region": "${var.region}"}},
                          {"aws": {"alias": "dr", "region": "us-west-2"}}],
             "variable": {"region": {"default": "eu-west-1"}, "count": {"default": 2}},
             "locals": {"name": "orders-${var.region}", "queue_arn": "${aws_sqs_queue.q.arn}"},
             "data": {"aws_availability_zones": {"az": {}}},
             "resource": {"aws_sqs_queue": {"q": {"name": "${local.name}"}}}}
        """,
        "mod/more.tf.json": """
            {"resource": {
              "aws_sns_topic": {"t": {"provider": "aws.dr", "name": "t",
                                      "depends_on": ["aws_sqs_queue.q"]}},
              "aws_sns_topic_subscription": {"s": {"endpoint": "${local.queue_arn}",
                 "topic_arn": "${aws_sns_topic.t.arn}", "protocol": "sqs"}},
              "aws_subnet": {"a": {"count": "${var.count}", "vpc_id": "vpc-1",
                 "availability_zone": "${data.aws_availability_zones.az.names[count.index]}"}}}}
        """})
    found = edges(model)
    assert ("aws_sns_topic.t", "aws_sqs_queue.q", "depends_on", ("depends_on", 0)) in found
    assert ("aws_sns_topic_subscription.s", "aws_sqs_queue.q", "interpolation",
            ("endpoint",)) in found  # through a local
    assert ("aws_subnet.a", "data.aws_availability_zones.az", "interpolation",
            ("availability_zone",)) in found
    view = View(model)
    by_address = {r.address: r for r in view.all_resources()}
    assert by_address["aws_sqs_queue.q"].get("name") == "orders-eu-west-1"
    assert view.region(by_address["aws_sqs_queue.q"]) == "eu-west-1"
    assert view.region(by_address["aws_sns_topic.t"]) == "us-west-2"
    assert view.subnet_zones([by_address["aws_subnet.a"]]).zones == {
        Zone(index=0, region="eu-west-1"), Zone(index=1, region="eu-west-1")}
    assert by_address["aws_subnet.a"].get("availability_zone") is UNKNOWN  # count.index unknown


def test_plan_references_and_unknowns(tmp_path):
    shutil.copy(DATA / "example-plan.json", tmp_path / "plan.json")
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path], errors)
    model = build_graph(documents)
    found = {(s, t, k) for s, t, k, _ in edges(model)}
    assert ("aws_route53_query_log.example_com", "aws_cloudwatch_log_group.aws_route53_example_com",
            "plan-reference") in found
    assert ("aws_route53_query_log.example_com", "aws_route53_zone.example_com",
            "plan-reference") in found
    assert ("aws_cloudwatch_log_group.aws_route53_example_com", "aws_route53_zone.example_com",
            "plan-reference") in found
    view = View(model)
    query_log = next(r for r in view.all_resources()
                     if r.address == "aws_route53_query_log.example_com")
    assert query_log.get("cloudwatch_log_group_arn") is UNKNOWN   # no values at all in the plan
    log_group = next(r for r in view.all_resources()
                     if r.address == "aws_cloudwatch_log_group.aws_route53_example_com")
    assert log_group.get("retention_in_days") == 30
    assert any(d.address.startswith("data.") for d in view.data_sources(
        "aws_iam_policy_document"))


def test_get_azs_select_indexes(tmp_path):
    model = model_of(tmp_path, {"s.yaml": """
        Resources:
          A: {Type: AWS::EC2::Subnet, Properties: {VpcId: v, CidrBlock: c,
              AvailabilityZone: !Select [0, !GetAZs ""]}}
          B: {Type: AWS::EC2::Subnet, Properties: {VpcId: v, CidrBlock: c,
              AvailabilityZone: !Select [0, !GetAZs {Ref: "AWS::Region"}]}}
          C: {Type: AWS::EC2::Subnet, Properties: {VpcId: v, CidrBlock: c,
              AvailabilityZone: !Select [1, !GetAZs ""]}}
          G: {Type: AWS::AutoScaling::AutoScalingGroup, Properties: {MinSize: "1", MaxSize: "1",
              AvailabilityZones: !GetAZs ""}}
    """})
    view = View(model)
    by_address = {r.address: r for r in view.all_resources()}
    assert view.subnet_zones([by_address["A"], by_address["B"]]).count() == 1
    assert view.subnet_zones([by_address["A"], by_address["C"]]).count() == 2
    assert by_address["G"].get("AvailabilityZones") == ZoneList("")
    assert view.zones(by_address["G"], "AvailabilityZones").count() >= 2

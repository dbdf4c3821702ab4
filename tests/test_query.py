"""The graph API rules use: values, unknowns, edges, zones and the network walk."""

from __future__ import annotations

import textwrap

from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View, ZoneSet
from wa_lint.query.network import is_public_subnet, nat_gateways_of
from wa_lint.values import Zone


def view_of(tmp_path, text, name="t.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text))
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path / name], errors)
    assert not errors, errors
    return View(build_graph(documents))


def resource(view, address):
    return next(r for r in view.all_resources() if r.address == address)


NETWORK = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Env: {Type: String, Default: prod}
      Secret: {Type: String}
    Resources:
      Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
      Igw: {Type: AWS::EC2::InternetGateway}
      Public: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24,
               AvailabilityZone: !Select [0, !GetAZs ""]}}
      Private: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24,
                AvailabilityZone: !Select [1, !GetAZs ""]}}
      Isolated: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24}}
      PublicRoutes: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
      PrivateRoutes: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
      ToInternet: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref PublicRoutes,
                   DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
      Nat: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: !Ref Public}}
      ToNat: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref PrivateRoutes,
              DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}}
      A1: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Public,
           RouteTableId: !Ref PublicRoutes}}
      A2: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Private,
           RouteTableId: !Ref PrivateRoutes}}
      Bucket:
        Type: AWS::S3::Bucket
        Properties:
          BucketName: !Sub "logs-${Env}"
          Tags: [{Key: owner, Value: !Ref Secret}]
          VersioningConfiguration: !If [IsProd, {Status: Enabled}, !Ref "AWS::NoValue"]
"""


def test_public_private_and_nat(tmp_path):
    view = view_of(tmp_path, NETWORK)
    assert is_public_subnet(view, resource(view, "Public")) is True
    assert is_public_subnet(view, resource(view, "Private")) is False
    assert is_public_subnet(view, resource(view, "Isolated")) is False
    assert [n.address for n in nat_gateways_of(view, resource(view, "Private"))] == ["Nat"]


def test_values_defaults_and_unknowns(tmp_path):
    view = view_of(tmp_path, NETWORK)
    bucket = resource(view, "Bucket")
    assert bucket.get("BucketName") == "logs-prod"            # parameter default through Fn::Sub
    assert bucket.get("Tags/0/Value") is UNKNOWN               # parameter without a default
    assert bucket.get("VersioningConfiguration") is UNKNOWN    # Fn::If whose branches differ
    assert bucket.get("Missing") is None
    assert bucket.has("VersioningConfiguration")


def test_zones_through_subnets(tmp_path):
    view = view_of(tmp_path, NETWORK)
    zones = view.subnet_zones([resource(view, "Public"), resource(view, "Private")])
    assert zones.zones == {Zone(index=0), Zone(index=1)} and zones.count() == 2
    assert view.subnet_zones([resource(view, "Isolated")]).count() is UNKNOWN


def test_zone_counts_are_conservative():
    literal, symbolic = Zone(name="us-east-1a"), Zone(index=0)
    assert ZoneSet(frozenset({literal}), placements=2).count() == 1
    assert ZoneSet(frozenset({literal, symbolic}), placements=2).count() is UNKNOWN
    assert ZoneSet(frozenset({literal}), incomplete=True, placements=2).count() is UNKNOWN
    assert ZoneSet(frozenset(), placements=0).count() is UNKNOWN
    assert ZoneSet(frozenset(), all_zones=True, placements=1).count() >= 2


def test_terraform_public_subnet_inline_routes(tmp_path):
    view = view_of(tmp_path, """
        {"resource": {
          "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}},
          "aws_internet_gateway": {"gw": {"vpc_id": "${aws_vpc.main.id}"}},
          "aws_subnet": {"web": {"vpc_id": "${aws_vpc.main.id}", "cidr_block": "10.0.0.0/24"}},
          "aws_route_table": {"public": {"vpc_id": "${aws_vpc.main.id}",
            "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "${aws_internet_gateway.gw.id}"}]}},
          "aws_route_table_association": {"web": {"subnet_id": "${aws_subnet.web.id}",
            "route_table_id": "${aws_route_table.public.id}"}}}}
    """, name="main.tf.json")
    assert is_public_subnet(view, resource(view, "aws_subnet.web")) is True


def test_written_values_parameters_and_the_template(tmp_path):
    view = view_of(tmp_path, """
        Parameters:
          Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/x}
        Resources:
          Box:
            Type: AWS::EC2::Instance
            Metadata: {Owner: ops}
            Properties:
              ImageId: !Ref Ami
              Tags: [{Key: Name, Value: !Sub "${AWS::StackName}-box"}]
        Outputs:
          Id: {Value: !Ref Box}
        """)
    box = resource(view, "Box")
    assert box.get("ImageId") is UNKNOWN                  # resolved: SSM decides
    assert box.written("ImageId") == {"Ref": "Ami"}       # as written
    assert box.written("Tags/0/Value") == {"Fn::Sub": "${AWS::StackName}-box"}
    assert box.written("Tags/1/Value") is None
    assert box.written("Owner", attribute="Metadata") == "ops"
    assert box.parameter("Ami")["Default"] == "/aws/x"
    assert box.parameter("Missing") is None
    assert set(box.template["Outputs"]) == {"Id"}
    assert box.instance_count == 1


def test_memo_computes_once_per_view(tmp_path):
    view = view_of(tmp_path, """
        Resources:
          Box: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1}}
        """)
    calls = []
    assert view.memo("k", lambda: calls.append(1) or len(calls)) == 1
    assert view.memo("k", lambda: calls.append(1) or len(calls)) == 1
    assert calls == [1]
    assert View(view._model).memo("k", lambda: "fresh") == "fresh"   # a new rule run, a new memo

"""The exposure and edge walks: ingress rules, subnet placement, S3 public access, origins, WAF."""

from __future__ import annotations

import textwrap

from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View
from wa_lint.query.edge import cloudfront_origins, is_private_api, waf_coverage
from wa_lint.query.exposure import (
    bucket_public_access_block,
    flow_logs_of,
    ingress_rules,
    listens_only,
    public_acls,
    public_placement,
    rule_group,
)


def view_of(tmp_path, text, name="t.yaml"):
    (tmp_path / name).write_text(textwrap.dedent(text))
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path / name], errors)
    assert not errors, errors
    return View(build_graph(documents))


def resource(view, address):
    return next(r for r in view.all_resources() if r.address == address)


GROUPS = """
    Parameters:
      Cidr: {Type: String}
      Port: {Type: Number}
    Resources:
      Lb: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: lb, SecurityGroupIngress: [
            {IpProtocol: "-1", CidrIp: 0.0.0.0/0}]}}
      App: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, SecurityGroupIngress: [
             {IpProtocol: tcp, FromPort: 22, CidrIp: !Ref Cidr},
             {IpProtocol: TCP, FromPort: !Ref Port, ToPort: 30, CidrIpv6: "::/0"}]}}
      Extra: {Type: AWS::EC2::SecurityGroupIngress, Properties: {GroupId: !GetAtt App.GroupId,
              IpProtocol: 6, FromPort: 5432, ToPort: 5432, CidrIp: 0.0.0.0/0}}
      Balancer: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {
                 Subnets: [subnet-1, subnet-2], SecurityGroups: [!Ref Lb]}}
      Instance: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1, SecurityGroupIds: [!Ref App]}}
"""


def test_ingress_rules_normalise_every_spelling(tmp_path):
    view = view_of(tmp_path, GROUPS)
    rules = {(str(r.resource), r.path): r for r in ingress_rules(view)}
    lb = rules[("Lb", ("SecurityGroupIngress", 0))]
    assert lb.all_traffic and lb.ports == (0, 65535) and lb.open_sources()
    ssh = rules[("App", ("SecurityGroupIngress", 0))]
    assert ssh.protocol == "tcp" and ssh.ports == (22, 22)       # ToPort defaults to FromPort
    assert ssh.sources[0][1] is UNKNOWN and not ssh.open_sources()
    unresolved = rules[("App", ("SecurityGroupIngress", 1))]
    assert unresolved.ports is UNKNOWN and unresolved.protocol == "tcp"
    extra = rules[("Extra", ())]
    assert extra.protocol == "6" and extra.ports == (5432, 5432)
    assert str(rule_group(view, extra)) == "App"


def test_groups_used_only_by_load_balancers_listen_only(tmp_path):
    view = view_of(tmp_path, GROUPS)
    assert listens_only(view, resource(view, "Lb")) is True
    assert listens_only(view, resource(view, "App")) is False


def test_terraform_ingress_and_rule_resources(tmp_path):
    view = view_of(tmp_path, """
        {"resource": {
          "aws_security_group": {"a": {"ingress": [{"from_port": 0, "to_port": 0, "protocol": "-1",
                                                    "cidr_blocks": ["10.0.0.0/8", "0.0.0.0/0"]}]}},
          "aws_security_group_rule": {
            "in": {"type": "ingress", "security_group_id": "${aws_security_group.a.id}",
                   "protocol": "tcp", "from_port": 3389, "to_port": 3389, "cidr_blocks": ["0.0.0.0/0"]},
            "out": {"type": "egress", "security_group_id": "${aws_security_group.a.id}",
                    "protocol": "-1", "from_port": 0, "to_port": 0, "cidr_blocks": ["0.0.0.0/0"]}},
          "aws_vpc_security_group_ingress_rule": {
            "v": {"security_group_id": "${aws_security_group.a.id}", "ip_protocol": "tcp",
                  "from_port": 22, "to_port": 22, "cidr_ipv6": "::/0"}}}}
    """, name="main.tf.json")
    rules = list(ingress_rules(view))
    assert sorted(str(r.resource) for r in rules) == [
        "aws_security_group.a", "aws_security_group_rule.in", "aws_vpc_security_group_ingress_rule.v"]
    inline = next(r for r in rules if r.resource.type == "aws_security_group")
    assert [cidr for _, cidr in inline.open_sources()] == ["0.0.0.0/0"]
    assert all(str(rule_group(view, r)) == "aws_security_group.a" for r in rules)


PLACEMENT = """
    Parameters:
      Group: {Type: String}
    Resources:
      Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
      Igw: {Type: AWS::EC2::InternetGateway}
      Public: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}
      Private: {Type: AWS::EC2::Subnet, Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}
      Routes: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
      Default: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Routes,
                DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw}}
      Assoc: {Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {SubnetId: !Ref Public,
              RouteTableId: !Ref Routes}}
      PublicGroup: {Type: AWS::RDS::DBSubnetGroup, Properties: {DBSubnetGroupDescription: p,
                    SubnetIds: [!Ref Private, !Ref Public]}}
      PrivateGroup: {Type: AWS::RDS::DBSubnetGroup, Properties: {DBSubnetGroupDescription: p,
                     SubnetIds: [!Ref Private]}}
      InPublic: {Type: AWS::RDS::DBInstance, Properties: {DBSubnetGroupName: !Ref PublicGroup}}
      InPrivate: {Type: AWS::RDS::DBInstance, Properties: {DBSubnetGroupName: !Ref PrivateGroup}}
      Unresolved: {Type: AWS::RDS::DBInstance, Properties: {DBSubnetGroupName: !Ref Group}}
      NoGroup: {Type: AWS::RDS::DBInstance, Properties: {Engine: mysql}}
      Log: {Type: AWS::EC2::FlowLog, Properties: {ResourceId: !Ref Vpc, ResourceType: VPC}}
      OtherLog: {Type: AWS::EC2::FlowLog, Properties: {ResourceId: !Ref Group, ResourceType: VPC}}
"""


def test_public_placement_follows_subnet_group_to_the_internet_gateway(tmp_path):
    view = view_of(tmp_path, PLACEMENT)
    assert public_placement(view, resource(view, "InPublic")) is True
    assert public_placement(view, resource(view, "InPrivate")) is False
    assert public_placement(view, resource(view, "Unresolved")) is UNKNOWN
    assert public_placement(view, resource(view, "NoGroup")) is None


def test_flow_log_targets(tmp_path):
    view = view_of(tmp_path, PLACEMENT)
    assert [str(t) for t in flow_logs_of(view, resource(view, "Log"))] == ["Vpc"]
    assert flow_logs_of(view, resource(view, "OtherLog")) is UNKNOWN


def test_block_public_access_defaults_and_acls(tmp_path):
    view = view_of(tmp_path, """
        {"resource": {
          "aws_s3_bucket": {"plain": {}, "partial": {}, "legacy": {"acl": "public-read"}},
          "aws_s3_bucket_public_access_block": {
            "partial": {"bucket": "${aws_s3_bucket.partial.id}", "block_public_acls": true}},
          "aws_s3_bucket_acl": {"grant": {"bucket": "${aws_s3_bucket.partial.id}",
            "access_control_policy": {"grant": [{"permission": "READ", "grantee": {
              "type": "Group", "uri": "http://acs.amazonaws.com/groups/global/AllUsers"}}],
              "owner": {"id": "x"}}}}}}
    """, name="main.tf.json")
    plain = bucket_public_access_block(view, resource(view, "aws_s3_bucket.plain"))
    assert plain.off() == []                              # S3 blocks public access by default
    partial = bucket_public_access_block(view, resource(view, "aws_s3_bucket.partial"))
    assert partial.off() == ["IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"]
    assert str(partial.resource) == "aws_s3_bucket_public_access_block.partial"
    grants = public_acls(view, resource(view, "aws_s3_bucket.partial"))
    assert [acl for _, _, acl in grants] == ["a grant to AllUsers"]
    assert [acl for _, _, acl in public_acls(view, resource(view, "aws_s3_bucket.legacy"))] == [
        "public-read"]


def test_account_block_overrides_bucket_settings(tmp_path):
    view = view_of(tmp_path, """
        {"resource": {
          "aws_s3_account_public_access_block": {"a": {"block_public_policy": true,
                                                        "restrict_public_buckets": true}},
          "aws_s3_bucket": {"b": {}},
          "aws_s3_bucket_public_access_block": {"b": {"bucket": "${aws_s3_bucket.b.id}"}}}}
    """, name="main.tf.json")
    block = bucket_public_access_block(view, resource(view, "aws_s3_bucket.b"))
    assert block.off() == ["BlockPublicAcls", "IgnorePublicAcls"]


EDGE = """
    Parameters:
      Target: {Type: String}
    Resources:
      Bucket: {Type: AWS::S3::Bucket}
      Oac: {Type: AWS::CloudFront::OriginAccessControl, Properties: {OriginAccessControlConfig: {
            Name: o, OriginAccessControlOriginType: s3, SigningBehavior: always, SigningProtocol: sigv4}}}
      Cdn:
        Type: AWS::CloudFront::Distribution
        Properties:
          DistributionConfig:
            Enabled: true
            Origins:
              - {Id: a, DomainName: !GetAtt Bucket.RegionalDomainName, OriginAccessControlId: !GetAtt Oac.Id}
              - {Id: b, DomainName: !GetAtt Bucket.DomainName, S3OriginConfig: {}}
              - {Id: c, DomainName: site.s3-website.eu-west-1.amazonaws.com, CustomOriginConfig: {}}
              - {Id: d, DomainName: api.example.com, CustomOriginConfig: {}}
      Private: {Type: AWS::ApiGateway::RestApi, Properties: {EndpointConfiguration: {Types: [PRIVATE]}}}
      Edge: {Type: AWS::ApiGateway::RestApi, Properties: {Name: e}}
      Alb: {Type: AWS::ElasticLoadBalancingV2::LoadBalancer, Properties: {Subnets: [s-1, s-2]}}
      Acl: {Type: AWS::WAFv2::WebACLAssociation, Properties: {ResourceArn: !Ref Alb, WebACLArn: arn}}
"""


def test_cloudfront_origins_are_classified(tmp_path):
    view = view_of(tmp_path, EDGE)
    origins = cloudfront_origins(view, resource(view, "Cdn"))
    assert [(o.kind, o.access_control) for o in origins] == [
        ("s3", True), ("s3", False), ("s3-website", False), ("other", False)]
    assert str(origins[0].bucket) == "Bucket"


def test_private_apis_and_waf_coverage(tmp_path):
    view = view_of(tmp_path, EDGE)
    assert is_private_api(resource(view, "Private")) is True
    assert is_private_api(resource(view, "Edge")) is False
    coverage = waf_coverage(view)
    assert coverage.covers(resource(view, "Alb")) is True
    assert coverage.covers(resource(view, "Edge")) is False


def test_groups_of_private_only_resources_are_not_internet_facing(tmp_path):
    view = view_of(tmp_path, """
        Resources:
          Nfs: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: nfs}}
          Target: {Type: AWS::EFS::MountTarget, Properties: {FileSystemId: fs-1, SubnetId: s-1,
                   SecurityGroups: [!Ref Nfs]}}
          Shared: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: shared}}
          Endpoint: {Type: AWS::EC2::VPCEndpoint, Properties: {VpcId: v-1, ServiceName: s3,
                     SecurityGroupIds: [!Ref Shared]}}
          Host: {Type: AWS::EC2::Instance, Properties: {ImageId: ami-1,
                 SecurityGroupIds: [!Ref Shared]}}
          Unused: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: unused}}
    """)
    assert listens_only(view, resource(view, "Nfs")) is True
    assert listens_only(view, resource(view, "Shared")) is False     # an instance uses it too
    assert listens_only(view, resource(view, "Unused")) is False     # nothing known: judged


def test_routes_added_to_the_main_route_table_make_unassociated_subnets_public(tmp_path):
    from wa_lint.query.network import is_public_subnet
    text = """{"resource": {
      "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}, "other": {"cidr_block": "10.1.0.0/16"}},
      "aws_internet_gateway": {"gw": {"vpc_id": "${aws_vpc.main.id}"}},
      "aws_route": {"out": {"route_table_id": "${aws_vpc.main.main_route_table_id}",
                            "destination_cidr_block": "0.0.0.0/0",
                            "gateway_id": "${aws_internet_gateway.gw.id}"}},
      "aws_subnet": {"a": {"vpc_id": "${aws_vpc.main.id}", "cidr_block": "10.0.1.0/24"},
                     "b": {"vpc_id": "${aws_vpc.other.id}", "cidr_block": "10.1.1.0/24"}}}}"""
    view = view_of(tmp_path, text, "main.tf.json")
    assert is_public_subnet(view, resource(view, "aws_subnet.a")) is True
    assert is_public_subnet(view, resource(view, "aws_subnet.b")) is False

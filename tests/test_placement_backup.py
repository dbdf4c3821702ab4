"""The placement and backup walks: app tiers, cluster members, NAT dependants, backup
selections (by reference, ARN pattern, tags), copy destinations and retention."""

from __future__ import annotations

import json
import textwrap

from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View
from wa_lint.query.backup import (
    arn_region,
    copy_destinations,
    copy_elsewhere,
    coverage,
    dlm_coverage,
    efs_backup_policy,
    plan_rules,
    retention_days,
)
from wa_lint.query.placement import (
    cluster_members,
    load_balancer_attachments,
    multi_az_app_tiers,
    nat_dependants,
    scaling_minimum,
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


SELECTIONS = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      Tier: {Type: String}
    Resources:
      ByRef: {Type: AWS::EFS::FileSystem}
      ByTag: {Type: AWS::EFS::FileSystem, Properties: {FileSystemTags: [{Key: backup, Value: daily}]}}
      OtherTag: {Type: AWS::EFS::FileSystem, Properties: {FileSystemTags: [{Key: a, Value: b}]}}
      Tagged:
        Type: AWS::DynamoDB::Table
        Properties: {TableName: orders, Tags: [{Key: backup, Value: daily}]}
      Untagged:
        Type: AWS::DynamoDB::Table
        Properties: {TableName: carts}
      Unresolved:
        Type: AWS::DynamoDB::Table
        Properties: {Tags: [{Key: backup, Value: !Ref Tier}]}
      Volume: {Type: AWS::EC2::Volume, Properties: {Size: 10, AvailabilityZone: eu-west-1a}}
      Plan:
        Type: AWS::Backup::BackupPlan
        Properties:
          BackupPlan:
            BackupPlanName: p
            BackupPlanRule:
              - RuleName: r
                TargetBackupVault: Default
                CopyActions:
                  - DestinationBackupVaultArn: arn:aws:backup:us-west-2:1:backup-vault:dr
      Selection:
        Type: AWS::Backup::BackupSelection
        Properties:
          BackupPlanId: !Ref Plan
          BackupSelection:
            SelectionName: s
            IamRoleArn: arn:aws:iam::1:role/r
            Resources: [!GetAtt ByRef.Arn, "arn:aws:dynamodb:*:*:table/cart*"]
            ListOfTags: [{ConditionType: STRINGEQUALS, ConditionKey: backup, ConditionValue: daily}]
"""


def test_backup_selection_by_reference_pattern_and_tag(tmp_path):
    view = view_of(tmp_path, SELECTIONS)
    assert coverage(view, resource(view, "ByRef")) is True
    assert coverage(view, resource(view, "Tagged")) is True          # tag condition
    assert coverage(view, resource(view, "Untagged")) is True        # table/cart* on its name
    assert coverage(view, resource(view, "Unresolved")) is UNKNOWN  # tag value is a parameter
    assert coverage(view, resource(view, "ByTag")) is True          # EFS: FileSystemTags
    assert coverage(view, resource(view, "OtherTag")) is False
    assert coverage(view, resource(view, "Volume")) is False


def test_literal_arn_of_generated_id_never_matches(tmp_path):
    view = view_of(tmp_path, """
        Resources:
          Volume: {Type: AWS::EC2::Volume, Properties: {Size: 10, AvailabilityZone: eu-west-1a}}
          Selection:
            Type: AWS::Backup::BackupSelection
            Properties:
              BackupPlanId: plan
              BackupSelection:
                SelectionName: s
                IamRoleArn: arn:aws:iam::1:role/r
                Resources: ["arn:aws:ec2:eu-west-1:1:volume/vol-0123"]
        """)
    assert coverage(view, resource(view, "Volume")) is False


def test_copy_actions_and_regions(tmp_path):
    view = view_of(tmp_path, SELECTIONS)
    plan = resource(view, "Plan")
    rules = plan_rules(plan)
    assert len(rules) == 1
    destinations = copy_destinations(rules[0][1], True)
    assert destinations == ["arn:aws:backup:us-west-2:1:backup-vault:dr"]
    assert arn_region(destinations[0]) == "us-west-2"
    assert copy_elsewhere(view, plan, destinations[0]) is True       # CloudFormation: elsewhere
    assert arn_region("not-an-arn") is UNKNOWN


def test_terraform_copy_to_same_region_vault(tmp_path):
    view = view_of(tmp_path, {
        "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "dr", "region": "eu-central-1"}]},
        "resource": {
            "aws_backup_vault": {"main": {"name": "main"},
                                 "dr": {"provider": "aws.dr", "name": "dr"}},
            "aws_backup_plan": {"p": {"name": "p", "rule": [
                {"rule_name": "a", "target_vault_name": "main",
                 "copy_action": {"destination_vault_arn": "${aws_backup_vault.main.arn}"}},
                {"rule_name": "b", "target_vault_name": "main",
                 "copy_action": {"destination_vault_arn": "${aws_backup_vault.dr.arn}"}}]}},
        }}, name="main.tf.json")
    plan = resource(view, "aws_backup_plan.p")
    verdicts = [copy_elsewhere(view, plan, destination)
                for _, body in plan_rules(plan) for destination in copy_destinations(body, False)]
    assert verdicts == [False, True]


def test_retention_default_written_and_unknown(tmp_path):
    view = view_of(tmp_path, """
        Parameters:
          Days: {Type: Number}
        Resources:
          Default: {Type: AWS::RDS::DBInstance, Properties: {Engine: mysql}}
          Disabled: {Type: AWS::RDS::DBInstance, Properties: {Engine: mysql, BackupRetentionPeriod: "0"}}
          Param: {Type: AWS::RDS::DBCluster, Properties: {Engine: aurora-mysql,
                  BackupRetentionPeriod: !Ref Days}}
        """)
    assert retention_days(resource(view, "Default")) == (1, False)
    assert retention_days(resource(view, "Disabled")) == (0, True)
    assert retention_days(resource(view, "Param")) == (UNKNOWN, True)


def test_provider_default_tags_count_for_tag_selections(tmp_path):
    view = view_of(tmp_path, {
        "provider": {"aws": {"region": "eu-west-1", "default_tags": {"tags": {"backup": "daily"}}}},
        "resource": {
            "aws_efs_file_system": {"files": {}},
            "aws_backup_selection": {"s": {"name": "s", "plan_id": "p", "iam_role_arn": "r",
                                           "selection_tag": {"type": "STRINGEQUALS",
                                                             "key": "backup", "value": "daily"}}},
        }}, name="main.tf.json")
    assert coverage(view, resource(view, "aws_efs_file_system.files")) is True


def test_dlm_and_efs_backup_policy(tmp_path):
    view = view_of(tmp_path, {
        "provider": {"aws": {"region": "eu-west-1"}},
        "resource": {
            "aws_ebs_volume": {"tagged": {"availability_zone": "eu-west-1a", "size": 1,
                                          "tags": {"snap": "yes"}},
                               "plain": {"availability_zone": "eu-west-1a", "size": 1}},
            "aws_dlm_lifecycle_policy": {"p": {"description": "d", "execution_role_arn": "x",
                                               "policy_details": {"resource_types": ["VOLUME"],
                                                                  "target_tags": {"snap": "yes"}}}},
            "aws_efs_file_system": {"on": {}, "off": {}},
            "aws_efs_backup_policy": {"on": {"file_system_id": "${aws_efs_file_system.on.id}",
                                             "backup_policy": {"status": "ENABLED"}}},
        }}, name="main.tf.json")
    assert dlm_coverage(view, resource(view, "aws_ebs_volume.tagged")) is True
    assert dlm_coverage(view, resource(view, "aws_ebs_volume.plain")) is False
    assert efs_backup_policy(view, resource(view, "aws_efs_file_system.on")) is True
    assert efs_backup_policy(view, resource(view, "aws_efs_file_system.off")) is False


PLACEMENT = {
    "provider": {"aws": {"region": "eu-west-1"}},
    "data": {"aws_availability_zones": {"az": {}}},
    "resource": {
        "aws_vpc": {"v": {"cidr_block": "10.0.0.0/16"}},
        "aws_subnet": {
            "public": {"vpc_id": "${aws_vpc.v.id}", "cidr_block": "10.0.0.0/24",
                       "availability_zone": "${data.aws_availability_zones.az.names[0]}"},
            "private": {"count": 2, "vpc_id": "${aws_vpc.v.id}",
                        "cidr_block": "${cidrsubnet(\"10.0.0.0/16\", 8, count.index + 1)}",
                        "availability_zone": "${data.aws_availability_zones.az.names[count.index]}"},
        },
        "aws_nat_gateway": {"one": {"subnet_id": "${aws_subnet.public.id}"}},
        "aws_route_table": {"private": {"vpc_id": "${aws_vpc.v.id}", "route": {
            "cidr_block": "0.0.0.0/0", "nat_gateway_id": "${aws_nat_gateway.one.id}"}}},
        "aws_route_table_association": {"private": {
            "count": 2, "subnet_id": "${aws_subnet.private[count.index].id}",
            "route_table_id": "${aws_route_table.private.id}"}},
        "aws_lb_target_group": {"tg": {"port": 80, "protocol": "HTTP"}},
        "aws_autoscaling_group": {
            "web": {"min_size": 2, "max_size": 2,
                    "vpc_zone_identifier": ["${aws_subnet.private[0].id}",
                                            "${aws_subnet.private[1].id}"]},
            "lone": {"min_size": 1, "max_size": 1,
                     "vpc_zone_identifier": ["${aws_subnet.public.id}"]}},
        "aws_autoscaling_attachment": {"web": {
            "autoscaling_group_name": "${aws_autoscaling_group.web.id}",
            "lb_target_group_arn": "${aws_lb_target_group.tg.arn}"}},
        "aws_ecs_service": {"api": {"name": "api", "desired_count": 1}},
        "aws_appautoscaling_target": {"api": {
            "min_capacity": 2, "max_capacity": 4,
            "resource_id": "service/main/${aws_ecs_service.api.name}"}},
        "aws_rds_cluster": {"c": {"engine": "aurora-mysql"}},
        "aws_rds_cluster_instance": {"m": {"count": 3, "cluster_identifier": "${aws_rds_cluster.c.id}"}},
        "aws_db_instance": {"db": {"engine": "mysql"}},
    },
}


def test_nat_dependants_follow_route_tables(tmp_path):
    view = view_of(tmp_path, PLACEMENT, name="main.tf.json")
    served = nat_dependants(view)
    nat = resource(view, "aws_nat_gateway.one")
    assert [subnet.address for subnet in served[nat]] == ["aws_subnet.private"]
    assert view.subnet_zones(served[nat]).at_least(2) is True


def test_app_tiers_attachments_members_and_scaling(tmp_path):
    view = view_of(tmp_path, PLACEMENT, name="main.tf.json")
    tiers = multi_az_app_tiers(view, resource(view, "aws_db_instance.db"))
    assert [tier.address for tier in tiers] == ["aws_autoscaling_group.web"]
    assert load_balancer_attachments(view, resource(view, "aws_autoscaling_group.web")) == [None]
    assert load_balancer_attachments(view, resource(view, "aws_autoscaling_group.lone")) == []
    members = cluster_members(view, resource(view, "aws_rds_cluster.c"))
    assert [member.instance_count for member in members] == [3]
    assert scaling_minimum(view, resource(view, "aws_ecs_service.api")) == 2

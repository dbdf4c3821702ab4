from wa_lint.query import UNKNOWN, ZoneSet
from wa_lint.query.network import VPC_SUBNETS, vpc_subnets
from wa_lint.rule import rule

# resource type -> (what it is, where its subnets or zones are written, severity)
TIERS = {
    "AWS::ElasticLoadBalancingV2::LoadBalancer":
        ("load balancer", ("Subnets", "SubnetMappings/*/SubnetId"), "error"),
    "AWS::ElasticLoadBalancing::LoadBalancer":
        ("load balancer", ("Subnets", "AvailabilityZones"), "error"),
    "AWS::AutoScaling::AutoScalingGroup":
        ("Auto Scaling group", ("VPCZoneIdentifier", "AvailabilityZones"), "error"),
    "AWS::ECS::Service":
        ("ECS service", ("NetworkConfiguration/AwsvpcConfiguration/Subnets",), "error"),
    "AWS::EKS::Cluster": ("EKS cluster", ("ResourcesVpcConfig/SubnetIds",), "error"),
    "AWS::EKS::Nodegroup": ("EKS node group", ("Subnets",), "error"),
    "AWS::MSK::Cluster": ("MSK cluster", ("BrokerNodeGroupInfo/ClientSubnets",), "error"),
    "AWS::RDS::DBSubnetGroup": ("DB subnet group", ("SubnetIds",), "error"),
    "AWS::DocDB::DBSubnetGroup": ("DB subnet group", ("SubnetIds",), "error"),
    "AWS::Neptune::DBSubnetGroup": ("DB subnet group", ("SubnetIds",), "error"),
    "AWS::ElastiCache::SubnetGroup": ("cache subnet group", ("SubnetIds",), "error"),
    "AWS::DAX::SubnetGroup": ("DAX subnet group", ("SubnetIds",), "error"),
    "AWS::Redshift::ClusterSubnetGroup": ("Redshift subnet group", ("SubnetIds",), "warning"),
    "AWS::Lambda::Function": ("VPC function", ("VpcConfig/SubnetIds",), "warning"),
    "AWS::Serverless::Function": ("VPC function", ("VpcConfig/SubnetIds",), "warning"),
    "aws_lb": ("load balancer", ("subnets", "subnet_mapping/*/subnet_id"), "error"),
    "aws_alb": ("load balancer", ("subnets", "subnet_mapping/*/subnet_id"), "error"),
    "aws_elb": ("load balancer", ("subnets", "availability_zones"), "error"),
    "aws_autoscaling_group":
        ("Auto Scaling group", ("vpc_zone_identifier", "availability_zones"), "error"),
    "aws_ecs_service": ("ECS service", ("network_configuration/subnets",), "error"),
    "aws_eks_cluster": ("EKS cluster", ("vpc_config/subnet_ids",), "error"),
    "aws_eks_node_group": ("EKS node group", ("subnet_ids",), "error"),
    "aws_msk_cluster": ("MSK cluster", ("broker_node_group_info/client_subnets",), "error"),
    "aws_db_subnet_group": ("DB subnet group", ("subnet_ids",), "error"),
    "aws_docdb_subnet_group": ("DB subnet group", ("subnet_ids",), "error"),
    "aws_neptune_subnet_group": ("DB subnet group", ("subnet_ids",), "error"),
    "aws_elasticache_subnet_group": ("cache subnet group", ("subnet_ids",), "error"),
    "aws_dax_subnet_group": ("DAX subnet group", ("subnet_ids",), "error"),
    "aws_redshift_subnet_group": ("Redshift subnet group", ("subnet_ids",), "warning"),
    "aws_lambda_function": ("VPC function", ("vpc_config/subnet_ids",), "warning"),
}
# containers whose members carry the placement: (member types, member's reference, member's subnet)
FILE_SYSTEMS = {
    "AWS::EFS::FileSystem": ("AWS::EFS::MountTarget", "FileSystemId", "SubnetId",
                             "AvailabilityZoneName"),
    "aws_efs_file_system": ("aws_efs_mount_target", "file_system_id", "subnet_id",
                            "availability_zone_name"),
}


@rule(id="REL101", name="single-az", pillar="reliability", severity="error",
      resource_types=(*TIERS, *FILE_SYSTEMS, *VPC_SUBNETS), bp=("REL10-BP01", "REL11-BP02"),
      options={"min-zones": 2})
def single_az(view):
    """Multi-instance tier confined to a single Availability Zone

    ## What it checks
    Load balancers, Auto Scaling groups, ECS services, EKS clusters and node
    groups, MSK clusters, database and cache subnet groups, VPC-attached
    functions, EFS file systems (through their mount targets) and VPCs (through
    their subnets) must be placed in at least two distinct Availability Zones.
    Zones are resolved through the graph: a tier references subnets, each subnet
    names its zone literally, as `!Select [i, !GetAZs '']` or as
    `data.aws_availability_zones.x.names[i]` (different indexes are different
    zones, equal indexes the same zone), or with `count` over those names.

    The minimum is the parameter `min-zones` (default 2; set 3 for production
    tiers in `.wa-lint.yaml`: `rules: {single-az: {min-zones: 3}}`).

    A tier is reported only when every placement is known. Subnets passed in as
    parameters without defaults, imported from other stacks that are not in the
    run, or created with an unknown count make the zone count unknown, and the
    rule stays silent. EFS One Zone file systems are reported as single-zone.

    ## Why it matters
    An Availability Zone is the unit of failure AWS designs for. A tier whose
    instances all live in one zone goes down with that zone, however many
    instances it has: the load balancer has no healthy node to route to, the
    Auto Scaling group cannot launch replacements elsewhere, and a database
    subnet group cannot host a standby in another zone (REL10-BP01, REL11-BP02).

    ## How to fix
    Give the tier subnets in two or more zones (three for production), one per
    zone:

    ```yaml
    PublicSubnetA:
      Type: AWS::EC2::Subnet
      Properties:
        VpcId: !Ref Vpc
        CidrBlock: 10.0.0.0/24
        AvailabilityZone: !Select [0, !GetAZs '']
    PublicSubnetB:
      Type: AWS::EC2::Subnet
      Properties:
        VpcId: !Ref Vpc
        CidrBlock: 10.0.1.0/24
        AvailabilityZone: !Select [1, !GetAZs '']
    LoadBalancer:
      Type: AWS::ElasticLoadBalancingV2::LoadBalancer
      Properties:
        Subnets: [!Ref PublicSubnetA, !Ref PublicSubnetB]
    ```

    ```json
    {"resource": {"aws_subnet": {"public": {
      "count": 2, "vpc_id": "${aws_vpc.main.id}",
      "cidr_block": "${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)}",
      "availability_zone": "${data.aws_availability_zones.available.names[count.index]}"}}}}
    ```

    ## Known limits
    Zones of subnets outside the run (parameters, imports, data sources that
    look subnets up) are unknown, so such tiers are not checked.
    """
    wanted = view.option("min-zones")
    for tier in view.resources(*TIERS):
        label, paths, severity = TIERS[tier.type]
        zones = view.zones(tier, *paths)
        if zones.at_least(wanted) is not False:
            continue
        where = next((path for path in paths if tier.values(path)), paths[0])
        yield tier.finding(where.split("/*")[0],
                           f"{label[0].upper()}{label[1:]} {tier} is placed in "
                           f"{_zone_count(zones, wanted)}", severity=severity)

    for file_system in view.resources(*FILE_SYSTEMS):
        member_type, reference, subnet_path, one_zone = FILE_SYSTEMS[file_system.type]
        zone_name = file_system.get(one_zone)
        if zone_name is not None and zone_name is not UNKNOWN:
            yield file_system.finding(one_zone, f"EFS file system {file_system} uses One Zone "
                                                f"storage ({zone_name})", severity="warning")
            continue
        targets = view.referrers(file_system, (member_type,), path=reference)
        zones = ZoneSet(frozenset())
        for target in targets:
            zones |= view.zones(target, subnet_path)
        if zones.at_least(wanted) is False:
            yield file_system.finding(None, f"EFS file system {file_system} has mount targets "
                                            f"in {_zone_count(zones, wanted)}",
                                      severity="warning")

    for vpc in view.resources(*VPC_SUBNETS):
        subnets = vpc_subnets(view, vpc)
        if not subnets:
            continue
        zones = view.subnet_zones(subnets)
        if zones.at_least(wanted) is False:
            yield vpc.finding(None, f"The subnets of VPC {vpc} are in "
                                    f"{_zone_count(zones, wanted)}", severity="warning")


def _zone_count(zones, wanted):
    if len(zones.zones) <= 1:
        return f"a single Availability Zone ({zones})"
    return f"only {len(zones.zones)} Availability Zones ({zones}); {wanted} are required"

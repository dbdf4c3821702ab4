from wa_lint.query import UNKNOWN
from wa_lint.query.network import VPC_SUBNETS, is_public_subnet, vpc_subnets
from wa_lint.rule import rule


@rule(id="REL115", name="vpc-tier-single-az", pillar="reliability", severity="warning",
      resource_types=VPC_SUBNETS, bp=("REL10-BP01", "REL02-BP03"))
def vpc_tier_single_az(view):
    """Public or private subnet tier of a multi-AZ VPC sits in one Availability Zone

    ## What it checks
    The subnets of each VPC are split into a public tier (the subnet's route
    table sends `0.0.0.0/0` to an internet gateway) and a private tier (any
    other default route, or none; a subnet without an association uses the
    main route table). When the VPC as a whole spans two or more zones but one
    tier has all its subnets in a single zone, the VPC is reported: the tier is
    the single point of failure of an otherwise multi-AZ network. A VPC whose
    subnets are all in one zone is reported by `single-az` instead. VPCs with a
    subnet whose route table or zone cannot be resolved are not judged.

    ## Why it matters
    Load balancers and NAT gateways live in the public tier, application and
    data tiers in the private one. If either tier exists in one zone only, the
    resources placed in it cannot be spread: internet-facing load balancers
    need public subnets in two zones, and private workloads confined to one
    zone go down with it (REL10-BP01, REL02-BP03).

    ## How to fix
    Give each tier one subnet per zone, with the route table that tier uses:

    ```yaml
    PrivateSubnetB:
      Type: AWS::EC2::Subnet
      Properties:
        VpcId: !Ref Vpc
        CidrBlock: 10.0.11.0/24
        AvailabilityZone: !Select [1, !GetAZs ""]
    PrivateSubnetBRoutes:
      Type: AWS::EC2::SubnetRouteTableAssociation
      Properties:
        SubnetId: !Ref PrivateSubnetB
        RouteTableId: !Ref PrivateRoutesB
    ```

    ```json
    {"resource": {"aws_subnet": {"private": {
      "count": 2, "vpc_id": "${aws_vpc.main.id}",
      "cidr_block": "${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index + 10)}",
      "availability_zone": "${data.aws_availability_zones.available.names[count.index]}"}}}}
    ```
    """
    for vpc in view.resources():
        subnets = vpc_subnets(view, vpc)
        if not subnets or view.subnet_zones(subnets).at_least(2) is not True:
            continue
        tiers: dict[str, list] = {"public": [], "private": []}
        known = True
        for subnet in subnets:
            public = is_public_subnet(view, subnet)
            if public is UNKNOWN:
                known = False
                break
            tiers["public" if public else "private"].append(subnet)
        if not known:
            continue
        for tier, members in tiers.items():
            if not members:
                continue
            zones = view.subnet_zones(members)
            if zones.at_least(2) is False:
                yield vpc.finding(None, f"The {tier} subnets of VPC {vpc} are all in one "
                                        f"Availability Zone ({zones})")

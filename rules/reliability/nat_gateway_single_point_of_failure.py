from wa_lint.query.network import NAT_GATEWAY_TYPES
from wa_lint.query.placement import nat_dependants
from wa_lint.rule import rule

SUBNET_KEY = {"AWS::EC2::NatGateway": "SubnetId", "aws_nat_gateway": "subnet_id"}


@rule(id="REL102", name="nat-gateway-single-point-of-failure", pillar="reliability",
      severity="warning", resource_types=NAT_GATEWAY_TYPES,
      bp=("REL10-BP01", "REL02-BP01"))
def nat_gateway_single_point_of_failure(view):
    """One NAT gateway is the egress of private subnets in several Availability Zones

    ## What it checks
    For every NAT gateway, the subnets whose default route (`0.0.0.0/0`) goes
    through it are collected: subnet route table associations lead to route
    tables, their routes (`AWS::EC2::Route`, `aws_route`, inline `route`
    blocks) to the gateway. When those subnets are proven to lie in two or more
    Availability Zones, the gateway (itself in one zone) is reported. Terraform
    gateways declared with `count` or `for_each` stand for one gateway per
    instance and are not judged; subnets whose route tables are outside the
    run are ignored.

    ## Why it matters
    A NAT gateway is a zonal resource. When its zone fails, every private
    subnet that routes through it loses outbound connectivity, including the
    subnets in zones that are still healthy, so a multi-AZ tier becomes
    unreachable to the APIs and services it calls. Traffic from the other
    zones also pays cross-zone data charges (REL10-BP01, REL02-BP01).

    ## How to fix
    Create one NAT gateway per zone, in a public subnet of that zone, and give
    each zone's private subnets a route table that uses the local gateway:

    ```yaml
    NatA:
      Type: AWS::EC2::NatGateway
      Properties:
        SubnetId: !Ref PublicSubnetA
        AllocationId: !GetAtt NatAddressA.AllocationId
    PrivateRoutesA:
      Type: AWS::EC2::RouteTable
      Properties:
        VpcId: !Ref Vpc
    DefaultRouteA:
      Type: AWS::EC2::Route
      Properties:
        RouteTableId: !Ref PrivateRoutesA
        DestinationCidrBlock: 0.0.0.0/0
        NatGatewayId: !Ref NatA
    ```

    ```json
    {"resource": {"aws_nat_gateway": {"zone": {
      "count": 2, "allocation_id": "${aws_eip.nat[count.index].id}",
      "subnet_id": "${aws_subnet.public[count.index].id}"}},
     "aws_route_table": {"private": {
      "count": 2, "vpc_id": "${aws_vpc.main.id}",
      "route": {"cidr_block": "0.0.0.0/0",
                "nat_gateway_id": "${aws_nat_gateway.zone[count.index].id}"}}}}}
    ```

    ## Known limits
    A single NAT gateway is a common, deliberate cost saving in development
    environments; suppress the finding there with the reason.
    """
    for gateway, subnets in nat_dependants(view).items():
        if gateway.type not in SUBNET_KEY or gateway.instance_count != 1:
            continue
        zones = view.subnet_zones(subnets)
        if zones.at_least(2) is not True:
            continue
        home = view.zones(gateway, SUBNET_KEY[gateway.type])
        where = f" (in {home})" if home.count() == 1 else ""
        yield gateway.finding(SUBNET_KEY[gateway.type],
                              f"NAT gateway {gateway}{where} is the egress of private "
                              f"subnets in {zones}")

"""VPC networking: route tables, public and private subnets, NAT and internet gateways.

A subnet is *public* when its route table sends ``0.0.0.0/0`` (or ``::/0``)
to an internet gateway, *private* when the default route goes elsewhere (a NAT
gateway, a transit gateway ...) or nowhere. A subnet without an explicit
association uses its VPC's main route table: in CloudFormation that table is
never written in the template and holds only the local route, so such a
subnet is private; in Terraform an ``aws_main_route_table_association`` or
``aws_default_route_table`` says otherwise, as does an ``aws_route`` whose
``route_table_id`` is ``aws_vpc.x.main_route_table_id``.
"""

from __future__ import annotations

from ..values import UNKNOWN
from . import Resource, View

SUBNET_TYPES = ("AWS::EC2::Subnet", "aws_subnet", "aws_default_subnet")
INTERNET_GATEWAY_TYPES = ("AWS::EC2::InternetGateway", "aws_internet_gateway",
                          "AWS::EC2::EgressOnlyInternetGateway",
                          "aws_egress_only_internet_gateway")
NAT_GATEWAY_TYPES = ("AWS::EC2::NatGateway", "aws_nat_gateway")
DEFAULT_DESTINATIONS = ("0.0.0.0/0", "::/0")

# (association type, its subnet reference, its route table reference)
ASSOCIATIONS = (("AWS::EC2::SubnetRouteTableAssociation", "SubnetId", "RouteTableId"),
                ("aws_route_table_association", "subnet_id", "route_table_id"))
# (route type, its route table reference, destination keys)
ROUTES = (("AWS::EC2::Route", "RouteTableId", ("DestinationCidrBlock",
                                               "DestinationIpv6CidrBlock")),
          ("aws_route", "route_table_id", ("destination_cidr_block",
                                           "destination_ipv6_cidr_block")))
TARGET_KEYS = ("GatewayId", "NatGatewayId", "TransitGatewayId", "EgressOnlyInternetGatewayId",
               "VpcPeeringConnectionId", "NetworkInterfaceId", "InstanceId", "VpcEndpointId",
               "gateway_id", "nat_gateway_id", "transit_gateway_id",
               "egress_only_gateway_id", "vpc_peering_connection_id", "network_interface_id",
               "vpc_endpoint_id")


# VPC type -> (its subnet type, the subnet's reference to the VPC)
VPC_SUBNETS = {"AWS::EC2::VPC": ("AWS::EC2::Subnet", "VpcId"), "aws_vpc": ("aws_subnet", "vpc_id")}


def vpc_subnets(view: View, vpc: Resource) -> list[Resource]:
    """The subnets of the run that a VPC holds."""
    subnet_type, reference = VPC_SUBNETS[vpc.type]
    return view.referrers(vpc, (subnet_type,), path=reference)


def route_tables_of(view: View, subnet: Resource) -> object:
    """The route tables a subnet uses (explicit associations, else the main table).

    Returns a list of route-table resources, an empty list for "the implicit
    main table with only the local route", or UNKNOWN when an association
    points at a table outside the run.
    """
    tables: list[Resource] = []
    for association_type, subnet_key, table_key in ASSOCIATIONS:
        for association in view.referrers(subnet, (association_type,), path=subnet_key):
            table = view.referenced(association, table_key)
            if not table:
                return UNKNOWN
            tables.extend(table)
    if tables:
        return tables
    if subnet.is_cloudformation:
        return []
    vpc = view.referenced(subnet, "vpc_id")
    if not vpc:
        return UNKNOWN if subnet.get("vpc_id") is not None else []
    main = view.referrers(vpc[0], ("aws_main_route_table_association",), path="vpc_id")
    tables = [table for association in main
              for table in view.referenced(association, "route_table_id")]
    tables += view.referrers(vpc[0], ("aws_default_route_table",),
                             path="default_route_table_id")
    if view.referrers(vpc[0], ("aws_route",), path="route_table_id"):
        # routes added to the main table through aws_vpc.x.main_route_table_id: the VPC
        # stands for its main table (default_route_targets reads routes that reference it)
        tables.append(vpc[0])
    return tables


def default_route_targets(view: View, table: Resource) -> object:
    """Resources the table's default route (0.0.0.0/0, ::/0) points at; UNKNOWN if unresolvable."""
    targets: list[Resource] = []
    for route_type, table_key, destination_keys in ROUTES:
        for route in view.referrers(table, (route_type,), path=table_key):
            destination = next((route.get(key) for key in destination_keys
                                if route.get(key) is not None), None)
            if destination is UNKNOWN:
                return UNKNOWN
            if destination in DEFAULT_DESTINATIONS:
                found = [target for key in TARGET_KEYS for target in view.referenced(route, key)]
                if not found:
                    return UNKNOWN
                targets.extend(found)
    for path, block in table.blocks("route"):  # Terraform inline routes
        destination = block.get("cidr_block") or block.get("ipv6_cidr_block")
        if destination is UNKNOWN:
            return UNKNOWN
        if destination in DEFAULT_DESTINATIONS:
            found = [target for key in TARGET_KEYS
                     for target in view.referenced(table, (*path, key))]
            if not found:
                return UNKNOWN
            targets.extend(found)
    return targets


def is_public_subnet(view: View, subnet: Resource) -> object:
    """True when the subnet's default route leads to an internet gateway; UNKNOWN if unclear."""
    tables = route_tables_of(view, subnet)
    if tables is UNKNOWN:
        return UNKNOWN
    for table in tables:
        targets = default_route_targets(view, table)
        if targets is UNKNOWN:
            return UNKNOWN
        if any(target.type in INTERNET_GATEWAY_TYPES[:2] for target in targets):
            return True
    return False


def nat_gateways_of(view: View, subnet: Resource) -> object:
    """The NAT gateways a subnet's default route uses; UNKNOWN if unclear."""
    tables = route_tables_of(view, subnet)
    if tables is UNKNOWN:
        return UNKNOWN
    gateways: list[Resource] = []
    for table in tables:
        targets = default_route_targets(view, table)
        if targets is UNKNOWN:
            return UNKNOWN
        gateways.extend(target for target in targets if target.type in NAT_GATEWAY_TYPES)
    return gateways


def subnets_referenced(view: View, resource: Resource, *paths: str) -> list[Resource]:
    """Subnets a resource references under ``paths`` (all of them if no path is given)."""
    if not paths:
        return view.referenced(resource, None, SUBNET_TYPES)
    found: dict = {}
    for path in paths:
        for subnet in view.referenced(resource, path, SUBNET_TYPES):
            found.setdefault(subnet.id, subnet)
    return list(found.values())

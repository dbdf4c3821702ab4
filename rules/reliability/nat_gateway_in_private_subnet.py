from wa_lint.query import UNKNOWN
from wa_lint.query.network import NAT_GATEWAY_TYPES, SUBNET_TYPES, is_public_subnet
from wa_lint.rule import rule

KEYS = {"AWS::EC2::NatGateway": ("SubnetId", "ConnectivityType"),
        "aws_nat_gateway": ("subnet_id", "connectivity_type")}


@rule(id="REL116", name="nat-gateway-in-private-subnet", pillar="reliability",
      severity="error", resource_types=NAT_GATEWAY_TYPES, bp=("REL02-BP01", "REL10-BP01"))
def nat_gateway_in_private_subnet(view):
    """Public NAT gateway is placed in a subnet without a route to the internet

    ## What it checks
    A public NAT gateway (`ConnectivityType` absent or `public`; Terraform
    `connectivity_type`) must sit in a public subnet: one whose route table
    sends `0.0.0.0/0` to an internet gateway. The subnet's route table is
    found through its route table association (or, in Terraform, the VPC's
    main route table). Private NAT gateways, and subnets whose routing cannot
    be resolved, are not judged.

    ## Why it matters
    A NAT gateway forwards traffic to the internet through the route table of
    the subnet it sits in. In a subnet without an internet gateway route it
    deploys without error and then drops every connection, so the private
    subnets that depend on it have no egress at all: package installs, API
    calls and patching fail (REL02-BP01, REL10-BP01).

    ## How to fix
    Place the NAT gateway in a public subnet of the same zone:

    ```yaml
    Nat:
      Type: AWS::EC2::NatGateway
      Properties:
        SubnetId: !Ref PublicSubnetA
        AllocationId: !GetAtt NatAddress.AllocationId
    ```

    ```json
    {"resource": {"aws_nat_gateway": {"a": {
      "subnet_id": "${aws_subnet.public[0].id}",
      "allocation_id": "${aws_eip.nat.id}"}}}}
    ```
    """
    for gateway in view.resources():
        subnet_key, connectivity_key = KEYS[gateway.type]
        connectivity = gateway.get(connectivity_key)
        if connectivity is UNKNOWN or (connectivity is not None and connectivity != "public"):
            continue
        subnets = view.referenced(gateway, subnet_key, SUBNET_TYPES)
        if len(subnets) != 1:
            continue
        if is_public_subnet(view, subnets[0]) is False:
            yield gateway.finding(subnet_key, f"NAT gateway {gateway} is in subnet "
                                              f"{subnets[0]}, which has no route to an "
                                              "internet gateway")

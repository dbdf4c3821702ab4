import re

from wa_lint.query.cost import raw_text
from wa_lint.query.network import NAT_GATEWAY_TYPES
from wa_lint.rule import rule

VPCS = {"AWS::EC2::VPC": "VpcId", "aws_vpc": "vpc_id"}
SUBNETS = {"AWS::EC2::Subnet": "VpcId", "aws_subnet": "vpc_id"}
ENDPOINTS = {"AWS::EC2::VPCEndpoint": ("VpcId", "ServiceName"),
             "aws_vpc_endpoint": ("vpc_id", "service_name")}
# the last label of a service name as written: com.amazonaws.${AWS::Region}.s3 -> s3
LAST_LABEL = re.compile(r"\.([a-z0-9-]+)\"?[\]}\s]*$")


@rule(id="COST113", name="nat-without-s3-gateway-endpoint", pillar="cost-optimization",
      severity="note", resource_types=VPCS, bp=("COST08-BP03", "SUS04-BP07"))
def nat_without_s3_gateway_endpoint(view):
    """VPC sends S3 traffic through a NAT gateway: no S3 gateway endpoint

    ## What it checks
    A VPC with at least one NAT gateway in its subnets and no VPC endpoint
    for Amazon S3 (`AWS::EC2::VPCEndpoint` or `aws_vpc_endpoint` on the VPC
    whose service name ends in `.s3`). An endpoint whose service name cannot
    be read makes the VPC unjudged.

    ## Why it matters
    Without an endpoint, traffic from private subnets to S3 (application
    data, package mirrors, container image layers pulled from ECR) goes
    through the NAT gateway and is charged per GB processed. A gateway
    endpoint for S3 (and one for DynamoDB) is free and keeps that traffic
    on the AWS network (COST08-BP03, SUS04-BP07).

    ## How to fix
    Add a gateway endpoint and associate it with the private route tables:

    ```yaml
    S3Endpoint:
      Type: AWS::EC2::VPCEndpoint
      Properties:
        VpcId: !Ref Vpc
        ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
        VpcEndpointType: Gateway
        RouteTableIds: [!Ref PrivateRoutes]
    ```

    ```json
    {"resource": {"aws_vpc_endpoint": {"s3": {"vpc_id": "${aws_vpc.main.id}",
      "service_name": "com.amazonaws.eu-west-1.s3", "vpc_endpoint_type": "Gateway",
      "route_table_ids": ["${aws_route_table.private.id}"]}}}}
    ```

    ## Known limits
    Endpoints created outside the run (another stack, a shared-services
    VPC) are not seen.
    """
    nats_of: dict = {}   # VPC -> its NAT gateways, in run order (one pass, not one per VPC)
    for nat in view.resources(*NAT_GATEWAY_TYPES):
        for subnet in view.referenced(nat, _subnet_key(nat), SUBNETS):
            for vpc in view.referenced(subnet, SUBNETS[subnet.type]):
                if nat not in nats_of.setdefault(vpc, []):
                    nats_of[vpc].append(nat)
    for vpc in view.resources():
        nats = nats_of.get(vpc)
        if not nats:
            continue
        verdicts = [_is_s3(view, endpoint) for endpoint in view.referrers(vpc, ENDPOINTS)
                    if vpc in view.referenced(endpoint, ENDPOINTS[endpoint.type][0])]
        if any(verdict is not False for verdict in verdicts):
            continue
        yield vpc.finding(None, f"VPC {vpc} has NAT gateway {nats[0]} but no S3 endpoint: "
                                "traffic to S3 is billed per GB through the NAT gateway")


def _subnet_key(nat):
    return "SubnetId" if nat.is_cloudformation else "subnet_id"


def _is_s3(view, endpoint):
    """True/False when the service name is readable, else None."""
    key = ENDPOINTS[endpoint.type][1]
    value = endpoint.get(key)
    if isinstance(value, str):
        return value.endswith(".s3")
    for service in view.referenced(endpoint, key, ("aws_vpc_endpoint_service",)):
        name = service.get("service")
        return name == "s3" if isinstance(name, str) else None
    text = raw_text(endpoint, key)
    match = LAST_LABEL.search(text) if "com.amazonaws." in text else None
    return match.group(1) == "s3" if match else None

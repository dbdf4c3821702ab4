from wa_lint.query import UNKNOWN
from wa_lint.query.exposure import flow_logs_of
from wa_lint.rule import rule

VPCS = ("AWS::EC2::VPC", "aws_vpc")
FLOW_LOGS = ("AWS::EC2::FlowLog", "aws_flow_log")


@rule(id="SEC305", name="vpc-without-flow-logs", pillar="security", severity="warning",
      resource_types=(*VPCS, *FLOW_LOGS), bp=("SEC04-BP01",))
def vpc_without_flow_logs(view):
    """VPC records no flow logs

    ## What it checks
    Every VPC (`AWS::EC2::VPC`, `aws_vpc`) needs a flow log that names it
    (`AWS::EC2::FlowLog` with `ResourceId` the VPC, `aws_flow_log` with
    `vpc_id`), or flow logs on its subnets. A VPC has no flow log by default.

    When a template holds a flow log whose target cannot be resolved (a
    parameter, an import) its VPCs are not judged: that log may be theirs.

    ## Why it matters
    Flow logs are the record of which addresses talked to what in the VPC:
    without them an investigation cannot tell whether data left the network,
    which hosts were scanned or where an attacker moved (SEC04-BP01).

    ## How to fix
    Add a flow log for the VPC, to CloudWatch Logs or S3:

    ```yaml
    VpcFlowLog:
      Type: AWS::EC2::FlowLog
      Properties:
        ResourceId: !Ref Vpc
        ResourceType: VPC
        TrafficType: ALL
        LogDestinationType: s3
        LogDestination: !GetAtt FlowLogBucket.Arn
    ```

    ```json
    {"resource": {"aws_flow_log": {"main": {"vpc_id": "${aws_vpc.main.id}",
      "traffic_type": "ALL", "log_destination_type": "s3",
      "log_destination": "${aws_s3_bucket.flow_logs.arn}"}}}}
    ```
    """
    covered, unresolved = set(), set()
    for log in view.resources(*FLOW_LOGS):
        targets = flow_logs_of(view, log)
        if targets is UNKNOWN:
            unresolved.add(log.file)
        else:
            covered.update(target.id for target in targets)
    for vpc in view.resources(*VPCS):
        if vpc.id in covered or vpc.file in unresolved:
            continue
        subnets = [subnet for subnet in view.referrers(vpc, ("AWS::EC2::Subnet", "aws_subnet"))]
        if subnets and all(subnet.id in covered for subnet in subnets):
            continue
        yield vpc.finding(None, f"VPC {vpc} has no flow log")

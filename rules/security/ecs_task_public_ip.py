from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.network import is_public_subnet, subnets_referenced
from wa_lint.rule import rule

KEYS = {"AWS::ECS::Service": "NetworkConfiguration/AwsvpcConfiguration/AssignPublicIp",
        "aws_ecs_service": "network_configuration/assign_public_ip"}
SUBNETS = {"AWS::ECS::Service": "NetworkConfiguration/AwsvpcConfiguration/Subnets",
           "aws_ecs_service": "network_configuration/subnets"}


@rule(id="SEC315", name="ecs-task-public-ip", pillar="security", severity="note",
      resource_types=KEYS, bp=("SEC05-BP01",))
def ecs_task_public_ip(view):
    """ECS service gives its tasks public IP addresses

    ## What it checks
    ECS services using `awsvpc` networking whose tasks get a public IP
    address: `AssignPublicIp: ENABLED` (`assign_public_ip = true`). The
    default is `DISABLED` / false. A service whose subnets are all in the
    run and private (no route to an internet gateway) is not reported: its
    public addresses are unreachable. Values that cannot be resolved are not
    judged.

    ## Why it matters
    A task with a public IP in a public subnet can be reached directly from
    the internet, past the load balancer, its TLS policy and any WAF in
    front of it; only its security group stands in the way. Workloads
    belong in private subnets behind the public tier (SEC05-BP01). Public
    IPs are often assigned only so that tasks can pull images, which VPC
    endpoints or a NAT gateway do without exposing the tasks.

    ## How to fix
    Run the tasks in private subnets without public IPs, and reach ECR, S3
    and CloudWatch Logs through VPC endpoints or a NAT gateway:

    ```yaml
    Service:
      Type: AWS::ECS::Service
      Properties:
        Cluster: !Ref Cluster
        TaskDefinition: !Ref TaskDefinition
        LaunchType: FARGATE
        NetworkConfiguration:
          AwsvpcConfiguration:
            AssignPublicIp: DISABLED
            Subnets: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
            SecurityGroups: [!Ref ServiceSecurityGroup]
    ```

    ```json
    {"resource": {"aws_ecs_service": {"app": {"name": "app",
      "cluster": "${aws_ecs_cluster.main.id}",
      "task_definition": "${aws_ecs_task_definition.app.arn}",
      "network_configuration": {"assign_public_ip": false,
        "subnets": ["${aws_subnet.private_a.id}", "${aws_subnet.private_b.id}"],
        "security_groups": ["${aws_security_group.app.id}"]}}}}}
    ```
    """
    for service in view.resources():
        key = KEYS[service.type]
        value = service.get(key)
        if value is UNKNOWN or value is None:
            continue
        enabled = value.upper() == "ENABLED" if isinstance(value, str) and \
            service.is_cloudformation else as_bool(value) is True
        if enabled and not _all_private(view, service):
            yield service.finding(key, f"Service {service} assigns public IP addresses to its "
                                       "tasks")


def _all_private(view, service) -> bool:
    """Whether every subnet of the service is in the run and has no route to the internet."""
    written = service.items(SUBNETS[service.type])
    subnets = subnets_referenced(view, service, SUBNETS[service.type])
    if not written or len(subnets) < len(written):
        return False
    return all(is_public_subnet(view, subnet) is False for subnet in subnets)

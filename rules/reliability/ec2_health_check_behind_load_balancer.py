from wa_lint.query import UNKNOWN
from wa_lint.query.placement import ASG_TYPES, load_balancer_attachments
from wa_lint.rule import rule

HEALTH_CHECK = {"AWS::AutoScaling::AutoScalingGroup": "HealthCheckType",
                "aws_autoscaling_group": "health_check_type"}


@rule(id="REL104", name="ec2-health-check-behind-load-balancer", pillar="reliability",
      severity="warning", resource_types=ASG_TYPES, bp=("REL11-BP01", "REL11-BP03"))
def ec2_health_check_behind_load_balancer(view):
    """Load-balanced Auto Scaling group replaces instances on EC2 status checks only

    ## What it checks
    An Auto Scaling group that is attached to a load balancer (through
    `TargetGroupARNs`, `LoadBalancerNames` or `TrafficSources`; in Terraform
    `target_group_arns`, `load_balancers`, `traffic_source` or a separate
    `aws_autoscaling_attachment` / `aws_autoscaling_traffic_source_attachment`)
    must set `HealthCheckType: ELB` (or `VPC_LATTICE`). The default is `EC2`,
    which only sees whether the virtual machine is running.

    ## Why it matters
    With EC2 health checks the group never replaces an instance whose
    application has crashed, hung or lost its dependencies: the instance keeps
    running, the load balancer marks it unhealthy and stops sending it traffic,
    and the fleet quietly shrinks while the group reports full capacity. With
    ELB health checks, the instances the load balancer finds unhealthy are
    terminated and replaced automatically (REL11-BP01, REL11-BP03).

    ## How to fix
    Use the load balancer's health checks, with a grace period long enough for
    an instance to boot:

    ```yaml
    Web:
      Type: AWS::AutoScaling::AutoScalingGroup
      Properties:
        MinSize: "2"
        MaxSize: "6"
        TargetGroupARNs: [!Ref WebTargets]
        HealthCheckType: ELB
        HealthCheckGracePeriod: 300
    ```

    ```json
    {"resource": {"aws_autoscaling_group": {"web": {
      "min_size": 2, "max_size": 6,
      "target_group_arns": ["${aws_lb_target_group.web.arn}"],
      "health_check_type": "ELB", "health_check_grace_period": 300}}}}
    ```

    ## Known limits
    A group attached to a load balancer outside the run through a separate
    resource that is not in the run is not seen.
    """
    for group in view.resources():
        attachments = load_balancer_attachments(view, group)
        if attachments is UNKNOWN or not attachments:
            continue
        key = HEALTH_CHECK[group.type]
        value = group.get(key)
        if value is UNKNOWN:
            continue
        kinds = {part.strip().upper() for part in value.split(",")} \
            if isinstance(value, str) else set()
        if kinds & {"ELB", "VPC_LATTICE"}:
            continue
        how = "uses EC2 health checks" if value is not None else \
            "uses the default EC2 health checks"
        yield group.finding(key, f"Auto Scaling group {group} is behind a load balancer but "
                                 f"{how}")

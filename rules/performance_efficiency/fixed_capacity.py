from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.compute import asg_scalers, scalable_target_of
from wa_lint.query.placement import ASG_TYPES, ECS_SERVICE_TYPES
from wa_lint.rule import rule

SIZES = {"AWS::AutoScaling::AutoScalingGroup": ("MinSize", "MaxSize", "DesiredCapacity"),
         "aws_autoscaling_group": ("min_size", "max_size", "desired_capacity")}


@rule(id="PERF103", name="fixed-capacity", pillar="performance-efficiency", severity="warning",
      resource_types=(*ASG_TYPES, *ECS_SERVICE_TYPES), bp=("PERF02-BP05", "REL07-BP01"))
def fixed_capacity(view):
    """Auto Scaling group or ECS service cannot scale with demand

    ## What it checks
    - An Auto Scaling group (`AWS::AutoScaling::AutoScalingGroup`, Terraform
      `aws_autoscaling_group`) that no scaling policy, scheduled action or
      ECS capacity provider drives, and whose `MaxSize` equals its `MinSize`
      or its `DesiredCapacity`: it can never add capacity. Groups of at most
      one instance (kept alive for self-healing) are exempt.
    - A replica ECS service (`AWS::ECS::Service`, Terraform `aws_ecs_service`)
      that no Application Auto Scaling scalable target refers to (by
      reference or by a literal `service/<cluster>/<name>` resource id): its
      task count stays at `DesiredCount`. Daemon services and services with
      a desired count of 0 (parked, or sized from outside) are exempt.

    Sizes or scalable targets that cannot be resolved are not judged.
    DynamoDB capacity is left to the cost rules.

    ## Why it matters
    Capacity fixed at deploy time is either too much (paid for while idle) or
    too little (saturated at the peak): demand is guessed instead of followed
    (PERF02-BP05, REL07-BP01).

    ## How to fix
    Add target tracking on a utilisation metric and a range to move in:

    ```yaml
    WebScalableTarget:
      Type: AWS::ApplicationAutoScaling::ScalableTarget
      Properties:
        ServiceNamespace: ecs
        ScalableDimension: ecs:service:DesiredCount
        ResourceId: !Sub service/${Cluster}/${Web.Name}
        MinCapacity: 2
        MaxCapacity: 10
    WebCpuTarget:
      Type: AWS::ApplicationAutoScaling::ScalingPolicy
      Properties:
        PolicyName: cpu50
        PolicyType: TargetTrackingScaling
        ScalingTargetId: !Ref WebScalableTarget
        TargetTrackingScalingPolicyConfiguration:
          TargetValue: 50
          PredefinedMetricSpecification:
            PredefinedMetricType: ECSServiceAverageCPUUtilization
    ```

    ```json
    {"resource": {"aws_autoscaling_policy": {"cpu": {
      "autoscaling_group_name": "${aws_autoscaling_group.web.name}",
      "policy_type": "TargetTrackingScaling",
      "target_tracking_configuration": {"target_value": 50,
        "predefined_metric_specification": {"predefined_metric_type": "ASGAverageCPUUtilization"}}}}}}
    ```
    """
    for group in view.resources(*ASG_TYPES):
        min_key, max_key, desired_key = SIZES[group.type]
        low, high = as_int(group.get(min_key)), as_int(group.get(max_key))
        desired = as_int(group.get(desired_key))
        if UNKNOWN in (low, high, desired) or not isinstance(high, int) or high <= 1:
            continue
        if high != low and high != desired:
            continue
        if asg_scalers(view, group):
            continue
        yield group.finding(max_key, f"Auto Scaling group {group} has no scaling policy and "
                                     f"its maximum size ({high}) leaves no room to scale out")

    for service in view.resources(*ECS_SERVICE_TYPES):
        cfn = service.is_cloudformation
        strategy = service.get("SchedulingStrategy" if cfn else "scheduling_strategy", "REPLICA")
        if strategy is UNKNOWN or str(strategy).upper() == "DAEMON":
            continue
        desired = as_int(service.get("DesiredCount" if cfn else "desired_count",
                                     1 if cfn else 0))
        if desired is UNKNOWN or desired == 0:
            continue    # parked, or sized by something outside the template
        name = service.get("ServiceName" if cfn else "name")
        scaled = scalable_target_of(view, service, name)
        if scaled is not False:
            continue
        key = "DesiredCount" if cfn else "desired_count"
        yield service.finding(key, f"ECS service {service} has no Application Auto Scaling "
                                   "target: its task count is fixed")

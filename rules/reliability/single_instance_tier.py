from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.placement import (
    ASG_TYPES,
    ECS_SERVICE_TYPES,
    FLEET_TYPES,
    TARGET_GROUP_TYPES,
    load_balancer_attachments,
    scaling_minimum,
)
from wa_lint.rule import rule

CLASSIC = ("AWS::ElasticLoadBalancing::LoadBalancer", "aws_elb")
INSTANCES = ("AWS::EC2::Instance", "aws_instance")


@rule(id="REL103", name="single-instance-tier", pillar="reliability", severity="warning",
      resource_types=(*ASG_TYPES, *ECS_SERVICE_TYPES, *TARGET_GROUP_TYPES, *CLASSIC),
      bp=("REL10-BP01", "REL11-BP02"))
def single_instance_tier(view):
    """Load-balanced tier runs a single instance or task

    ## What it checks
    A tier behind a load balancer must keep at least two units running:

    - an Auto Scaling group attached to a load balancer whose `MaxSize` is 1
      (warning), or whose `MinSize` and `DesiredCapacity` (when written) are
      both below 2, so that it idles on one instance (note);
    - an ECS service with load balancers whose `DesiredCount` is 1 (the
      CloudFormation default; Terraform's default is 0, which is not judged):
      a warning without Application Auto Scaling, a note when a scalable
      target with a `MinCapacity` below 2 can add tasks, nothing when its
      `MinCapacity` is 2 or more; `DAEMON` services are exempt;
    - a target group or Classic Load Balancer whose only target is one EC2
      instance (`Targets`, `Instances`, `aws_lb_target_group_attachment`,
      `aws_elb` `instances`), with no Auto Scaling group or ECS service
      registering into it.

    Counts given as parameters without defaults are not judged.

    ## Why it matters
    A single instance lives in a single Availability Zone. Its failure, a
    deployment, a scale-in or the loss of its zone leaves the load balancer
    with no healthy target, and the service is down until a replacement boots
    (REL10-BP01, REL11-BP02). Two units in two zones keep serving while one is
    replaced.

    ## How to fix
    Keep two or more units, spread over zones:

    ```yaml
    Web:
      Type: AWS::AutoScaling::AutoScalingGroup
      Properties:
        MinSize: "2"
        MaxSize: "6"
        VPCZoneIdentifier: [!Ref SubnetA, !Ref SubnetB]
        TargetGroupARNs: [!Ref WebTargets]
        HealthCheckType: ELB
    ```

    ```json
    {"resource": {"aws_ecs_service": {"api": {
      "name": "api", "cluster": "${aws_ecs_cluster.main.id}",
      "task_definition": "${aws_ecs_task_definition.api.arn}", "desired_count": 2,
      "load_balancer": {"target_group_arn": "${aws_lb_target_group.api.arn}",
                        "container_name": "api", "container_port": 8080}}}}}
    ```

    ## Known limits
    A tier whose load balancer or scaling target is in another template is not
    seen. Deliberately single-unit tiers (development environments) should
    carry a suppression with the reason.
    """
    for group in view.resources(*ASG_TYPES):
        attachments = load_balancer_attachments(view, group)
        if attachments is UNKNOWN or not attachments:
            continue
        names = ("MinSize", "MaxSize", "DesiredCapacity") if group.is_cloudformation else \
            ("min_size", "max_size", "desired_capacity")
        minimum, maximum, desired = (as_int(group.get(name)) for name in names)
        if any(value is UNKNOWN for value in (minimum, maximum, desired)):
            continue
        if maximum == 1:
            yield group.finding(names[1], f"Auto Scaling group {group} is behind a load "
                                          "balancer but can run only one instance")
        elif isinstance(minimum, int) and minimum < 2 and (desired is None or desired < 2):
            where = names[2] if desired is not None else names[0]
            count = desired if desired is not None else minimum
            yield group.finding(where, f"Auto Scaling group {group} is behind a load balancer "
                                       f"but runs {count} instance{'s' if count != 1 else ''} "
                                       "until it scales out", severity="note")

    for service in view.resources(*ECS_SERVICE_TYPES):
        cloudformation = service.is_cloudformation
        balancers = service.get("LoadBalancers" if cloudformation else "load_balancer")
        if balancers is UNKNOWN or not balancers:
            continue
        strategy = service.get("SchedulingStrategy" if cloudformation else
                               "scheduling_strategy")
        if strategy == "DAEMON" or strategy is UNKNOWN:
            continue
        key = "DesiredCount" if cloudformation else "desired_count"
        count = as_int(service.get(key))
        if count is None and cloudformation:
            count = 1
        if not isinstance(count, int) or count != 1:
            continue
        floor = scaling_minimum(view, service)
        if floor is UNKNOWN or (isinstance(floor, int) and floor >= 2):
            continue
        if floor is None:
            yield service.finding(key, f"ECS service {service} is behind a load balancer but "
                                       "runs one task")
        else:
            yield service.finding(key, f"ECS service {service} is behind a load balancer but "
                                       "runs one task until it scales out", severity="note")

    for group in view.resources(*TARGET_GROUP_TYPES, *CLASSIC):
        if view.referrers(group, FLEET_TYPES):
            continue
        instances = _instance_targets(view, group)
        if instances is UNKNOWN or len(instances) != 1:
            continue
        path, instance = instances[0]
        kind = "Target group" if group.type in TARGET_GROUP_TYPES else "Load balancer"
        yield group.finding(path, f"{kind} {group} sends all its traffic to a single EC2 "
                                  f"instance ({instance})")


def _instance_targets(view, group):
    """[(path, instance)] of the targets registered in a target group or classic ELB, one per
    registered instance; UNKNOWN when a target or a count cannot be resolved."""
    found = []
    if group.is_cloudformation:
        key = "Targets" if group.type in TARGET_GROUP_TYPES else "Instances"
        value = group.get(key)
        if value is UNKNOWN:
            return UNKNOWN
        for path, item in group.items(key):
            target = item.get("Id") if isinstance(item, dict) else item
            resource = view.resource(target) if target is not None else None
            if resource is None or resource.type not in INSTANCES:
                return UNKNOWN
            found.append((path, resource))
        return found
    if group.type in CLASSIC:
        if group.get("instances") is UNKNOWN:
            return UNKNOWN
        for path, item in group.items("instances"):
            resource = view.resource(item)
            if resource is None or resource.type not in INSTANCES or \
                    resource.instance_count != 1:
                return UNKNOWN
            found.append((path, resource))
    for attachment in view.referrers(group, ("aws_elb_attachment",), path="elb"):
        found.extend((None, target) for target in view.referenced(attachment, "instance"))
    for attachment in view.referrers(group, ("aws_lb_target_group_attachment",),
                                     path="target_group_arn"):
        targets = view.referenced(attachment, "target_id")
        if attachment.instance_count != 1 or len(targets) != 1 or \
                targets[0].type not in INSTANCES or targets[0].instance_count != 1:
            return UNKNOWN
        found.append((None, targets[0]))
    return found

from wa_lint.query import UNKNOWN, as_int
from wa_lint.rule import rule

SERVICES = {"AWS::ECS::Service": ("LoadBalancers", "HealthCheckGracePeriodSeconds"),
            "aws_ecs_service": ("load_balancer", "health_check_grace_period_seconds")}


@rule(id="REL113", name="ecs-health-check-grace-period", pillar="reliability",
      severity="note", resource_types=SERVICES, bp=("REL11-BP01", "REL11-BP03"))
def ecs_health_check_grace_period(view):
    """Load-balanced ECS service gives new tasks no time to start before health checks count

    ## What it checks
    An ECS service with load balancers (`LoadBalancers`, Terraform
    `load_balancer`) should set `HealthCheckGracePeriodSeconds` (Terraform
    `health_check_grace_period_seconds`) above 0. It defaults to 0: load
    balancer health checks count from the moment a task is registered.

    ## Why it matters
    A task whose application needs longer to start than the target group's
    unhealthy threshold is marked unhealthy, stopped and replaced, over and
    over: deployments never finish and the service cannot recover from a task
    failure by itself. A grace period lets ECS ignore load balancer health
    checks while tasks warm up, while still replacing tasks that never become
    healthy (REL11-BP01, REL11-BP03).

    ## How to fix
    Set a grace period that covers the application's start-up time:

    ```yaml
    Api:
      Type: AWS::ECS::Service
      Properties:
        Cluster: !Ref Cluster
        TaskDefinition: !Ref ApiTask
        DesiredCount: 2
        HealthCheckGracePeriodSeconds: 60
        LoadBalancers:
          - TargetGroupArn: !Ref ApiTargets
            ContainerName: api
            ContainerPort: 8080
    ```

    ```json
    {"resource": {"aws_ecs_service": {"api": {
      "name": "api", "cluster": "${aws_ecs_cluster.main.id}",
      "task_definition": "${aws_ecs_task_definition.api.arn}", "desired_count": 2,
      "health_check_grace_period_seconds": 60,
      "load_balancer": {"target_group_arn": "${aws_lb_target_group.api.arn}",
                        "container_name": "api", "container_port": 8080}}}}}
    ```

    ## Known limits
    Applications that start within a few seconds do not need a grace period;
    the finding is a note.
    """
    for service in view.resources():
        balancers_key, grace_key = SERVICES[service.type]
        balancers = service.get(balancers_key)
        if balancers is UNKNOWN or not balancers:
            continue
        grace = as_int(service.get(grace_key))
        if grace is UNKNOWN or (isinstance(grace, int) and grace > 0):
            continue
        how = "0" if grace == 0 else "not set (0)"
        yield service.finding(grace_key, f"ECS service {service} is behind a load balancer and "
                                         f"its health check grace period is {how}")

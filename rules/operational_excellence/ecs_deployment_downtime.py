from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.placement import ECS_SERVICE_TYPES
from wa_lint.rule import rule

PATHS = {
    "cloudformation": ("DeploymentController/Type", "SchedulingStrategy", "DesiredCount",
                       "DeploymentConfiguration/MinimumHealthyPercent"),
    "terraform": ("deployment_controller/type", "scheduling_strategy", "desired_count",
                  "deployment_minimum_healthy_percent"),
}


@rule(id="OPS111", name="ecs-deployment-downtime", pillar="operational-excellence",
      severity="warning", resource_types=ECS_SERVICE_TYPES, bp=("OPS06-BP03", "REL11-BP01"))
def ecs_deployment_downtime(view):
    """ECS rolling deployment may stop every task before new ones start

    ## What it checks
    A replica ECS service deployed by ECS (`AWS::ECS::Service`,
    `aws_ecs_service`; no `DeploymentController` or type `ECS`) with a
    `DesiredCount` of at least one must not set
    `DeploymentConfiguration.MinimumHealthyPercent` (Terraform
    `deployment_minimum_healthy_percent`) to 0. The default is 100 for
    replica services. Daemon services (where 0 is the default and tasks are
    replaced host by host), CodeDeploy and external controllers are exempt.
    Values that cannot be resolved are not judged.

    ## Why it matters
    With a minimum healthy percent of 0, ECS may stop all running tasks
    before the new ones are healthy: every deployment is an outage, and a bad
    task definition leaves the service with no tasks at all (OPS06-BP03,
    REL11-BP01).

    ## How to fix
    Keep the running tasks until replacements are healthy (and allow the
    extra capacity with `MaximumPercent`):

    ```yaml
    Service:
      Type: AWS::ECS::Service
      Properties:
        Cluster: !Ref Cluster
        TaskDefinition: !Ref Task
        DesiredCount: 2
        DeploymentConfiguration:
          MinimumHealthyPercent: 100
          MaximumPercent: 200
          DeploymentCircuitBreaker: {Enable: true, Rollback: true}
    ```

    ```json
    {"resource": {"aws_ecs_service": {"web": {"desired_count": 2,
      "deployment_minimum_healthy_percent": 100, "deployment_maximum_percent": 200}}}}
    ```
    """
    for service in view.resources():
        controller_key, strategy_key, desired_key, minimum_key = PATHS[
            "cloudformation" if service.is_cloudformation else "terraform"]
        controller = service.get(controller_key, "ECS")
        strategy = service.get(strategy_key, "REPLICA")
        desired = as_int(service.get(desired_key, 1 if service.is_cloudformation else 0))
        minimum = as_int(service.get(minimum_key))
        if UNKNOWN in (controller, strategy, desired, minimum) or minimum is None:
            continue
        if str(controller).upper() != "ECS" or str(strategy).upper() == "DAEMON":
            continue
        if minimum == 0 and desired >= 1:
            yield service.finding(minimum_key, f"ECS service {service} may stop all {desired} "
                                               "of its tasks during a deployment (minimum "
                                               "healthy percent is 0)")

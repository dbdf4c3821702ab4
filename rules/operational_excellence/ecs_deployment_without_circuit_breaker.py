from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.placement import ECS_SERVICE_TYPES
from wa_lint.rule import rule

PATHS = {
    "cloudformation": {
        "controller": "DeploymentController/Type",
        "strategy": "DeploymentConfiguration/Strategy",
        "breaker": "DeploymentConfiguration/DeploymentCircuitBreaker",
        "enable": "Enable", "rollback": "Rollback",
        "alarms": "DeploymentConfiguration/Alarms",
    },
    "terraform": {
        "controller": "deployment_controller/type",
        "strategy": "deployment_configuration/strategy",
        "breaker": "deployment_circuit_breaker",
        "enable": "enable", "rollback": "rollback",
        "alarms": "alarms",
    },
}


@rule(id="OPS106", name="ecs-deployment-without-circuit-breaker",
      pillar="operational-excellence", severity="warning", resource_types=ECS_SERVICE_TYPES,
      bp=("OPS06-BP03", "OPS06-BP04"))
def ecs_deployment_without_circuit_breaker(view):
    """ECS rolling deployment neither detects failure nor rolls back

    ## What it checks
    An ECS service deployed by ECS itself with the rolling strategy (the
    default: no `DeploymentController`, or type `ECS`, and no
    `DeploymentConfiguration.Strategy` other than `ROLLING`) needs a
    deployment circuit breaker with both `Enable` and `Rollback` true
    (`DeploymentConfiguration.DeploymentCircuitBreaker`, Terraform
    `deployment_circuit_breaker`), or deployment alarms with `Enable` and
    `Rollback` true (`DeploymentConfiguration.Alarms`, Terraform `alarms`).
    Both are off by default. Services deployed by CodeDeploy or an external
    controller, and ECS blue/green, linear or canary deployments, are exempt:
    they have their own rollback. Values that cannot be resolved are not
    judged.

    ## Why it matters
    Without a circuit breaker a deployment whose tasks never become healthy
    keeps launching and stopping tasks for hours, and nothing puts the last
    good task definition back: a bad change is neither detected nor reversed
    automatically (OPS06-BP03, OPS06-BP04).

    ## How to fix
    Turn on the circuit breaker with rollback:

    ```yaml
    Service:
      Type: AWS::ECS::Service
      Properties:
        Cluster: !Ref Cluster
        TaskDefinition: !Ref Task
        DesiredCount: 2
        DeploymentConfiguration:
          DeploymentCircuitBreaker:
            Enable: true
            Rollback: true
    ```

    ```json
    {"resource": {"aws_ecs_service": {"web": {
      "deployment_circuit_breaker": {"enable": true, "rollback": true}}}}}
    ```
    """
    for service in view.resources():
        paths = PATHS["cloudformation" if service.is_cloudformation else "terraform"]
        controller = service.get(paths["controller"], "ECS")
        strategy = service.get(paths["strategy"], "ROLLING")
        if controller is UNKNOWN or strategy is UNKNOWN:
            continue
        if str(controller).upper() != "ECS" or str(strategy).upper() != "ROLLING":
            continue
        breaker = _switches(service, paths["breaker"], paths)
        alarms = _switches(service, paths["alarms"], paths)
        if UNKNOWN in (breaker, alarms) or breaker == (True, True) or alarms == (True, True):
            continue
        enabled, _ = breaker
        if enabled:
            message = f"ECS service {service} detects failed deployments but does not roll " \
                      "them back (circuit breaker rollback is off)"
        else:
            message = f"ECS service {service} has no deployment circuit breaker: a failed " \
                      "rolling deployment is neither stopped nor rolled back"
        yield service.finding(paths["breaker"], message)


def _switches(service, path, paths):
    """(enable, rollback) of a circuit breaker or alarms block, or UNKNOWN."""
    block = service.get(path)
    if block is UNKNOWN:
        return UNKNOWN
    if block is None:
        return (False, False)
    enable = as_bool(service.get(f"{path}/{paths['enable']}"))
    rollback = as_bool(service.get(f"{path}/{paths['rollback']}"))
    if enable is UNKNOWN or rollback is UNKNOWN:
        return UNKNOWN
    return (enable is True, rollback is True)

from wa_lint.query import UNKNOWN
from wa_lint.query.compute import (
    CLUSTER_TYPES,
    TASK_DEFINITION_TYPES,
    cluster_settings,
    container_definitions,
    container_field,
    container_name,
)
from wa_lint.rule import rule

INSIGHTS_ON = ("enabled", "enhanced")


@rule(id="OPS105", name="ecs-without-observability", pillar="operational-excellence",
      severity="warning", resource_types=(*CLUSTER_TYPES, *TASK_DEFINITION_TYPES),
      bp=("OPS04-BP02", "OPS08-BP01", "OPS08-BP02"))
def ecs_without_observability(view):
    """ECS container writes its logs nowhere, or cluster has no Container Insights

    ## What it checks
    Each container of an ECS task definition (`ContainerDefinitions[]`, or the
    JSON of Terraform `container_definitions`) needs a `LogConfiguration`
    with a log driver (`awslogs`, `awsfirelens`, `splunk` ...): without one its
    standard output is discarded on Fargate (`warning`). An ECS cluster
    (`ClusterSettings`, Terraform `setting`) without `containerInsights` set to
    `enabled` or `enhanced` is a `note`: Container Insights is off unless the
    account-level default was changed, which a template cannot show.
    Definitions that cannot be read are not judged.

    ## Why it matters
    A container's logs are the first thing looked at when a task crashes or
    misbehaves, and Container Insights gives per-task CPU, memory and network
    metrics that show a saturated service; without either the service is
    operated blind (OPS04-BP02, OPS08-BP01, OPS08-BP02).

    ## How to fix
    Add a log configuration to every container and turn Container Insights on:

    ```yaml
    Cluster:
      Type: AWS::ECS::Cluster
      Properties:
        ClusterSettings:
          - Name: containerInsights
            Value: enabled
    Task:
      Type: AWS::ECS::TaskDefinition
      Properties:
        ContainerDefinitions:
          - Name: web
            Image: public.ecr.aws/nginx/nginx:1.27
            LogConfiguration:
              LogDriver: awslogs
              Options:
                awslogs-group: !Ref WebLogs
                awslogs-region: !Ref AWS::Region
                awslogs-stream-prefix: web
    ```

    ```json
    {"resource": {"aws_ecs_cluster": {"main": {
      "setting": [{"name": "containerInsights", "value": "enabled"}]}}}}
    ```

    ## Known limits
    The account setting `containerInsights` (which turns insights on for new
    clusters) is not visible in a template. Logs shipped by a sidecar that
    reads files inside the task are not recognised.
    """
    for resource in view.resources(*CLUSTER_TYPES):
        values = [value for _, name, value in cluster_settings(resource)
                  if name == "containerInsights"]
        if any(value is UNKNOWN for value in values):
            continue
        if not any(isinstance(value, str) and value.lower() in INSIGHTS_ON for value in values):
            key = "ClusterSettings" if resource.is_cloudformation else "setting"
            yield resource.finding(key, f"ECS cluster {resource} has Container Insights off",
                                   severity="note")

    for task in view.resources(*TASK_DEFINITION_TYPES):
        containers = container_definitions(task)
        if containers is UNKNOWN:
            continue
        for position, (path, container) in enumerate(containers):
            logging = container_field(container, "LogConfiguration")
            if logging is UNKNOWN:
                continue
            driver = container_field(logging, "LogDriver") if isinstance(logging, dict) else None
            if driver is UNKNOWN or driver:
                continue
            yield task.finding(path, f"Container {container_name(container, position)} of "
                                     f"task definition {task} has no log configuration: its "
                                     "output is not kept")

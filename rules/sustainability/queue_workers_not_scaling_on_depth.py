from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.consumers import custom_consumers, receivers
from wa_lint.query.cost import (
    ASG_POLICIES,
    ASG_SCHEDULES,
    SCALABLE_TARGETS,
    SCALING_POLICIES,
    application_scaling,
    scales_on_custom_metric,
)
from wa_lint.query.placement import ASG_TYPES, ECS_SERVICE_TYPES
from wa_lint.rule import rule

QUEUES = ("AWS::SQS::Queue", "aws_sqs_queue")
MIN_SIZE = {"AWS::AutoScaling::AutoScalingGroup": "MinSize", "aws_autoscaling_group": "min_size"}
DESIRED = {"AWS::ECS::Service": ("DesiredCount", 1), "aws_ecs_service": ("desired_count", 0)}
TARGET_MIN = {"AWS::ApplicationAutoScaling::ScalableTarget": "MinCapacity",
              "aws_appautoscaling_target": "min_capacity"}
APP_SCHEDULES = ("aws_appautoscaling_scheduled_action",)


@rule(id="SUS108", name="queue-workers-not-scaling-on-depth", pillar="sustainability",
      severity="note", resource_types=QUEUES, bp=("SUS02-BP01", "SUS02-BP06"))
def queue_workers_not_scaling_on_depth(view):
    """Queue workers run at fixed capacity whatever the queue holds

    ## What it checks
    An Auto Scaling group or ECS service that works an SQS queue (its
    instance profile or task role may call `sqs:ReceiveMessage` on it) and
    keeps at least one instance or task running (`MinSize`, ECS
    `DesiredCount`, or the scalable target's `MinCapacity` ≥ 1; ECS
    `DesiredCount` defaults to 1 in CloudFormation and 0 in Terraform) with
    no scaling policy that can follow the queue: target tracking on a
    customised metric (queue depth, backlog per task) or step scaling on an
    alarm over an SQS metric. Target tracking on CPU or request count does
    not see the backlog. Workers with scheduled scaling, daemon services,
    and policies whose alarms are not in the run are not judged.

    ## Why it matters
    A queue decouples producers from workers so that the workers can be
    sized to the work waiting. Fixed or CPU-driven capacity keeps
    instances idling when the queue is empty and lags behind when it
    fills. Scaling on the backlog, down to zero where possible, runs only
    the hardware the work needs (SUS02-BP01) and uses the queue as the
    buffer it is meant to be (SUS02-BP06).

    ## How to fix
    Track a backlog-per-instance metric (or `ApproximateNumberOfMessagesVisible`)
    with target tracking, and allow the minimum to reach zero, or consume
    the queue with a Lambda event source mapping:

    ```yaml
    WorkersScaling:
      Type: AWS::AutoScaling::ScalingPolicy
      Properties:
        AutoScalingGroupName: !Ref Workers
        PolicyType: TargetTrackingScaling
        TargetTrackingConfiguration:
          TargetValue: 100
          CustomizedMetricSpecification:
            Namespace: AWS/SQS
            MetricName: ApproximateNumberOfMessagesVisible
            Dimensions: [{Name: QueueName, Value: !GetAtt Jobs.QueueName}]
            Statistic: Average
    ```

    ```json
    {"resource": {"aws_autoscaling_policy": {"workers": {
      "autoscaling_group_name": "${aws_autoscaling_group.workers.name}",
      "policy_type": "TargetTrackingScaling",
      "target_tracking_configuration": {"target_value": 100,
        "customized_metric_specification": {"namespace": "AWS/SQS",
          "metric_name": "ApproximateNumberOfMessagesVisible", "statistic": "Average",
          "metric_dimension": {"name": "QueueName", "value": "${aws_sqs_queue.jobs.name}"}}}}}}}
    ```

    ## Known limits
    Any customised metric counts as queue-aware; the linter does not check
    that it measures this queue.
    """
    index = None
    for queue in view.resources():
        if index is None:
            index = receivers(view)
        for worker in custom_consumers(view, queue, index):
            if worker.type in ASG_TYPES:
                fixed = _asg_fixed(view, worker)
            elif worker.type in ECS_SERVICE_TYPES:
                fixed = _service_fixed(view, worker)
            else:
                continue
            if fixed is UNKNOWN or fixed is None:
                continue
            what = "Auto Scaling group" if worker.type in ASG_TYPES else "ECS service"
            unit = "instance" if worker.type in ASG_TYPES else "task"
            yield worker.finding(None, f"{what} {worker} works queue {queue} but does not scale "
                                       f"on its depth: it keeps {fixed} {unit}"
                                       f"{'s' if fixed != 1 else ''} running whatever the "
                                       "backlog")


def _asg_fixed(view, group):
    """The minimum instance count of a group that cannot follow its queue, else None/UNKNOWN."""
    minimum = as_int(group.get(MIN_SIZE[group.type]))
    if minimum is UNKNOWN or not minimum:
        return None if minimum is not UNKNOWN else UNKNOWN
    if view.referrers(group, ASG_SCHEDULES):
        return None
    verdicts = [scales_on_custom_metric(view, policy)
                for policy in view.referrers(group, ASG_POLICIES)]
    if any(verdict is True for verdict in verdicts):
        return None
    if any(verdict is UNKNOWN for verdict in verdicts):
        return UNKNOWN
    return minimum


def _service_fixed(view, service):
    """The minimum task count of a service that cannot follow its queue, else None/UNKNOWN."""
    cfn = service.is_cloudformation
    if service.get("SchedulingStrategy" if cfn else "scheduling_strategy") == "DAEMON":
        return None
    key, default = DESIRED[service.type]
    desired = as_int(service.get(key, default))
    scaling = application_scaling(view, service)
    if desired is UNKNOWN or scaling is UNKNOWN:
        return UNKNOWN
    targets = [item for item in scaling if item.type in SCALABLE_TARGETS]
    policies = [item for item in scaling if item.type in SCALING_POLICIES]
    for target in targets:
        policies += [policy for policy in view.referrers(target, SCALING_POLICIES)
                     if policy not in policies]
        if target.get("ScheduledActions") or view.referrers(target, APP_SCHEDULES):
            return None
    verdicts = [scales_on_custom_metric(view, policy) for policy in policies]
    if any(verdict is True for verdict in verdicts):
        return None
    if any(verdict is UNKNOWN for verdict in verdicts):
        return UNKNOWN
    minimums = [as_int(target.get(TARGET_MIN[target.type])) for target in targets]
    if any(minimum is UNKNOWN for minimum in minimums):
        return UNKNOWN
    minimum = min(minimums) if minimums else desired
    return minimum if minimum else None

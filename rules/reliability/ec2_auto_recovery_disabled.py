from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

INSTANCES = ("AWS::EC2::Instance", "aws_instance")
TEMPLATES = ("AWS::EC2::LaunchTemplate", "aws_launch_template")


@rule(id="REL114", name="ec2-auto-recovery-disabled", pillar="reliability", severity="warning",
      resource_types=INSTANCES, bp="REL11-BP03")
def ec2_auto_recovery_disabled(view):
    """Stand-alone EC2 instance has automatic recovery turned off

    ## What it checks
    EC2 instances that are not managed by an Auto Scaling group (every
    `AWS::EC2::Instance` / `aws_instance`) must not turn off simplified
    automatic recovery: Terraform `maintenance_options { auto_recovery =
    "disabled" }`, or a launch template of the run that the instance uses with
    `MaintenanceOptions: {AutoRecovery: disabled}` (Terraform
    `maintenance_options`). Automatic recovery is on by default for supported
    instance types, so instances that do not say otherwise pass.

    ## Why it matters
    A stand-alone instance has nothing that replaces it. Simplified automatic
    recovery moves it to healthy hardware when a system status check fails,
    keeping its ID, addresses and EBS volumes; with it off, an underlying host
    failure leaves the instance impaired until someone notices and acts
    (REL11-BP03).

    ## How to fix
    Remove the override (or set it to `default`), or better, run the instance
    in an Auto Scaling group of one or more instances:

    ```yaml
    ServerTemplate:
      Type: AWS::EC2::LaunchTemplate
      Properties:
        LaunchTemplateData:
          InstanceType: t3.micro
          MaintenanceOptions:
            AutoRecovery: default
    ```

    ```json
    {"resource": {"aws_instance": {"server": {
      "ami": "${data.aws_ssm_parameter.al2023.value}", "instance_type": "t3.micro",
      "maintenance_options": {"auto_recovery": "default"}}}}}
    ```

    ## Known limits
    Instance types that do not support simplified automatic recovery (instance
    store volumes, some bare-metal types) are not told apart; a CloudWatch
    alarm with the `ec2:recover` action is not looked for.
    """
    for instance in view.resources():
        if instance.is_cloudformation:
            own = None
            template_path = "LaunchTemplate/LaunchTemplateId"
        else:
            own = instance.get("maintenance_options/auto_recovery")
            template_path = "launch_template/id"
        if own is UNKNOWN:
            continue
        if own == "disabled":
            yield instance.finding("maintenance_options/auto_recovery",
                                   f"Instance {instance} has automatic recovery disabled")
            continue
        if own is not None:
            continue
        for template in view.referenced(instance, template_path.split("/")[0], TEMPLATES):
            path = "LaunchTemplateData/MaintenanceOptions/AutoRecovery" \
                if template.is_cloudformation else "maintenance_options/auto_recovery"
            if template.get(path) == "disabled":
                yield instance.finding(template_path.split("/")[0],
                                       f"Instance {instance} uses launch template {template}, "
                                       "which disables automatic recovery")
                break

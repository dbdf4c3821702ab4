from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

# resource type -> (property, the value that switches it off, label, default when absent)
SWITCHES = {
    "AWS::CloudTrail::Trail": ("IsLogging", False, "Trail", None),
    "aws_cloudtrail": ("enable_logging", False, "Trail", True),
    "AWS::GuardDuty::Detector": ("Enable", False, "GuardDuty detector", None),
    "aws_guardduty_detector": ("enable", False, "GuardDuty detector", True),
    "aws_config_configuration_recorder_status": ("is_enabled", False,
                                                 "Config recorder status", None),
    "AWS::Macie::Session": ("Status", "PAUSED", "Macie session", "ENABLED"),
    "aws_macie2_account": ("status", "PAUSED", "Macie account", "ENABLED"),
}


@rule(id="SEC401", name="detective-control-disabled", pillar="security", severity="warning",
      resource_types=SWITCHES, bp=("SEC04-BP01", "SEC04-BP02"))
def detective_control_disabled(view):
    """Detective control is declared but switched off

    ## What it checks
    Detective services that a template creates but turns off:

    - CloudTrail trails with `IsLogging` / `enable_logging` false;
    - GuardDuty detectors with `Enable` / `enable` false;
    - AWS Config recorders whose `aws_config_configuration_recorder_status`
      has `is_enabled` false;
    - Macie sessions (`AWS::Macie::Session`, `aws_macie2_account`) with
      status `PAUSED`.

    Services that are absent from the template are not reported, and values
    that cannot be resolved are not judged.

    ## Why it matters
    A disabled control looks like coverage in the template and in reviews
    while recording nothing: API activity, threat findings, configuration
    history or sensitive-data discoveries are simply missing when an
    incident has to be investigated (SEC04-BP01, SEC04-BP02).

    ## How to fix
    Turn the service on (or remove it, so the gap is visible):

    ```yaml
    Detector:
      Type: AWS::GuardDuty::Detector
      Properties:
        Enable: true
    ```

    ```json
    {"resource": {"aws_cloudtrail": {"main": {"name": "main",
      "s3_bucket_name": "${aws_s3_bucket.trail.id}", "enable_logging": true,
      "is_multi_region_trail": true, "enable_log_file_validation": true}}}}
    ```
    """
    for resource in view.resources():
        key, off, label, default = SWITCHES[resource.type]
        value = resource.get(key, default)
        if value is UNKNOWN or value is None:
            continue
        if isinstance(off, bool):
            value = as_bool(value)
            if value is not off:
                continue
        elif not isinstance(value, str) or value.upper() != off:
            continue
        yield resource.finding(key, f"{label} {resource} is switched off ({key} "
                                    f"{str(off).lower() if isinstance(off, bool) else off})")

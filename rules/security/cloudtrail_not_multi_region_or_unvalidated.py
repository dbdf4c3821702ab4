from wa_lint.query import UNKNOWN, as_bool, flatten
from wa_lint.rule import rule

KEYS = {
    "AWS::CloudTrail::Trail": ("IsMultiRegionTrail", "EnableLogFileValidation",
                               "IncludeGlobalServiceEvents", "EventSelectors",
                               "IncludeManagementEvents", "AdvancedEventSelectors"),
    "aws_cloudtrail": ("is_multi_region_trail", "enable_log_file_validation",
                       "include_global_service_events", "event_selector",
                       "include_management_events", "advanced_event_selector"),
}


@rule(id="SEC308", name="cloudtrail-not-multi-region-or-unvalidated", pillar="security",
      severity="warning", resource_types=KEYS, bp=("SEC04-BP01", "SEC04-BP02"))
def cloudtrail_not_multi_region_or_unvalidated(view):
    """CloudTrail trail misses other Regions or cannot prove its logs are untampered

    ## What it checks
    Every trail declared in the run (`AWS::CloudTrail::Trail`,
    `aws_cloudtrail`):

    - `IsMultiRegionTrail` / `is_multi_region_trail` not true: the trail
      records only the Region it is created in (the default is false in both
      CloudFormation and Terraform). A trail that records no management
      events (every event selector sets `IncludeManagementEvents: false`, or
      advanced selectors that never select the `Management` category) is a
      data-event trail and is exempt;
    - `EnableLogFileValidation` / `enable_log_file_validation` not true (the
      default is false): no digest files are written;
    - `IncludeGlobalServiceEvents` / `include_global_service_events` set to
      false (the default is true): IAM, STS and CloudFront calls are not
      recorded.

    Values that cannot be resolved are not judged. A template without a trail
    is not reported.

    ## Why it matters
    An attacker works in the Region nobody watches, and deletes or edits the
    log of what they did. A multi-Region trail with log file validation is
    the baseline audit record of the account (SEC04-BP01), and digest files
    let an investigation prove the logs were not altered (SEC04-BP02).

    ## How to fix
    Record every Region, global service events, and turn on validation:

    ```yaml
    Trail:
      Type: AWS::CloudTrail::Trail
      Properties:
        IsLogging: true
        S3BucketName: !Ref TrailBucket
        IsMultiRegionTrail: true
        IncludeGlobalServiceEvents: true
        EnableLogFileValidation: true
    ```

    ```json
    {"resource": {"aws_cloudtrail": {"main": {"name": "main",
      "s3_bucket_name": "${aws_s3_bucket.trail.id}", "is_multi_region_trail": true,
      "include_global_service_events": true, "enable_log_file_validation": true}}}}
    ```
    """
    for trail in view.resources():
        multi, validation, global_events, selectors, management, advanced = KEYS[trail.type]
        value = as_bool(trail.get(multi))
        if value is not UNKNOWN and value is not True and _records_management(
                trail, selectors, management, advanced) is True:
            yield trail.finding(multi, f"Trail {trail} records only its own Region "
                                       f"({multi} is not true)")
        value = as_bool(trail.get(validation))
        if value is not UNKNOWN and value is not True:
            yield trail.finding(validation, f"Trail {trail} has log file validation turned off")
        if as_bool(trail.get(global_events)) is False:
            yield trail.finding(global_events, f"Trail {trail} does not record global service "
                                               "events (IAM, STS, CloudFront)")


def _records_management(trail, selectors, management, advanced) -> object:
    """Whether the trail records management events (True when there are no selectors)."""
    blocks = trail.blocks(selectors)
    if blocks:
        values = [as_bool(trail.get((*path, management))) for path, _ in blocks]
        if any(value is UNKNOWN for value in values):
            return UNKNOWN
        return any(value is not False for value in values)    # the default is true
    advanced_blocks = trail.blocks(advanced)
    if advanced_blocks:
        categories = []
        for path, _ in advanced_blocks:
            for _, field in trail.blocks((*path, "FieldSelectors" if
                                                  trail.is_cloudformation else "field_selector")):
                name = field.get("Field", field.get("field"))
                if name == "eventCategory":
                    categories.extend(flatten(field.get("Equals", field.get("equals"))))
        if any(value is UNKNOWN for value in categories):
            return UNKNOWN
        return "Management" in categories
    if trail.get(selectors) is UNKNOWN or trail.get(advanced) is UNKNOWN:
        return UNKNOWN
    return True

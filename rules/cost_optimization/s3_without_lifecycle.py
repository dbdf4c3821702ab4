from wa_lint.query import UNKNOWN
from wa_lint.query.cost import lifecycle_rules, object_lock_enabled
from wa_lint.query.storage import BUCKET_TYPES, bucket_versioning, is_log_or_artifact_sink
from wa_lint.rule import rule


@rule(id="COST103", name="s3-without-lifecycle", pillar="cost-optimization",
      severity="warning", resource_types=BUCKET_TYPES, bp=("COST04-BP05", "SUS04-BP03"))
def s3_without_lifecycle(view):
    """S3 bucket accumulates data that nothing ever expires

    ## What it checks
    Two kinds of bucket grow without bound unless a lifecycle rule expires
    their objects; S3 itself never deletes anything:

    - a **versioned** bucket (`VersioningConfiguration.Status: Enabled`,
      Terraform `versioning` or `aws_s3_bucket_versioning`) with no enabled
      rule expiring noncurrent versions (`NoncurrentVersionExpiration`,
      Terraform `noncurrent_version_expiration`): every overwrite and
      delete keeps the old version, billed, forever;
    - a bucket that collects **logs or build artifacts** (S3 access logs,
      CloudTrail, AWS Config, VPC flow logs, load balancer and CloudFront
      logs, CodePipeline artifacts, or a `LogDeliveryWrite` ACL) with no
      enabled rule expiring current objects (`ExpirationInDays` /
      `ExpirationDate`, Terraform `expiration.days` / `date`).

    Lifecycle rules are read from `LifecycleConfiguration` (CloudFormation),
    `lifecycle_rule` blocks (Terraform AWS provider v3) and
    `aws_s3_bucket_lifecycle_configuration` (v4 and later). Buckets with S3
    Object Lock are exempt (their objects must be kept), and configurations
    that cannot be resolved are not judged.

    ## Why it matters
    Storage that is never cleaned up is paid for every month, and the
    noncurrent versions of a busy versioned bucket can silently outgrow its
    current data many times over. Expiring data when the retention policy
    says it is no longer needed is COST04-BP05 and SUS04-BP03.

    ## How to fix
    Add a lifecycle rule that expires old versions (and logs after their
    retention period):

    ```yaml
    Data:
      Type: AWS::S3::Bucket
      Properties:
        VersioningConfiguration: {Status: Enabled}
        LifecycleConfiguration:
          Rules:
            - Id: expire-old-versions
              Status: Enabled
              NoncurrentVersionExpiration: {NoncurrentDays: 90}
              AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7}
    ```

    ```json
    {"resource": {"aws_s3_bucket_lifecycle_configuration": {"data": {
      "bucket": "${aws_s3_bucket.data.id}",
      "rule": {"id": "expire-old-versions", "status": "Enabled", "filter": {},
               "noncurrent_version_expiration": {"noncurrent_days": 90}}}}}}
    ```

    ## Known limits
    Buckets that hold application data without versioning are not judged:
    whether their objects should ever expire is a business decision.
    """
    for bucket in view.resources():
        rules = lifecycle_rules(view, bucket)
        lock = object_lock_enabled(bucket)
        if rules is UNKNOWN or lock is UNKNOWN or lock:
            continue
        active = [item for item in rules if item.enabled is not False]
        key = "LifecycleConfiguration" if bucket.is_cloudformation else "lifecycle_rule"
        if bucket_versioning(view, bucket) is True and \
                not any(item.noncurrent_expires for item in active):
            yield bucket.finding(key, f"Versioned bucket {bucket} never expires noncurrent "
                                      "versions: every overwritten or deleted object is kept, "
                                      "and billed, forever")
        if is_log_or_artifact_sink(view, bucket) and not any(item.expires for item in active):
            yield bucket.finding(key, f"Bucket {bucket} collects logs or artifacts but no "
                                      "lifecycle rule expires them: they are kept, and billed, "
                                      "forever")

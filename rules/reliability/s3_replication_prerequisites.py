from wa_lint.query import UNKNOWN, flatten
from wa_lint.query.iam import TRUST, documents, parse_document
from wa_lint.query.storage import (
    BUCKET_TYPES,
    is_log_or_artifact_sink,
    replication_destinations,
    replication_rules,
)
from wa_lint.rule import rule

KMS_ALGORITHMS = ("aws:kms", "aws:kms:dsse")
ROLE_TYPES = ("AWS::IAM::Role", "aws_iam_role")
KEY_TYPES = ("AWS::KMS::Key", "AWS::KMS::ReplicaKey", "aws_kms_key", "aws_kms_replica_key")


@rule(id="REL203", name="s3-replication-prerequisites", pillar="reliability",
      severity="error", resource_types=BUCKET_TYPES, bp=("REL13-BP02", "SEC08-BP01"))
def s3_replication_prerequisites(view):
    """S3 replication cannot copy what it is configured to copy

    ## What it checks
    For every replication rule of a bucket (CloudFormation
    `ReplicationConfiguration`, Terraform `aws_s3_bucket_replication_configuration`):

    - a rule that selects SSE-KMS objects (`SourceSelectionCriteria`
      `SseKmsEncryptedObjects: Enabled`) must name a replica key
      (`Destination.EncryptionConfiguration.ReplicaKmsKeyID`); S3 rejects it
      otherwise;
    - when the source bucket's default encryption is SSE-KMS, a rule that does
      not opt in to SSE-KMS objects replicates none of them: S3 skips such
      objects silently;
    - in Terraform, a replica key whose provider Region differs from the
      destination bucket's Region cannot be used: KMS keys are Regional;
    - the replication role, when it is in the run, must trust
      `s3.amazonaws.com`.

    Versioning on the source and the destination is checked by
    `s3-missing-cross-region-replication`.

    ## Why it matters
    Replication is the continuous copy a multi-Region recovery starts from
    (REL13-BP02). A configuration that S3 rejects fails the deployment; one
    that skips KMS-encrypted objects, or whose role S3 cannot assume, deploys
    cleanly and leaves the recovery Region empty, which is discovered only
    during the disaster. Encrypted replicas need a key in the destination's
    Region (SEC08-BP01).

    ## How to fix
    Opt in to SSE-KMS objects and give the destination a key in its own
    Region; let the role trust S3:

    ```yaml
    ReplicationConfiguration:
      Role: !GetAtt ReplicationRole.Arn
      Rules:
        - Status: Enabled
          SourceSelectionCriteria:
            SseKmsEncryptedObjects: {Status: Enabled}
          Destination:
            Bucket: arn:aws:s3:::orders-replica-us-west-2
            EncryptionConfiguration:
              ReplicaKmsKeyID: arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab
    ```

    ```json
    {"resource": {"aws_s3_bucket_replication_configuration": {"data": {
      "bucket": "${aws_s3_bucket.data.id}", "role": "${aws_iam_role.replication.arn}",
      "rule": {"status": "Enabled",
               "source_selection_criteria": {"sse_kms_encrypted_objects": {"status": "Enabled"}},
               "destination": {"bucket": "${aws_s3_bucket.replica.arn}",
                               "encryption_configuration": {
                                 "replica_kms_key_id": "${aws_kms_key.replica.arn}"}}}}}}}
    ```

    ## Known limits
    The role's permissions (`s3:GetObjectVersionForReplication`,
    `s3:ReplicateObject`, `kms:Decrypt`/`kms:Encrypt`) are not evaluated. A
    CloudFormation stack's Region is unknown, so key Regions are compared in
    Terraform only.
    """
    for bucket in view.resources():
        if is_log_or_artifact_sink(view, bucket):
            continue
        rules = replication_rules(view, bucket)
        if rules is UNKNOWN or not rules:
            continue
        encryption = _default_encryption(view, bucket)
        destinations = replication_destinations(view, bucket, rules)
        for (path, source, body), (destination, _, _) in zip(rules, destinations, strict=True):
            cfn = source.is_cloudformation
            selected = _get(body, ("SourceSelectionCriteria", "SseKmsEncryptedObjects", "Status")
                            if cfn else ("source_selection_criteria",
                                         "sse_kms_encrypted_objects", "status"))
            key_path = ("Destination", "EncryptionConfiguration", "ReplicaKmsKeyID") if cfn \
                else ("destination", "encryption_configuration", "replica_kms_key_id")
            key = _get(body, key_path)
            if selected is UNKNOWN or key is UNKNOWN:
                continue
            if selected == "Enabled" and key is None:
                yield source.finding((*path, *key_path[:2]),
                                     f"Replication rule of bucket {bucket} selects SSE-KMS "
                                     "objects but names no replica KMS key; S3 rejects it")
                continue
            if selected != "Enabled" and encryption in KMS_ALGORITHMS:
                yield source.finding(path, f"Bucket {bucket} encrypts objects with SSE-KMS but "
                                           "its replication rule does not select SSE-KMS "
                                           "objects; they are not replicated")
            if key is not None and destination is not None and not cfn:
                key_region = _key_region(view, key)
                bucket_region = view.region(destination)
                if isinstance(key_region, str) and isinstance(bucket_region, str) and \
                        key_region != bucket_region:
                    yield source.finding((*path, *key_path),
                                         f"Replica KMS key of bucket {bucket} is in "
                                         f"{key_region} but the destination bucket "
                                         f"{destination} is in {bucket_region}")
        yield from _role_findings(view, bucket, rules)


def _get(body, keys):
    value = body
    for key in keys:
        if isinstance(value, list) and len(value) == 1:
            value = value[0]
        if value is UNKNOWN:
            return UNKNOWN
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _default_encryption(view, bucket):
    """The default encryption algorithm of a bucket, None when absent (SSE-S3), or UNKNOWN."""
    if bucket.is_cloudformation:
        values = [value for _, value in bucket.values(
            "BucketEncryption/ServerSideEncryptionConfiguration/*/ServerSideEncryptionByDefault/"
            "SSEAlgorithm")]
    else:
        values = []
        for _, block in bucket.blocks("server_side_encryption_configuration"):
            values.append(_get(block, ("rule", "apply_server_side_encryption_by_default",
                                       "sse_algorithm")))
        for configuration in view.referrers(
                bucket, ("aws_s3_bucket_server_side_encryption_configuration",), path="bucket"):
            for _, block in configuration.blocks("rule"):
                values.append(_get(block, ("apply_server_side_encryption_by_default",
                                           "sse_algorithm")))
    if any(value is UNKNOWN for value in values):
        return UNKNOWN
    return next((value for value in values if value is not None), None)


def _key_region(view, key):
    target = view.resource(key) if not isinstance(key, str) else None
    if target is not None:
        return view.region(target) if target.type in KEY_TYPES else UNKNOWN
    if isinstance(key, str) and key.startswith("arn:"):
        parts = key.split(":")
        return parts[3] if len(parts) > 3 and parts[3] else UNKNOWN
    return UNKNOWN


def _role_findings(view, bucket, rules):
    seen = set()
    for _, source, _ in rules:
        if source.id in seen:
            continue
        seen.add(source.id)
        key = "ReplicationConfiguration/Role" if source.is_cloudformation else "role"
        roles = view.referenced(source, key, ROLE_TYPES)
        if len(roles) != 1:
            continue
        trusted = _trusts_s3(view, roles[0])
        if trusted is False:
            yield source.finding(key, f"Replication role {roles[0]} of bucket {bucket} does "
                                      "not trust s3.amazonaws.com; S3 cannot replicate")


def _trusts_s3(view, role):
    """True when the role's trust policy lets S3 assume it, False when it provably does not."""
    found = False
    for kind, _, value in documents(view, role):
        if kind != TRUST:
            continue
        document = parse_document(value)
        if not isinstance(document, dict):
            return UNKNOWN
        statements = document.get("Statement")
        for statement in flatten(statements):
            if not isinstance(statement, dict):
                return UNKNOWN
            found = True
            principal = statement.get("Principal")
            if statement.get("Effect") != "Allow":
                continue
            if principal == "*":
                return True
            if not isinstance(principal, dict):
                return UNKNOWN
            services = flatten(principal.get("Service"))
            if any(service is UNKNOWN for service in services):
                return UNKNOWN
            if "s3.amazonaws.com" in services:
                return True
    return False if found else UNKNOWN

from wa_lint.query import UNKNOWN
from wa_lint.query.keys import key_region, region_of
from wa_lint.rule import rule

# type -> [(items pattern, Region of the item, key of the item)]: copies made in another Region
COPIES = {
    "AWS::DynamoDB::GlobalTable": (("Replicas/*", "Region", "SSESpecification/KMSMasterKeyId"),),
    "AWS::SecretsManager::Secret": (("ReplicaRegions/*", "Region", "KmsKeyId"),),
    "AWS::EFS::FileSystem": (("ReplicationConfiguration/Destinations/*", "Region", "KmsKeyId"),),
    "AWS::DLM::LifecyclePolicy": (("PolicyDetails/Schedules/*/CrossRegionCopyRules/*", "Target",
                                   "CmkArn"),),
    "aws_dynamodb_table": (("replica/*", "region_name", "kms_key_arn"),),
    "aws_secretsmanager_secret": (("replica/*", "region", "kms_key_id"),),
    "aws_efs_replication_configuration": (("destination/*", "region", "kms_key_id"),),
    "aws_dlm_lifecycle_policy": (("policy_details/schedule/*/cross_region_copy_rule/*", "target",
                                  "cmk_arn"),),
}
# Terraform resources whose own key must be in their own Region (the provider's)
OWN_KEYS = {
    "aws_db_instance": ("kms_key_id", "performance_insights_kms_key_id"),
    "aws_rds_cluster": ("kms_key_id", "performance_insights_kms_key_id"),
    "aws_ebs_volume": ("kms_key_id",),
    "aws_efs_file_system": ("kms_key_id",),
    "aws_sns_topic": ("kms_master_key_id",),
    "aws_sqs_queue": ("kms_master_key_id",),
    "aws_cloudwatch_log_group": ("kms_key_id",),
    "aws_kinesis_stream": ("kms_key_id",),
    "aws_secretsmanager_secret": ("kms_key_id",),
    "aws_redshift_cluster": ("kms_key_id",),
    "aws_elasticache_replication_group": ("kms_key_id",),
    "aws_docdb_cluster": ("kms_key_id",),
    "aws_neptune_cluster": ("kms_key_arn",),
    "aws_dynamodb_table": ("server_side_encryption/kms_key_arn",),
    "aws_backup_vault": ("kms_key_arn",),
    "aws_ecr_repository": ("encryption_configuration/kms_key",),
    "aws_lambda_function": ("kms_key_arn",),
    "aws_ssm_parameter": ("key_id",),
    "aws_s3_bucket_server_side_encryption_configuration": (
        "rule/apply_server_side_encryption_by_default/kms_master_key_id",),
}


@rule(id="SEC103", name="kms-key-in-wrong-region", pillar="security", severity="error",
      resource_types=(*COPIES, *OWN_KEYS, "AWS::RDS::DBInstance"),
      bp=("SEC08-BP01", "REL13-BP02"))
def kms_key_in_wrong_region(view):
    """Resource is encrypted with a KMS key from another Region

    ## What it checks
    KMS keys are regional: a resource can only use a key in its own Region.
    The rule compares the Region of each key a resource names (from a key
    ARN, or from the Region a key resource in the run is deployed to) with
    the Region the key is used in:

    - copies made in another Region: DynamoDB global table replicas,
      Secrets Manager replica Regions, EFS replication destinations, DLM
      cross-Region copy rules and cross-Region RDS read replicas
      (`SourceRegion`);
    - in Terraform, the key of a database, volume, file system, topic, queue,
      log group, stream, secret, cache, table, vault, repository, function,
      parameter or bucket, compared with the Region of the resource's
      provider.

    The replica key of S3 replication is checked by
    `s3-replication-prerequisites`. Key ids and alias names (which are looked up in the caller's own Region),
    Regions that cannot be resolved, and CloudFormation resources whose own
    Region is not known are not judged.

    ## Why it matters
    A key from the wrong Region fails the deployment, or, for replication
    that is set up but checked only when it runs, makes the disaster-recovery
    copy fail silently: S3 objects that never replicate, a replica that
    cannot be created when it is needed (SEC08-BP01, REL13-BP02).

    ## How to fix
    Create a key in each Region (or a multi-Region key with a replica key in
    each Region) and reference the one in the copy's Region:

    ```yaml
    Orders:
      Type: AWS::DynamoDB::GlobalTable
      Properties:
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
        BillingMode: PAY_PER_REQUEST
        SSESpecification: {SSEEnabled: true, SSEType: KMS}
        Replicas:
          - Region: eu-west-1
            SSESpecification:
              KMSMasterKeyId: arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
          - Region: us-east-1
            SSESpecification:
              KMSMasterKeyId: arn:aws:kms:us-east-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab
    ```

    ```json
    {"resource": {"aws_dynamodb_table": {"orders": {
      "name": "orders", "hash_key": "id", "billing_mode": "PAY_PER_REQUEST",
      "attribute": [{"name": "id", "type": "S"}],
      "replica": [{"region_name": "us-east-1",
                   "kms_key_arn": "${aws_kms_replica_key.orders_us.arn}"}]}}}}
    ```
    """
    for holder in view.resources(*COPIES):
        for pattern, region_key, key_key in COPIES[holder.type]:
            for path, item in holder.values(pattern):
                if not isinstance(item, dict):
                    continue
                region = holder.get((*path, region_key))
                if not isinstance(region, str) or not region.count("-") >= 2:
                    continue  # unknown, or an Outpost ARN
                yield from _compare(view, holder, (*path, *key_key.split("/")), region,
                                    f"{holder} encrypts its copy in {region}")

    for holder in view.resources(*OWN_KEYS):
        region = region_of(view, holder)
        if region is UNKNOWN:
            continue
        for key_path in OWN_KEYS[holder.type]:
            for path, _ in holder.values(key_path):
                yield from _compare(view, holder, path, region,
                                    f"{holder} ({region}) is encrypted")

    for replica in view.resources("AWS::RDS::DBInstance"):
        source_region = replica.get("SourceRegion")
        if not isinstance(source_region, str) or replica.get("SourceDBInstanceIdentifier") is None:
            continue
        key = replica.get("KmsKeyId")
        if key_region(view, key) == source_region:
            yield replica.finding("KmsKeyId", f"Cross-Region read replica {replica} is "
                                              f"encrypted with a KMS key from its source Region "
                                              f"{source_region}: a key can only be used in its "
                                              "own Region")


def _compare(view, holder, path, region, subject):
    where = key_region(view, holder.get(path))
    if where is None or where is UNKNOWN or where == region:
        return
    yield holder.finding(path, f"{subject} with a KMS key from {where}: a key can only be used "
                               "in its own Region")

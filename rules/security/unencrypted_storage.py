from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

# type -> (what it is, encryption flag, severity when unset or None when the
#          service encrypts by default, properties that inherit encryption from a source)
FLAGS = {
    "AWS::EC2::Volume": ("EBS volume", "Encrypted", "warning", ("SnapshotId",)),
    "AWS::RDS::DBInstance": ("DB instance", "StorageEncrypted", "error",
                             ("DBClusterIdentifier", "SourceDBInstanceIdentifier",
                              "DBSnapshotIdentifier", "SourceDBClusterIdentifier",
                              "SourceDBInstanceAutomatedBackupsArn")),
    "AWS::RDS::DBCluster": ("DB cluster", "StorageEncrypted", "error",
                            ("SnapshotIdentifier", "SourceDBClusterIdentifier",
                             "GlobalClusterIdentifier", "ReplicationSourceIdentifier")),
    "AWS::DocDB::DBCluster": ("DocumentDB cluster", "StorageEncrypted", "error",
                              ("SnapshotIdentifier", "SourceDBClusterIdentifier")),
    "AWS::Neptune::DBCluster": ("Neptune cluster", "StorageEncrypted", "error",
                                ("SnapshotIdentifier", "SourceDBClusterIdentifier")),
    "AWS::EFS::FileSystem": ("EFS file system", "Encrypted", "error", ()),
    "AWS::Redshift::Cluster": ("Redshift cluster", "Encrypted", None, ("SnapshotIdentifier",)),
    "AWS::OpenSearchService::Domain": ("OpenSearch domain", "EncryptionAtRestOptions/Enabled",
                                       "error", ()),
    "AWS::Elasticsearch::Domain": ("Elasticsearch domain", "EncryptionAtRestOptions/Enabled",
                                   "error", ()),
    "aws_ebs_volume": ("EBS volume", "encrypted", "warning", ("snapshot_id",)),
    "aws_db_instance": ("DB instance", "storage_encrypted", "error",
                        ("replicate_source_db", "snapshot_identifier", "restore_to_point_in_time",
                         "s3_import")),
    "aws_rds_cluster": ("DB cluster", "storage_encrypted", "error",
                        ("snapshot_identifier", "replication_source_identifier",
                         "global_cluster_identifier", "restore_to_point_in_time", "s3_import")),
    "aws_docdb_cluster": ("DocumentDB cluster", "storage_encrypted", "error",
                          ("snapshot_identifier",)),
    "aws_neptune_cluster": ("Neptune cluster", "storage_encrypted", "error",
                            ("snapshot_identifier", "replication_source_identifier")),
    "aws_efs_file_system": ("EFS file system", "encrypted", "error", ()),
    "aws_redshift_cluster": ("Redshift cluster", "encrypted", None, ("snapshot_identifier",)),
    "aws_opensearch_domain": ("OpenSearch domain", "encrypt_at_rest/enabled", "error", ()),
    "aws_elasticsearch_domain": ("Elasticsearch domain", "encrypt_at_rest/enabled", "error", ()),
}
# type -> (block device pattern, its flag, its snapshot id, its device name)
BLOCK_DEVICES = {
    "AWS::EC2::Instance": ("BlockDeviceMappings/*/Ebs", "Encrypted", "SnapshotId", "DeviceName"),
    "AWS::EC2::LaunchTemplate": ("LaunchTemplateData/BlockDeviceMappings/*/Ebs", "Encrypted",
                                 "SnapshotId", "DeviceName"),
    "AWS::AutoScaling::LaunchConfiguration": ("BlockDeviceMappings/*/Ebs", "Encrypted",
                                              "SnapshotId", "DeviceName"),
    "aws_instance": ("ebs_block_device/*", "encrypted", "snapshot_id", "device_name"),
    "aws_launch_template": ("block_device_mappings/*/ebs", "encrypted", "snapshot_id",
                            "device_name"),
    "aws_launch_configuration": ("ebs_block_device/*", "encrypted", "snapshot_id", "device_name"),
}
ROOT_VOLUMES = {"aws_instance": "root_block_device", "aws_launch_configuration":
                "root_block_device"}
ROOT_DEVICE_NAMES = {"/dev/xvda", "/dev/sda1", "/dev/sda", "xvda", "sda1"}
CACHES = {"AWS::ElastiCache::ReplicationGroup": ("AtRestEncryptionEnabled", "Engine"),
          "aws_elasticache_replication_group": ("at_rest_encryption_enabled", "engine")}
STREAMS = ("AWS::Kinesis::Stream", "aws_kinesis_stream")
TOPICS = {"AWS::SNS::Topic": "KmsMasterKeyId", "aws_sns_topic": "kms_master_key_id"}
QUEUES = {"AWS::SQS::Queue": ("SqsManagedSseEnabled", "KmsMasterKeyId"),
          "aws_sqs_queue": ("sqs_managed_sse_enabled", "kms_master_key_id")}


@rule(id="SEC101", name="unencrypted-storage", pillar="security", severity="error",
      resource_types=(*FLAGS, *BLOCK_DEVICES, *CACHES, *STREAMS, *TOPICS, *QUEUES),
      bp=("SEC08-BP02",))
def unencrypted_storage(view):
    """Data store is not encrypted at rest

    ## What it checks
    Storage that holds data at rest and does not encrypt it: EBS volumes and
    the EBS block devices of instances, launch templates and launch
    configurations; RDS instances, Aurora and Multi-AZ DB clusters,
    DocumentDB and Neptune clusters; EFS file systems; ElastiCache (Redis OSS)
    replication groups; OpenSearch and Elasticsearch domains; Kinesis data
    streams; SNS topics; and Redshift clusters and SQS queues where
    encryption was explicitly turned off.

    An explicit `false` is an error. An unset flag is reported where the
    service's default is to store plaintext: as an error for databases, file
    systems and caches, as a warning for EBS (an account may turn on EBS
    encryption by default), Kinesis streams and SNS topics. Resources that
    inherit encryption from a snapshot, a source database or a global cluster
    are skipped, as are values that cannot be resolved.

    The rule relies on these defaults (November 2026): S3 buckets (SSE-S3
    since January 2023), DynamoDB tables, SQS queues (SSE-SQS for new queues
    since 2022), Redshift clusters (encrypted by default since 2025),
    ElastiCache Valkey and serverless caches, CloudWatch Logs, Secrets Manager,
    ECR and AWS Backup vaults always encrypt, so they are reported only when a
    template explicitly turns encryption off where that is possible.

    ## Why it matters
    Encryption at rest keeps data unreadable on disks, snapshots and backups
    that leave your control, and lets KMS key policies act as a second,
    audited access control (SEC08-BP02). Most data stores can only be
    encrypted when they are created: turning it on later means a migration.

    ## How to fix
    Turn encryption on when the store is created, with a customer managed
    KMS key where you need to control and audit key use:

    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        DBInstanceClass: db.m7g.large
        AllocatedStorage: "50"
        StorageEncrypted: true
        KmsKeyId: !Ref DataKey
    ```

    ```json
    {"resource": {"aws_db_instance": {"database": {
      "engine": "postgres", "instance_class": "db.m7g.large", "allocated_storage": 50,
      "storage_encrypted": true, "kms_key_id": "${aws_kms_key.data.arn}"}}}}
    ```

    ## Known limits
    Whether EBS encryption by default is on for the account is not visible in
    CloudFormation; in Terraform an `aws_ebs_encryption_by_default` resource
    in the run is honoured. Root volumes take their encryption from the AMI
    and are reported only when encryption is explicitly false.
    """
    ebs_default = _ebs_encrypted_by_default(view)
    for store in view.resources(*FLAGS):
        what, flag, unset, inherited = FLAGS[store.type]
        if any(store.get(name) is not None for name in inherited):
            continue  # encryption comes from the snapshot, source or global cluster
        if store.type in ("AWS::RDS::DBInstance", "aws_db_instance") and _aurora(store):
            continue  # the cluster holds the storage
        if store.type in ("AWS::RDS::DBCluster", "aws_rds_cluster") and \
                str(store.get("EngineMode", store.get("engine_mode", ""))).lower() == "serverless":
            continue  # Aurora Serverless v1 is always encrypted
        unset_severity = None if (unset == "warning" and _placement(view, store) in ebs_default) \
            else unset
        yield from _flag(store, what, flag, unset_severity)

    for holder in view.resources(*BLOCK_DEVICES):
        pattern, flag, snapshot, device = BLOCK_DEVICES[holder.type]
        for path, block in holder.values(pattern):
            if isinstance(block, list) and len(block) == 1:  # a nested block, as plans write it
                path, block = (*path, 0), block[0]
            if not isinstance(block, dict):
                continue
            encrypted = as_bool(block.get(flag))
            if encrypted is UNKNOWN or encrypted is True:
                continue
            mapping_path = path[:-2] if path[-1] == 0 else path[:-1]
            if not pattern.lower().endswith("/ebs"):
                mapping_path = path
            name = holder.get((*mapping_path, device))
            if encrypted is False:
                yield holder.finding((*path, flag), f"EBS block device {_device(name)} of "
                                                    f"{holder} is not encrypted at rest "
                                                    f"({flag} is false)", severity="error")
            elif block.get(snapshot) is None and name not in ROOT_DEVICE_NAMES and \
                    _placement(view, holder) not in ebs_default and name is not UNKNOWN:
                yield holder.finding(path, f"EBS block device {_device(name)} of {holder} is "
                                           f"not encrypted at rest ({flag} is not set) unless EBS "
                                           "encryption by default is on for the account",
                                     severity="warning")
        root = ROOT_VOLUMES.get(holder.type)
        if root and as_bool(holder.get(f"{root}/encrypted")) is False:
            yield holder.finding(f"{root}/encrypted", f"Root volume of {holder} is not "
                                                      "encrypted at rest (encrypted is false)",
                                 severity="error")

    for cache in view.resources(*CACHES):
        flag, engine_key = CACHES[cache.type]
        engine = cache.get(engine_key, "redis")
        if engine is UNKNOWN:
            continue
        if str(engine).lower() == "valkey":
            yield from _flag(cache, "Cache", flag, None)  # Valkey encrypts by default
        else:
            yield from _flag(cache, "Cache", flag, "error")

    for stream in view.resources(*STREAMS):
        if stream.is_cloudformation:
            encryption = stream.get("StreamEncryption")
            kind = stream.get("StreamEncryption/EncryptionType")
            if encryption is UNKNOWN or kind is UNKNOWN:
                continue
            if encryption is None or str(kind).upper() != "KMS":
                yield stream.finding("StreamEncryption", f"Kinesis stream {stream} is not "
                                                         "encrypted at rest (no StreamEncryption "
                                                         "with a KMS key)", severity="warning")
        else:
            kind = stream.get("encryption_type", "NONE")
            if kind is not UNKNOWN and str(kind).upper() != "KMS":
                yield stream.finding("encryption_type", f"Kinesis stream {stream} is not "
                                                        "encrypted at rest (encryption_type is "
                                                        f"{kind})", severity="warning")

    for topic in view.resources(*TOPICS):
        key = topic.get(TOPICS[topic.type])
        if key is None or key == "":
            yield topic.finding(TOPICS[topic.type], f"SNS topic {topic} is not encrypted at "
                                                    f"rest ({TOPICS[topic.type]} is not set)",
                                severity="warning")

    for queue in view.resources(*QUEUES):
        managed, key_name = QUEUES[queue.type]
        if as_bool(queue.get(managed)) is False and queue.get(key_name) in (None, ""):
            yield queue.finding(managed, f"SQS queue {queue} is not encrypted at rest ({managed} "
                                         "is false and no KMS key is set)", severity="error")


def _flag(store, what, flag, unset_severity):
    value = as_bool(store.get(flag))
    if value is UNKNOWN or value is True:
        return
    if value is False:
        yield store.finding(flag, f"{what} {store} is not encrypted at rest ({flag.split('/')[-1]} "
                                  "is false)", severity="error")
    elif unset_severity is not None:
        default = ("unless EBS encryption by default is on for the account" if what ==
                   "EBS volume" else "and the default is unencrypted")
        yield store.finding(flag, f"{what} {store} is not encrypted at rest "
                                  f"({flag.split('/')[-1]} is not set, {default})",
                            severity=unset_severity)


def _aurora(instance):
    engine = instance.get("Engine", instance.get("engine"))
    if instance.get("cluster_identifier") is not None:
        return True
    return isinstance(engine, str) and engine.lower().startswith("aurora")


def _device(name):
    return name if isinstance(name, str) else "(unnamed)"


def _placement(view, resource):
    """Where an account-and-Region setting applies: the Region, else the module or template."""
    region = view.region(resource)
    return region if isinstance(region, str) else resource.file.rpartition("/")[0]


def _ebs_encrypted_by_default(view):
    """Placements where ``aws_ebs_encryption_by_default`` turns EBS encryption on."""
    return {_placement(view, setting)
            for setting in view.resources("aws_ebs_encryption_by_default")
            if as_bool(setting.get("enabled", True)) is True}

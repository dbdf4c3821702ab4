from wa_lint.query import UNKNOWN, ResourceRef, as_bool
from wa_lint.query.keys import arn_parts, region_of
from wa_lint.rule import rule

# type -> (source, KMS key, encryption flag, source Region or None)
REPLICAS = {
    "AWS::RDS::DBInstance": ("SourceDBInstanceIdentifier", "KmsKeyId", "StorageEncrypted",
                             "SourceRegion"),
    "AWS::RDS::DBCluster": ("ReplicationSourceIdentifier", "KmsKeyId", "StorageEncrypted",
                            "SourceRegion"),
    "aws_db_instance": ("replicate_source_db", "kms_key_id", "storage_encrypted", None),
    "aws_rds_cluster": ("replication_source_identifier", "kms_key_id", "storage_encrypted", None),
}
# what makes a source's encryption inherited from elsewhere (then it is not judged)
INHERITED = ("SourceDBInstanceIdentifier", "DBSnapshotIdentifier", "SnapshotIdentifier",
             "DBClusterIdentifier", "ReplicationSourceIdentifier", "SourceDBClusterIdentifier",
             "GlobalClusterIdentifier", "replicate_source_db", "snapshot_identifier",
             "replication_source_identifier", "global_cluster_identifier",
             "restore_to_point_in_time", "cluster_identifier")


@rule(id="SEC104", name="read-replica-encryption-mismatch", pillar="security", severity="error",
      resource_types=REPLICAS, bp=("SEC08-BP02", "SEC08-BP01"))
def read_replica_encryption_mismatch(view):
    """Read replica cannot get the encryption its template asks for

    ## What it checks
    RDS read replicas (`SourceDBInstanceIdentifier`, `replicate_source_db`)
    and Aurora cross-Region replica clusters (`ReplicationSourceIdentifier`,
    `replication_source_identifier`), against their source:

    - a cross-Region replica of an encrypted source with no KMS key
      (`KmsKeyId` / `kms_key_id`) of its own Region: RDS refuses to create
      it, since the source's key cannot be used in another Region;
    - a replica that asks for encryption (`StorageEncrypted` true or a KMS
      key) of a source that is not encrypted: a replica inherits its
      source's encryption and an unencrypted source cannot have an encrypted
      replica, so the replica stays unencrypted (CloudFormation ignores
      `StorageEncrypted` on a replica) or cannot be created.

    The source's encryption is known when the source is in the run (or, for
    the first case, when the replica itself sets `StorageEncrypted: true`).
    A replica is cross-Region when `SourceRegion` is set, or in Terraform
    when the source's Region (its provider, or the Region of its ARN)
    differs from the replica's. A same-Region replica needs no key: it is
    always encrypted with its source's key. Sources that are themselves
    restored or replicated, and values that cannot be resolved, are not
    judged.

    ## Why it matters
    The disaster-recovery copy is the one you find broken on the day you
    need it: a cross-Region replica that fails to deploy leaves the standby
    Region empty, and a replica believed encrypted that is not holds the
    same data in plaintext (SEC08-BP02, SEC08-BP01).

    ## How to fix
    Give a cross-Region replica a key in its own Region, and encrypt the
    source (by restoring an encrypted snapshot copy) before replicating it
    encrypted:

    ```yaml
    Replica:
      Type: AWS::RDS::DBInstance
      Properties:
        SourceDBInstanceIdentifier: arn:aws:rds:eu-west-1:111122223333:db:orders
        SourceRegion: eu-west-1
        DBInstanceClass: db.m7g.large
        KmsKeyId: !GetAtt ReplicaKey.Arn
    ```

    ```json
    {"resource": {"aws_db_instance": {"replica": {
      "provider": "aws.dr", "instance_class": "db.m7g.large",
      "replicate_source_db": "${aws_db_instance.orders.arn}",
      "kms_key_id": "${aws_kms_key.dr.arn}"}}}}
    ```
    """
    for replica in view.resources():
        source_key, kms_key, flag, region_key = REPLICAS[replica.type]
        source = replica.get(source_key)
        if source is None or source is UNKNOWN:
            continue
        key = replica.get(kms_key)
        wants = as_bool(replica.get(flag))
        if key is UNKNOWN or wants is UNKNOWN:
            continue
        origin = view.resource(source) if isinstance(source, ResourceRef) else None
        encrypted = _encrypted(origin) if origin is not None else UNKNOWN
        crosses = _crosses_regions(view, replica, source, origin, region_key)
        name = origin or _short(source)
        if crosses is True and key in (None, "") and (encrypted is True or wants is True):
            what = f"encrypted {name}" if encrypted is True else f"{name} ({flag} is true)"
            yield replica.finding(kms_key, f"Cross-Region read replica {replica} of {what} "
                                           "has no KMS key of its own Region "
                                           f"({kms_key}): RDS cannot create it")
        elif encrypted is False and (wants is True or key not in (None, "")):
            asks = flag if wants is True else kms_key
            yield replica.finding(asks, f"Read replica {replica} asks for encryption ({asks}) "
                                        f"but its source {name} is not encrypted: a replica of "
                                        "an unencrypted database cannot be encrypted")


def _encrypted(source):
    """Whether a source database in the run is encrypted: True, False or UNKNOWN."""
    if source.type not in REPLICAS:
        return UNKNOWN
    if any(source.get(name) is not None for name in INHERITED):
        return UNKNOWN
    _, kms_key, flag, _ = REPLICAS[source.type]
    engine = source.get("Engine", source.get("engine"))
    if isinstance(engine, str) and engine.startswith("aurora") and source.type in (
            "AWS::RDS::DBInstance", "aws_db_instance"):
        return UNKNOWN  # the cluster holds the storage
    mode = source.get("EngineMode", source.get("engine_mode"))
    if isinstance(mode, str) and mode.lower() == "serverless":
        return True
    value = as_bool(source.get(flag))
    key = source.get(kms_key)
    if value is UNKNOWN or key is UNKNOWN:
        return UNKNOWN
    return value is True or key not in (None, "")


def _crosses_regions(view, replica, source, origin, region_key):
    if region_key is not None:
        source_region = replica.get(region_key)
        if isinstance(source_region, str) and source_region:
            return True
        if origin is not None:
            return False  # the same template: the same Region
        return UNKNOWN
    here = region_of(view, replica)
    if origin is not None:
        there = region_of(view, origin)
    else:
        parts = arn_parts(source)
        there = parts[1] if parts and parts[1] else UNKNOWN
    if here is UNKNOWN or there is UNKNOWN:
        return UNKNOWN
    return here != there


def _short(source):
    return source if isinstance(source, str) else "its source"

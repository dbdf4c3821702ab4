from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

# CloudFormation type -> (what it is, DeletionPolicy when none is written, policies that keep
# the data, the service's own deletion protection property or None)
CFN_STORES = {
    "AWS::DynamoDB::Table": ("DynamoDB table", "Delete", ("Retain", "RetainExceptOnCreate"),
                             "DeletionProtectionEnabled"),
    "AWS::DynamoDB::GlobalTable": ("DynamoDB global table", "Delete",
                                   ("Retain", "RetainExceptOnCreate"), None),
    "AWS::Serverless::SimpleTable": ("DynamoDB table", "Delete",
                                     ("Retain", "RetainExceptOnCreate"), None),
    "AWS::RDS::DBInstance": ("DB instance", "Snapshot",
                             ("Retain", "RetainExceptOnCreate", "Snapshot"), "DeletionProtection"),
    "AWS::RDS::DBCluster": ("DB cluster", "Snapshot", ("Retain", "RetainExceptOnCreate", "Snapshot"),
                            "DeletionProtection"),
    "AWS::EFS::FileSystem": ("EFS file system", "Delete", ("Retain", "RetainExceptOnCreate"),
                             None),
    "AWS::EC2::Volume": ("EBS volume", "Delete", ("Retain", "RetainExceptOnCreate", "Snapshot"),
                         None),
}
# Terraform type -> (what it is, the service's deletion protection argument or None,
# final-snapshot switch or None)
TF_STORES = {
    "aws_dynamodb_table": ("DynamoDB table", "deletion_protection_enabled", None),
    "aws_db_instance": ("DB instance", "deletion_protection", "skip_final_snapshot"),
    "aws_rds_cluster": ("DB cluster", "deletion_protection", "skip_final_snapshot"),
    "aws_efs_file_system": ("EFS file system", None, None),
    "aws_ebs_volume": ("EBS volume", None, None),
}
NOTE_ONLY = ("AWS::EC2::Volume", "aws_ebs_volume")


@rule(id="REL111", name="data-store-without-deletion-protection", pillar="reliability",
      severity="warning", resource_types=(*CFN_STORES, *TF_STORES),
      bp=("REL09-BP01", "OPS06-BP01"))
def data_store_without_deletion_protection(view):
    """Data store is deleted with its stack or Terraform configuration

    ## What it checks
    DynamoDB tables, RDS DB instances and clusters, EFS file systems and EBS
    volumes must survive a `delete-stack`, a `terraform destroy` or a change
    that replaces them. In CloudFormation the resource needs a
    `DeletionPolicy` of `Retain`/`RetainExceptOnCreate` (or `Snapshot` where
    supported) or the service's own deletion protection (`DeletionProtection`,
    `DeletionProtectionEnabled`). The default policy is `Delete`, except for RDS
    instances outside a cluster and RDS clusters, whose default is `Snapshot`:
    those fail only when `DeletionPolicy: Delete` is written. In Terraform the
    resource needs `deletion_protection` (`deletion_protection_enabled` for
    DynamoDB) or `lifecycle { prevent_destroy = true }`; an RDS instance or
    cluster fails only when `skip_final_snapshot = true`, since otherwise a
    final snapshot is taken. EBS volumes are reported as notes. S3 buckets are
    not checked: neither tool deletes a bucket that still holds objects unless
    told to (`force_destroy`).

    ## Why it matters
    Infrastructure as code makes tearing an environment down one command, and
    renaming a key or a table replaces it. Without a retention policy or
    deletion protection the data goes with it, and it can be restored only from
    whatever backups exist, if any (REL09-BP01, OPS06-BP01).

    ## How to fix
    Keep the data when the resource leaves the template, and block deletion at
    the service where it offers that:

    ```yaml
    Orders:
      Type: AWS::DynamoDB::Table
      DeletionPolicy: Retain
      UpdateReplacePolicy: Retain
      Properties:
        BillingMode: PAY_PER_REQUEST
        DeletionProtectionEnabled: true
        AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
        KeySchema: [{AttributeName: id, KeyType: HASH}]
    ```

    ```json
    {"resource": {"aws_dynamodb_table": {"orders": {
      "name": "orders", "billing_mode": "PAY_PER_REQUEST", "hash_key": "id",
      "attribute": [{"name": "id", "type": "S"}],
      "deletion_protection_enabled": true,
      "lifecycle": {"prevent_destroy": true}}}}}
    ```

    ## Known limits
    `lifecycle` is not part of `terraform show -json` output, so in a plan only
    the service's deletion protection and final snapshots are seen; EFS file
    systems and EBS volumes in a plan are not judged. Scratch tables and
    volumes that may be lost should carry a suppression with the reason.
    """
    for store in view.resources(*CFN_STORES):
        label, default, keeping, protection = CFN_STORES[store.type]
        policy = store.attribute("DeletionPolicy")
        if policy is UNKNOWN:
            continue
        effective = policy if policy is not None else default
        if store.type == "AWS::RDS::DBInstance" and store.get("DBClusterIdentifier") is not None:
            continue        # the cluster holds the data
        if effective in keeping:
            continue
        if protection is not None:
            protected = as_bool(store.get(protection))
            if protected is UNKNOWN or protected is True:
                continue
        written = "" if policy is not None else " (the default)"
        yield store.finding("@DeletionPolicy" if policy is not None else None,
                            f"{label[0].upper()}{label[1:]} {store} is deleted with its stack: "
                            f"DeletionPolicy {effective}{written} and no deletion protection",
                            severity="note" if store.type in NOTE_ONLY else None)

    for store in view.resources(*TF_STORES):
        label, protection, skip_snapshot = TF_STORES[store.type]
        in_plan = store.format == "terraform-plan"
        prevent = UNKNOWN if in_plan else as_bool(store.get("lifecycle/prevent_destroy"))
        if prevent is True:
            continue
        if protection is not None:
            protected = as_bool(store.get(protection))
            if protected is UNKNOWN or protected is True:
                continue
        if skip_snapshot is not None:
            skip = as_bool(store.get(skip_snapshot))
            if skip is UNKNOWN or skip is not True:
                continue        # a final snapshot is taken on destroy
            if prevent is UNKNOWN:
                continue
            yield store.finding(skip_snapshot, f"{label[0].upper()}{label[1:]} {store} is "
                                               "destroyed without a final snapshot and has no "
                                               "deletion protection")
            continue
        if prevent is UNKNOWN:
            continue
        where = protection if protection is not None else None
        yield store.finding(where, f"{label[0].upper()}{label[1:]} {store} has no deletion "
                                   "protection and no lifecycle prevent_destroy",
                            severity="note" if store.type in NOTE_ONLY else None)

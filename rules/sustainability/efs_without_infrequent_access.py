from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

POLICIES = {"AWS::EFS::FileSystem": ("LifecyclePolicies", "TransitionToIA"),
            "aws_efs_file_system": ("lifecycle_policy", "transition_to_ia")}


@rule(id="SUS103", name="efs-without-infrequent-access", pillar="sustainability",
      severity="note", resource_types=POLICIES, bp=("SUS04-BP02", "SUS04-BP03"))
def efs_without_infrequent_access(view):
    """EFS file system keeps cold files in the Standard storage class

    ## What it checks
    An EFS file system (`AWS::EFS::FileSystem`, `aws_efs_file_system`) with no
    lifecycle policy moving files to Infrequent Access (`LifecyclePolicies`
    with `TransitionToIA`, Terraform `lifecycle_policy.transition_to_ia`).
    The console proposes 30 days, but CloudFormation and Terraform create a
    file system without any lifecycle policy, so every file stays in
    Standard storage however long it goes unread. A policy that cannot be
    resolved is not judged.

    ## Why it matters
    Most file-system data is rarely read after its first weeks. Infrequent
    Access (and Archive) storage costs a fraction of Standard and runs on
    denser, less energy-hungry media; a lifecycle policy moves files there
    automatically and back on access with `TransitionToPrimaryStorageClass`
    (SUS04-BP02, SUS04-BP03).

    ## How to fix
    Add a transition to Infrequent Access (and back on first access):

    ```yaml
    Shared:
      Type: AWS::EFS::FileSystem
      Properties:
        Encrypted: true
        LifecyclePolicies:
          - TransitionToIA: AFTER_30_DAYS
          - TransitionToPrimaryStorageClass: AFTER_1_ACCESS
    ```

    ```json
    {"resource": {"aws_efs_file_system": {"shared": {"encrypted": true,
      "lifecycle_policy": [{"transition_to_ia": "AFTER_30_DAYS"},
                           {"transition_to_primary_storage_class": "AFTER_1_ACCESS"}]}}}}
    ```

    ## Known limits
    File systems whose whole working set is read every day gain nothing:
    suppress the note with that reason.
    """
    for file_system in view.resources():
        key, transition = POLICIES[file_system.type]
        if file_system.get(key) is UNKNOWN:
            continue
        values = [value for _, value in file_system.values(f"{key}/*/{transition}")]
        if not file_system.is_cloudformation:
            values += [body.get(transition) for _, body in file_system.blocks(key)]
        if any(value is UNKNOWN for value in values):
            continue
        if not any(values):
            yield file_system.finding(key, f"EFS file system {file_system} never moves files "
                                           "to Infrequent Access: cold files stay in Standard "
                                           "storage")

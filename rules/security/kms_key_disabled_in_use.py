from wa_lint.query import as_bool
from wa_lint.rule import rule

KEYS = {"AWS::KMS::Key": "Enabled", "aws_kms_key": "is_enabled"}
KEY_WORDS = ("kms", "key")


@rule(id="SEC110", name="kms-key-disabled-in-use", pillar="security", severity="error",
      resource_types=KEYS, bp=("SEC08-BP01",))
def kms_key_disabled_in_use(view):
    """Disabled KMS key still encrypts resources of the run

    ## What it checks
    KMS keys created disabled (`Enabled: false`, `is_enabled = false`) that
    another resource of the run names as its encryption key (a `KmsKeyId`,
    `KMSMasterKeyId`, `kms_key_arn` ... property that references the key).

    References from key aliases, grants, IAM identities and policy
    statements (bucket or queue policies that name the key) do not count:
    they do not encrypt anything. Keys whose state cannot be
    resolved are not judged.

    ## Why it matters
    A disabled key cannot encrypt or decrypt: creating the resource fails,
    or, for a key disabled after the fact, the data it protects becomes
    unreadable until the key is enabled again. It is usually a leftover of a
    test or of a key rotation that was never finished (SEC08-BP01).

    ## How to fix
    Enable the key, or point the resources at the key that replaced it:

    ```yaml
    DataKey:
      Type: AWS::KMS::Key
      Properties:
        Enabled: true
        EnableKeyRotation: true
        KeyPolicy:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
              Action: "kms:*"
              Resource: "*"
    ```

    ```json
    {"resource": {"aws_kms_key": {"data": {
      "description": "data key", "is_enabled": true, "enable_key_rotation": true}}}}
    ```
    """
    for key in view.resources():
        if as_bool(key.get(KEYS[key.type])) is not False:
            continue
        for user in view.referrers(key):
            if user.type.startswith(("AWS::KMS::", "aws_kms_", "AWS::IAM::", "aws_iam_")):
                continue
            paths = [path for path in view.reference_paths(user, key)
                     if "Statement" not in path and "statement" not in path
                     and any(isinstance(part, str) and any(word in part.lower()
                                                           for word in KEY_WORDS)
                             for part in path)]
            if paths:
                yield key.finding(KEYS[key.type], f"KMS key {key} is disabled, but {user} "
                                                  "encrypts with it")
                break

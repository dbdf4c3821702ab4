from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

# type -> (rotation flag, key spec, key usage, other properties that rule rotation out)
KEYS = {
    "AWS::KMS::Key": ("EnableKeyRotation", "KeySpec", "KeyUsage", ("Origin",)),
    "aws_kms_key": ("enable_key_rotation", "customer_master_key_spec", "key_usage",
                    ("custom_key_store_id", "xks_key_id")),
}
SYMMETRIC = "SYMMETRIC_DEFAULT"


@rule(id="SEC102", name="kms-key-rotation-disabled", pillar="security", severity="warning",
      resource_types=KEYS, bp=("SEC08-BP01",))
def kms_key_rotation_disabled(view):
    """Customer managed KMS key does not rotate its key material

    ## What it checks
    Symmetric encryption KMS keys (`AWS::KMS::Key`, `aws_kms_key`) whose
    automatic rotation is off: `EnableKeyRotation` / `enable_key_rotation`
    false or not set (the default is off for customer managed keys).

    Keys that cannot rotate automatically are exempt: asymmetric keys
    (`RSA_*`, `ECC_*`, `SM2`), HMAC keys, keys with imported key material
    (`Origin: EXTERNAL`) and keys in a custom key store (CloudHSM or
    external). Values that cannot be resolved are not judged.

    ## Why it matters
    Rotating key material limits how much data one key version protects and
    how long a leaked or mis-used version stays useful; it is part of secure
    key management (SEC08-BP01). Automatic rotation is transparent: KMS keeps
    the old versions to decrypt what they encrypted, so nothing needs to be
    re-encrypted and no application changes.

    ## How to fix
    Turn automatic rotation on (yearly by default, `RotationPeriodInDays`
    sets 90 to 2560 days):

    ```yaml
    DataKey:
      Type: AWS::KMS::Key
      Properties:
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
      "description": "data key", "enable_key_rotation": true}}}}
    ```

    ## Known limits
    Rotation of multi-Region replica keys follows their primary key and is
    not checked on `AWS::KMS::ReplicaKey` / `aws_kms_replica_key`.
    """
    for key in view.resources():
        flag, spec_key, usage_key, exempting = KEYS[key.type]
        spec = key.get(spec_key, SYMMETRIC)
        usage = key.get(usage_key, "ENCRYPT_DECRYPT")
        if spec is UNKNOWN or usage is UNKNOWN or str(spec) != SYMMETRIC or \
                str(usage) != "ENCRYPT_DECRYPT":
            continue  # asymmetric and HMAC keys cannot rotate automatically
        if key.is_cloudformation:
            origin = key.get("Origin", "AWS_KMS")
            if origin is UNKNOWN or origin != "AWS_KMS":
                continue  # imported key material or an external key store
        elif any(key.get(name) is not None for name in exempting):
            continue  # custom key store: no automatic rotation
        rotation = as_bool(key.get(flag))
        if rotation is UNKNOWN or rotation is True:
            continue
        state = "is false" if rotation is False else "is not set and defaults to off"
        yield key.finding(flag, f"KMS key {key} does not rotate its key material ({flag} "
                                f"{state})")

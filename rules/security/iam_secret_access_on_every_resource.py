import json
import re

from wa_lint.query import UNKNOWN
from wa_lint.query.iam import (
    IDENTITY,
    IDENTITY_TYPES,
    POLICY_DOCUMENT_DATA,
    condition_entries,
    policy_statements,
)
from wa_lint.rule import rule

# action (lower case) -> (what it reads, ARN of "every one" of them)
READERS = {
    "kms:decrypt": ("KMS key", re.compile(r"^arn:aws[a-z-]*:kms:[^:]*:[^:]*:key/\*$")),
    "kms:reencryptfrom": ("KMS key", re.compile(r"^arn:aws[a-z-]*:kms:[^:]*:[^:]*:key/\*$")),
    "kms:reencrypt*": ("KMS key", re.compile(r"^arn:aws[a-z-]*:kms:[^:]*:[^:]*:key/\*$")),
    "secretsmanager:getsecretvalue": ("secret", re.compile(
        r"^arn:aws[a-z-]*:secretsmanager:[^:]*:[^:]*:secret:\*$")),
}
WRITTEN_EVERY = {"KMS key": re.compile(r":kms:[^\"]*:key/\*\""),
                 "secret": re.compile(r":secretsmanager:[^\"]*:secret:\*\"")}


@rule(id="SEC212", name="iam-secret-access-on-every-resource", pillar="security",
      severity="warning", resource_types=(*IDENTITY_TYPES, POLICY_DOCUMENT_DATA),
      bp=("SEC03-BP02", "SEC08-BP01"))
def iam_secret_access_on_every_resource(view):
    """Policy can decrypt with every KMS key or read every secret

    ## What it checks
    `Allow` statements of identity policies (IAM roles, users, groups and
    policies, SAM `Policies`, `aws_iam_policy_document`) that grant
    `kms:Decrypt` or `kms:ReEncryptFrom` on every key, or
    `secretsmanager:GetSecretValue` on every secret (`"*"`,
    `arn:aws:kms:*:*:key/*`, `arn:aws:secretsmanager:...:secret:*`), with no
    condition (`kms:ViaService`, `kms:EncryptionContext:*`,
    `aws:ResourceTag/*` ...).

    Key policies are not checked (their `"*"` means the key itself), nor are
    `kms:*`, `secretsmanager:*` and `*`, which `iam-overbroad-permissions`
    reports. Values that cannot be resolved are not judged.

    ## Why it matters
    Every customer managed key with the default key policy, and every AWS
    managed key, lets IAM policies decide who uses it. A policy allowing
    decryption with every key, or reading every secret, lets one compromised
    function read all encrypted data and credentials in the account,
    whatever they belong to (SEC03-BP02, SEC08-BP01; AWS Security Hub
    KMS.1 and KMS.2).

    ## How to fix
    Name the keys and secrets the workload uses, or restrict the statement
    with a condition:

    ```yaml
    ReadSecrets:
      Type: AWS::IAM::Policy
      Properties:
        PolicyName: read-orders-secrets
        Roles: [!Ref FunctionRole]
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: secretsmanager:GetSecretValue
              Resource: !Ref OrdersSecret
            - Effect: Allow
              Action: kms:Decrypt
              Resource: !GetAtt OrdersKey.Arn
    ```

    ```json
    {"data": {"aws_iam_policy_document": {"read_secrets": {"statement": {
      "actions": ["secretsmanager:GetSecretValue"],
      "resources": ["${aws_secretsmanager_secret.orders.arn}"]}}}}}
    ```
    """
    for statement in policy_statements(view):
        if statement.kind != IDENTITY or statement.effect != "Allow" or statement.not_resources:
            continue
        actions = [action for action in statement.actions
                   if isinstance(action, str) and action.lower() in READERS]
        if not actions:
            continue
        conditions = condition_entries(statement)
        if conditions is UNKNOWN or conditions:
            continue
        where = statement.resource
        resource_key = "Resource" if where.type != POLICY_DOCUMENT_DATA else "resources"
        written = None
        for action in actions:
            what, every = READERS[action.lower()]
            broad = "*" in statement.resources or any(
                isinstance(item, str) and every.match(item) for item in statement.resources)
            if not broad and UNKNOWN in statement.resources:
                # an account id written as ${AWS::AccountId}: read the ARN as written
                if written is None:
                    written = json.dumps(where.written((*statement.path, resource_key)),
                                         default=str)
                broad = bool(WRITTEN_EVERY[what].search(written))
            if broad:
                path = (*statement.path, "Action" if where.type != POLICY_DOCUMENT_DATA
                        else "actions")
                yield where.finding(path, f"Policy statement of {where} allows {action} on "
                                          f"every {what}, with no condition")

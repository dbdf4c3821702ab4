from wa_lint.query import UNKNOWN
from wa_lint.query.keys import rotation_schedules
from wa_lint.rule import rule

SECRETS = ("AWS::SecretsManager::Secret", "aws_secretsmanager_secret")


@rule(id="SEC207", name="secrets-manager-without-rotation", pillar="security", severity="note",
      resource_types=(*SECRETS, "AWS::SecretsManager::RotationSchedule",
                      "aws_secretsmanager_secret_rotation"),
      bp=("SEC02-BP05", "SEC02-BP03"))
def secrets_manager_without_rotation(view):
    """Secrets Manager secret is never rotated

    ## What it checks
    Secrets Manager secrets (`AWS::SecretsManager::Secret`,
    `aws_secretsmanager_secret`) that no rotation schedule in the run
    rotates: no `AWS::SecretsManager::RotationSchedule` /
    `aws_secretsmanager_secret_rotation` points at them (by reference, ARN
    or name), and, in Terraform, no legacy inline `rotation_rules`.

    Secrets Manager does not rotate a secret unless rotation is configured.
    When a rotation schedule names its secret through a value that cannot be
    resolved, the secrets of that template are not judged. Credentials that
    RDS, Redshift or another service manages for you
    (`ManageMasterUserPassword`) rotate automatically and are not secrets of
    the template.

    ## Why it matters
    A credential that never changes stays valid for as long as it has leaked,
    and nobody notices when it is copied. Rotating it on a schedule limits
    that window and proves the rotation path works before you need it in an
    incident (SEC02-BP05, SEC02-BP03).

    ## How to fix
    Add a rotation schedule, with a hosted rotation function for database
    credentials or your own Lambda function:

    ```yaml
    DatabaseSecretRotation:
      Type: AWS::SecretsManager::RotationSchedule
      Properties:
        SecretId: !Ref DatabaseSecret
        HostedRotationLambda:
          RotationType: PostgreSQLSingleUser
        RotationRules:
          ScheduleExpression: rate(30 days)
    ```

    ```json
    {"resource": {"aws_secretsmanager_secret_rotation": {"database": {
      "secret_id": "${aws_secretsmanager_secret.database.id}",
      "rotation_lambda_arn": "${aws_lambda_function.rotate.arn}",
      "rotation_rules": {"automatically_after_days": 30}}}}}
    ```

    ## Known limits
    Some secrets (third-party API keys) cannot be rotated by AWS; suppress
    the finding for them with a reason. Rotation configured outside the
    templates of the run is not visible, hence the `note` level.
    """
    rotated, unresolved_files = rotation_schedules(view)
    for secret in view.resources(*SECRETS):
        if secret in rotated or secret.file in unresolved_files:
            continue
        if not secret.is_cloudformation and (secret.get("rotation_rules") is not None or
                                             secret.get("rotation_lambda_arn") is not None):
            continue
        if secret.get("rotation_rules") is UNKNOWN:
            continue
        yield secret.finding(None, f"Secret {secret} has no rotation schedule")

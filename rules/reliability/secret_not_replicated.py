from wa_lint.rule import rule

SECRETS = ("aws_secretsmanager_secret",)
NOT_CONSUMERS = ("aws_secretsmanager_secret_version", "aws_secretsmanager_secret_rotation",
                 "aws_secretsmanager_secret_policy", "aws_iam_policy", "aws_iam_role_policy",
                 "aws_iam_role", "aws_iam_user_policy", "aws_iam_group_policy",
                 "aws_kms_key", "aws_kms_key_policy")


@rule(id="REL208", name="secret-not-replicated", pillar="reliability", severity="warning",
      resource_types=SECRETS, bp="REL13-BP02")
def secret_not_replicated(view):
    """Secret is read from another Region but has no replica there

    ## What it checks
    A Terraform `aws_secretsmanager_secret` that is referenced (directly or
    through its `aws_secretsmanager_secret_version`) by a resource deployed to
    another Region (a function's environment, a task definition, a database's
    credentials ...) must list that Region in a `replica { region }` block.
    IAM policies that grant access to the secret are not consumers. The
    CloudFormation equivalent (`ReplicaRegions`) is not checked, since a
    stack's Region is not known.

    ## Why it matters
    Secrets Manager secrets are Regional. A consumer in the recovery Region
    that reads the primary Region's secret works until the primary Region
    fails, and then cannot start: the failover depends on the Region it is
    meant to replace. A replica keeps a synchronised copy in each Region
    (REL13-BP02).

    ## How to fix
    Replicate the secret to every Region that reads it, with a KMS key of that
    Region if the secret uses a customer managed key, and read the local
    replica there:

    ```yaml
    Credentials:
      Type: AWS::SecretsManager::Secret
      Properties:
        GenerateSecretString: {PasswordLength: 32}
        ReplicaRegions:
          - Region: us-west-2
    ```

    ```json
    {"resource": {"aws_secretsmanager_secret": {"credentials": {
      "name": "credentials", "replica": {"region": "eu-central-1"}}}}}
    ```

    ## Known limits
    Consumers that name the secret by a literal ARN or name, or that live in
    another configuration, are not seen.
    """
    for secret in view.resources():
        if secret.format == "terraform-plan":
            continue
        home = view.region(secret)
        if not isinstance(home, str):
            continue
        replicas = {block.get("region") for _, block in secret.blocks("replica")}
        if any(not isinstance(region, str) for region in replicas):
            continue
        holders = [secret, *view.referrers(secret, ("aws_secretsmanager_secret_version",),
                                           path="secret_id")]
        missing: dict[str, list] = {}
        for holder in holders:
            for consumer in view.referrers(holder):
                if consumer.type in NOT_CONSUMERS or consumer.type in SECRETS:
                    continue
                region = view.region(consumer)
                if isinstance(region, str) and region != home and region not in replicas:
                    missing.setdefault(region, []).append(consumer)
        for region, consumers in sorted(missing.items()):
            names = ", ".join(sorted({str(consumer) for consumer in consumers})[:3])
            yield secret.finding("replica", f"Secret {secret} is read in {region} ({names}) "
                                            f"but has no replica there")

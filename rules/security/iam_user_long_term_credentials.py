from wa_lint.query import UNKNOWN
from wa_lint.query.keys import secret_key_outputs, secret_key_uses
from wa_lint.rule import rule

ACCESS_KEYS = {"AWS::IAM::AccessKey": ("UserName", "Status"),
               "aws_iam_access_key": ("user", "status")}
LOGIN_PROFILES = {"AWS::IAM::User": "LoginProfile", "aws_iam_user_login_profile": None}
SAFE_STORES = {"AWS::SecretsManager::Secret", "aws_secretsmanager_secret_version"}


@rule(id="SEC203", name="iam-user-long-term-credentials", pillar="security",
      severity="warning", resource_types=(*ACCESS_KEYS, *LOGIN_PROFILES),
      bp=("SEC02-BP02", "SEC02-BP04"))
def iam_user_long_term_credentials(view):
    """IAM user gets long-term credentials from the template

    ## What it checks
    Long-term IAM user credentials created by a template:

    - an active access key (`AWS::IAM::AccessKey`, `aws_iam_access_key`) is a
      warning; when its secret is published in a CloudFormation output, put
      in an SSM parameter that is not a `SecureString`, or handed to any
      resource other than a Secrets Manager secret (a function's environment,
      say), it is an error;
    - a console password (`LoginProfile` of `AWS::IAM::User`,
      `aws_iam_user_login_profile`) is a warning.

    Inactive access keys are not reported. IAM users without keys or
    passwords are not reported. A literal password is reported by
    `secret-in-template`.

    ## Why it matters
    Access keys and passwords do not expire: once copied, they work until
    someone notices and revokes them. Workloads should use roles with
    temporary credentials (instance profiles, task and execution roles, IAM
    Roles Anywhere, OIDC federation for CI), and people should sign in
    through a central identity provider such as IAM Identity Center
    (SEC02-BP02, SEC02-BP04). An output or plaintext parameter makes the
    secret readable by everyone who can describe the stack or read
    parameters.

    ## How to fix
    Replace the user and its key with a role that the workload assumes:

    ```yaml
    WorkerRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal: {Service: ecs-tasks.amazonaws.com}
              Action: sts:AssumeRole
    ```

    ```json
    {"resource": {"aws_iam_role": {"worker": {
      "assume_role_policy": "${data.aws_iam_policy_document.ecs_tasks.json}"}}}}
    ```

    If a third party really needs a key, store it only in Secrets Manager and
    rotate it.

    ## Known limits
    Terraform outputs are not checked: Terraform refuses to output the key's
    secret unless the output is marked sensitive (it still lands in the
    state).
    """
    for key in view.resources(*ACCESS_KEYS):
        user_key, status_key = ACCESS_KEYS[key.type]
        status = key.get(status_key, "Active")
        if status is UNKNOWN or str(status) != "Active":
            continue
        user = key.get(user_key)
        owner = view.resource(user) if not isinstance(user, str) else None
        who = owner or (user if isinstance(user, str) else "a user")
        exposed = False
        for output in secret_key_outputs(key):
            exposed = True
            yield key.finding(None, f"Access key {key} of {who} has its secret access key "
                                    f"published in output {output}", severity="error")
        for reader, attribute in secret_key_uses(view, key):
            if reader.type in SAFE_STORES:
                continue
            if reader.type in ("AWS::SSM::Parameter", "aws_ssm_parameter") and \
                    str(reader.get("Type", reader.get("type", ""))) == "SecureString":
                continue
            exposed = True
            yield key.finding(None, f"Access key {key} of {who} has its secret ({attribute}) "
                                    f"handed to {reader} in plain text", severity="error")
        if not exposed:
            yield key.finding(None, f"Access key {key} gives {who} long-term credentials")

    for holder in view.resources(*LOGIN_PROFILES):
        path = LOGIN_PROFILES[holder.type]
        if path is not None and holder.get(path) is None:
            continue
        user = holder.get("user") if path is None else None
        who = holder if path is not None else (view.resource(user) if not isinstance(user, str)
                                               else None) or user or "a user"
        yield holder.finding(path, f"IAM user {who} has a console password: a long-term "
                                   "credential outside a central identity provider")

from wa_lint.query.iam import managed_policy_arns
from wa_lint.rule import rule

HOLDERS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "AWS::Serverless::Function",
           "AWS::Serverless::StateMachine", "aws_iam_role", "aws_iam_role_policy_attachment",
           "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment",
           "aws_iam_policy_attachment")
AWS_MANAGED = ":iam::aws:policy/"
NEAR_ADMIN = {"PowerUserAccess", "IAMFullAccess"}
ADMIN = "AdministratorAccess"  # reported by iam-overbroad-permissions


@rule(id="SEC210", name="aws-managed-policy-too-broad", pillar="security", severity="warning",
      resource_types=HOLDERS, bp=("SEC03-BP02",))
def aws_managed_policy_too_broad(view):
    """Workload identity gets a broad AWS managed policy

    ## What it checks
    AWS managed policies attached to roles, users and groups (including
    `ManagedPolicyArns`, `managed_policy_arns`, policy attachments and SAM
    function and state machine `Policies`):

    - `PowerUserAccess` (every action outside IAM and Organizations) and
      `IAMFullAccess` (which can grant itself anything) are errors;
    - any other `...FullAccess` policy (`AmazonS3FullAccess`,
      `AmazonDynamoDBFullAccess`, `AWSLambda_FullAccess` ...) is a warning:
      it grants every action on every resource of a service.

    `AdministratorAccess` is reported by `iam-overbroad-permissions`.
    Customer managed policies and ARNs that cannot be resolved are not
    judged.

    ## Why it matters
    AWS managed full-access policies are written for people exploring a
    service, not for workloads: they cover every resource in the account
    (every bucket, every table) and every action, deletion included. A
    compromised function with `AmazonS3FullAccess` can read and delete all
    the data in S3 (SEC03-BP02).

    ## How to fix
    Replace the managed policy with a policy naming the actions and
    resources the workload uses (SAM policy templates do this for you):

    ```yaml
    Reader:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Handler: app.handler
        CodeUri: src/
        Policies:
          - S3ReadPolicy: {BucketName: !Ref Reports}
    ```

    ```json
    {"data": {"aws_iam_policy_document": {"reader": {"statement": {
      "actions": ["s3:GetObject"], "resources": ["${aws_s3_bucket.reports.arn}/*"]}}}}}
    ```
    """
    for holder in view.resources():
        subject = holder
        if holder.type.endswith("_policy_attachment"):
            owners = view.referenced(holder, None, ("aws_iam_role", "aws_iam_user",
                                                    "aws_iam_group"))
            subject = f"{owners[0]} (through {holder})" if len(owners) == 1 else holder
        for path, arn in managed_policy_arns(holder):
            if not isinstance(arn, str):
                continue
            if AWS_MANAGED in arn:
                name = arn.rsplit("/", 1)[-1]
            elif "/" not in arn and ":" not in arn and holder.type.startswith(
                    "AWS::Serverless::"):
                name = arn  # SAM accepts AWS managed policy names
            else:
                continue
            if name == ADMIN:
                continue
            if name in NEAR_ADMIN:
                yield holder.finding(path, f"{subject} is given the {name} managed policy, which "
                                           "is close to administrator access", severity="error")
            elif name.endswith("FullAccess"):
                yield holder.finding(path, f"{subject} is given the {name} managed policy: every "
                                           "action on every resource of the service")

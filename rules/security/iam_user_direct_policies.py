from wa_lint.query import ResourceRef, flatten
from wa_lint.rule import rule

USERS = ("AWS::IAM::User",)
USER_POLICIES = {"AWS::IAM::Policy": "Users", "AWS::IAM::ManagedPolicy": "Users",
                 "AWS::IAM::UserPolicy": "UserName", "aws_iam_user_policy": "user",
                 "aws_iam_user_policy_attachment": "user", "aws_iam_policy_attachment": "users"}


@rule(id="SEC211", name="iam-user-direct-policies", pillar="security", severity="warning",
      resource_types=(*USERS, *USER_POLICIES), bp=("SEC02-BP06", "SEC03-BP02"))
def iam_user_direct_policies(view):
    """IAM user is given permissions directly instead of through a group

    ## What it checks
    Permissions attached to IAM users themselves: the `Policies` and
    `ManagedPolicyArns` of `AWS::IAM::User`; `AWS::IAM::Policy` and
    `AWS::IAM::ManagedPolicy` with `Users`; `AWS::IAM::UserPolicy`; and
    Terraform `aws_iam_user_policy`, `aws_iam_user_policy_attachment` and
    `aws_iam_policy_attachment` with `users`.

    Policies attached to groups (which users join) or roles pass.

    ## Why it matters
    Permissions written per user drift apart, are forgotten when people
    change jobs, and cannot be reviewed by job function. Granting them
    through groups (or, better, through roles assumed from a central
    identity provider) keeps access tied to what people do (SEC02-BP06,
    SEC03-BP02).

    ## How to fix
    Attach the policy to a group and add the user to the group:

    ```yaml
    Analysts:
      Type: AWS::IAM::Group
      Properties:
        ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonAthenaFullAccess]
    Alice:
      Type: AWS::IAM::User
      Properties:
        Groups: [!Ref Analysts]
    ```

    ```json
    {"resource": {"aws_iam_user_group_membership": {"alice": {
      "user": "${aws_iam_user.alice.name}", "groups": ["${aws_iam_group.analysts.name}"]}}}}
    ```
    """
    for user in view.resources(*USERS):
        for key in ("Policies", "ManagedPolicyArns"):
            if user.get(key):
                yield user.finding(key, f"IAM user {user} is given permissions directly "
                                        f"({key}) instead of through a group")
    for policy in view.resources(*USER_POLICIES):
        key = USER_POLICIES[policy.type]
        value = policy.get(key)
        if value is None or value == [] or value == "":
            continue
        names = ", ".join(_name(view, item) for item in flatten(value))
        what = "Attachment" if policy.type.endswith("attachment") else "Policy"
        yield policy.finding(key, f"{what} {policy} is attached directly to IAM users ({names}) "
                                  "instead of a group")


def _name(view, item):
    target = view.resource(item) if isinstance(item, ResourceRef) else None
    return str(target) if target is not None else str(item)

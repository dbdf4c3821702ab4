from wa_lint.query import UNKNOWN
from wa_lint.query.iam import (
    POLICY_DOCUMENT_DATA,
    POLICY_LOCATIONS,
    RESOURCE,
    TRUST,
    managed_policy_arns,
    policy_statements,
)
from wa_lint.rule import rule

ATTACHMENTS = ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group", "aws_iam_role",
               "aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
               "aws_iam_group_policy_attachment", "aws_iam_policy_attachment")
PERMISSIONS = {"AWS::Lambda::Permission": ("Principal", "SourceArn", "SourceAccount",
                                           "PrincipalOrgID"),
               "aws_lambda_permission": ("principal", "source_arn", "source_account",
                                         "principal_org_id")}
ADMIN_POLICY = "AdministratorAccess"
READ_PREFIXES = ("Get", "List", "Describe", "Head")
# services whose every action is a session-channel call with no resource-level permissions:
# "ssmmessages:*" on "*" is what Session Manager needs (AWS's own managed policy grants it)
CHANNEL_SERVICES = {"ssmmessages:*", "ec2messages:*"}


@rule(id="SEC201", name="iam-overbroad-permissions", pillar="security", severity="error",
      resource_types=(*POLICY_LOCATIONS, *ATTACHMENTS, *PERMISSIONS, POLICY_DOCUMENT_DATA),
      bp=("SEC03-BP02", "SEC03-BP07"))
def iam_overbroad_permissions(view):
    """Policy grants far more than the workload needs

    ## What it checks
    Every identity, trust and resource policy in the run (IAM roles, users,
    groups and policies, SAM `Policies`, bucket, queue, topic, key, secret,
    repository, API, domain and file-system policies; Terraform JSON-string
    policies, `jsonencode(...)` and `aws_iam_policy_document` data sources):

    - an `Allow` of `Action: "*"` on `Resource: "*"` (administrator access) is
      an error, and attaching the `AdministratorAccess` managed policy is too;
    - an `Allow` of every action of a service (`"s3:*"`) on `Resource: "*"` is
      a warning;
    - an `Allow` with `NotAction` grants everything not listed: a warning;
    - a trust or resource policy that allows `Principal: "*"` (or
      `{"AWS": "*"}`) without any `Condition` is an error; when it only grants
      read actions (`Get*`, `List*`, `Describe*`) it is a warning (a public
      website bucket, say: make sure that is intended);
    - a Lambda permission for principal `*` with no source ARN, account or
      organization is an error.

    `Deny` statements are never findings, nor are `ssmmessages:*` and
    `ec2messages:*`, whose actions have no resource-level permissions. A KMS key policy that gives the
    account root `kms:*` is the documented default and is not reported (its
    principal is the account, not anyone). Values that cannot be resolved
    (a parameter, an imported ARN) are not judged.

    ## Why it matters
    Least privilege limits what a compromised function, instance or
    credential can do (SEC03-BP02). Wildcard grants turn any foothold into
    account-wide access, and a resource or trust policy open to `*` lets any
    AWS account, or anyone at all, use the resource (SEC03-BP07).

    ## How to fix
    Name the actions and the resources the workload uses, and restrict who
    may assume a role or use a resource with a specific principal or a
    condition such as `aws:SourceArn` or `aws:PrincipalOrgID`:

    ```yaml
    ReaderPolicy:
      Type: AWS::IAM::Policy
      Properties:
        PolicyName: read-orders
        Roles: [!Ref FunctionRole]
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: [dynamodb:GetItem, dynamodb:Query]
              Resource: !GetAtt OrdersTable.Arn
    ```

    ```json
    {"data": {"aws_iam_policy_document": {"read_orders": {"statement": {
      "actions": ["dynamodb:GetItem", "dynamodb:Query"],
      "resources": ["${aws_dynamodb_table.orders.arn}"]}}}}}
    ```

    ## Known limits
    Statements are judged one by one; permissions that add up across several
    policies are not combined. Service-control policies and permission
    boundaries outside the templates are not visible.
    """
    for statement in policy_statements(view):
        if statement.effect != "Allow":
            continue
        where = statement.resource
        if statement.kind in (TRUST, RESOURCE):
            if not statement.principal_is_anyone() or statement.condition not in (None, {}, []):
                continue
            actions = [a for a in statement.actions if isinstance(a, str)]
            if UNKNOWN in statement.actions:
                continue
            subject = "role trust policy" if statement.kind == TRUST else "resource policy"
            reads_only = actions and all(_is_read(action) for action in actions)
            yield where.finding((*statement.path, _key(where, "Principal")),
                                f"{subject.capitalize()} of {where} allows any principal "
                                f"({', '.join(actions) or 'every action'}) with no condition",
                                severity="warning" if reads_only else "error")
            continue
        resources = statement.resources
        if statement.not_actions:
            yield where.finding((*statement.path, _key(where, "NotAction")),
                                f"Policy statement of {where} allows every action except "
                                f"{', '.join(map(str, statement.not_actions))}",
                                severity="warning")
            continue
        if "*" not in resources:
            continue
        if "*" in statement.actions or "*:*" in statement.actions:
            yield where.finding((*statement.path, _key(where, "Action")),
                                f"Policy statement of {where} allows every action on every "
                                "resource (administrator access)", severity="error")
            continue
        services = sorted({a for a in statement.actions if isinstance(a, str)
                           and a.endswith(":*") and a.count(":") == 1} - CHANNEL_SERVICES)
        if services:
            yield where.finding((*statement.path, _key(where, "Action")),
                                f"Policy statement of {where} allows every action of "
                                f"{', '.join(services)} on every resource", severity="warning")

    for holder in view.resources(*ATTACHMENTS, "AWS::Serverless::Function",
                                 "AWS::Serverless::StateMachine"):
        for path, arn in managed_policy_arns(holder):
            if isinstance(arn, str) and (arn == ADMIN_POLICY or arn.endswith(
                    ":policy/" + ADMIN_POLICY)):
                yield holder.finding(path, f"{holder} is given the AdministratorAccess managed "
                                           "policy", severity="error")

    for permission in view.resources(*PERMISSIONS):
        principal_key, *scoping = PERMISSIONS[permission.type]
        if permission.get(principal_key) != "*":
            continue
        if any(permission.get(key) is not None for key in scoping):
            continue
        yield permission.finding(principal_key, f"Lambda permission {permission} lets any "
                                                "principal invoke the function, with no source "
                                                "ARN, account or organization")


def _is_read(action):
    _, _, name = action.partition(":")
    return bool(name) and name.startswith(READ_PREFIXES)


def _key(resource, name):
    """Statement keys as written: IAM JSON names, or the data source's block names."""
    if resource.type != POLICY_DOCUMENT_DATA:
        return name
    return {"Principal": "principals", "NotAction": "not_actions", "Action": "actions"}[name]

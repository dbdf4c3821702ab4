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

PASS_ROLE = re.compile(r"^iam:pass(r(o(le?)?)?)?\*?$", re.IGNORECASE)
EVERY_ROLE = re.compile(r"^arn:aws[a-z-]*:iam::(\*|\d{12}):role/\*$")
WRITTEN_EVERY_ROLE = re.compile(r":iam::(\$\{[^}]*\}|[^:\"]*):role/\*\"")


@rule(id="SEC209", name="iam-passrole-unrestricted", pillar="security", severity="error",
      resource_types=(*IDENTITY_TYPES, POLICY_DOCUMENT_DATA), bp=("SEC03-BP02",))
def iam_passrole_unrestricted(view):
    """Policy lets its holder pass any role to any service

    ## What it checks
    `Allow` statements of identity policies (IAM roles, users, groups and
    policies, SAM `Policies`, `aws_iam_policy_document`) that grant
    `iam:PassRole` (written out, or as `iam:Pass*`) on every resource
    (`"*"`, an error) or on every role of an account
    (`arn:aws:iam::111122223333:role/*`, a warning), without an
    `iam:PassedToService` condition.

    Statements scoped to named roles or role paths, or conditioned on
    `iam:PassedToService`, pass. `Action: "*"` and `iam:*` are reported by
    `iam-overbroad-permissions`. Values that cannot be resolved are not
    judged.

    ## Why it matters
    Passing a role is how a principal hands permissions to a service: with
    `iam:PassRole` on every role, anyone holding this policy can launch an
    instance, function or task with the most privileged role in the account
    and act through it, an escalation path to administrator (SEC03-BP02).

    ## How to fix
    Name the roles that may be passed and the service that may receive them:

    ```yaml
    PassTaskRole:
      Type: AWS::IAM::Policy
      Properties:
        PolicyName: pass-task-role
        Roles: [!Ref DeployRole]
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: iam:PassRole
              Resource: !GetAtt TaskRole.Arn
              Condition:
                StringEquals: {iam:PassedToService: ecs-tasks.amazonaws.com}
    ```

    ```json
    {"data": {"aws_iam_policy_document": {"pass_task_role": {"statement": {
      "actions": ["iam:PassRole"], "resources": ["${aws_iam_role.task.arn}"],
      "condition": {"test": "StringEquals", "variable": "iam:PassedToService",
                    "values": ["ecs-tasks.amazonaws.com"]}}}}}}
    ```
    """
    for statement in policy_statements(view):
        if statement.kind != IDENTITY or statement.effect != "Allow" or statement.not_resources:
            continue
        actions = [action for action in statement.actions
                   if isinstance(action, str) and PASS_ROLE.match(action)]
        if not actions:
            continue
        conditions = condition_entries(statement)
        if conditions is UNKNOWN or any(key.lower() == "iam:passedtoservice"
                                        for _, key, _ in conditions):
            continue
        where = statement.resource
        every_role = any(isinstance(item, str) and EVERY_ROLE.match(item)
                         for item in statement.resources)
        if UNKNOWN in statement.resources:
            # an account id written as ${AWS::AccountId}: read the ARN as written
            written = where.written((*statement.path, "Resource" if where.type !=
                                     POLICY_DOCUMENT_DATA else "resources"))
            every_role = every_role or bool(WRITTEN_EVERY_ROLE.search(json.dumps(written, default=str)))
            if not every_role:
                continue
        path = (*statement.path, "Action" if where.type != POLICY_DOCUMENT_DATA else "actions")
        if "*" in statement.resources:
            yield where.finding(path, f"Policy statement of {where} allows {actions[0]} on "
                                      "every role, to any service (no iam:PassedToService "
                                      "condition)")
        elif every_role:
            yield where.finding(path, f"Policy statement of {where} allows {actions[0]} on "
                                      "every role of the account, to any service (no "
                                      "iam:PassedToService condition)", severity="warning")

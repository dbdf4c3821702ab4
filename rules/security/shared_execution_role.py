from wa_lint.rule import rule

ROLES = ("AWS::IAM::Role", "aws_iam_role")
# workload type -> property naming the role its code runs with
WORKLOADS = {
    "AWS::Lambda::Function": "Role",
    "AWS::Serverless::Function": "Role",
    "AWS::ECS::TaskDefinition": "TaskRoleArn",
    "AWS::StepFunctions::StateMachine": "RoleArn",
    "AWS::Serverless::StateMachine": "Role",
    "aws_lambda_function": "role",
    "aws_ecs_task_definition": "task_role_arn",
    "aws_sfn_state_machine": "role_arn",
}


@rule(id="SEC205", name="shared-execution-role", pillar="security", severity="note",
      resource_types=(*ROLES, *WORKLOADS), bp=("SEC03-BP02",),
      options={"min-workloads": 3})
def shared_execution_role(view):
    """One IAM role runs several distinct workloads

    ## What it checks
    IAM roles of the run (`AWS::IAM::Role`, `aws_iam_role`) that are the
    execution role of at least `min-workloads` (default 3) Lambda functions,
    ECS task definitions (their task role) and Step Functions state
    machines, SAM functions and state machines included.

    ECS task *execution* roles (`ExecutionRoleArn`), which only pull images
    and write logs for the ECS agent, are not counted. Roles given as
    literal ARNs or parameters are not judged.

    ## Why it matters
    A shared role holds the union of what every workload using it needs, so
    a bug or compromise in any one of them can do what all of them can, and
    nobody can later remove a permission without checking every user of the
    role. One role per workload keeps each to least privilege and makes
    CloudTrail say which workload made a call (SEC03-BP02).

    ## How to fix
    Give each function, task or state machine its own role with only the
    permissions it uses; in SAM, per-function `Policies` templates create
    one role per function:

    ```yaml
    ResizeFunction:
      Type: AWS::Serverless::Function
      Properties:
        Runtime: python3.12
        Handler: app.handler
        CodeUri: resize/
        Policies:
          - S3ReadPolicy: {BucketName: !Ref Uploads}
    ```

    ```json
    {"resource": {"aws_lambda_function": {"resize": {
      "function_name": "resize", "runtime": "python3.12", "handler": "app.handler",
      "filename": "resize.zip", "role": "${aws_iam_role.resize.arn}"}}}}
    ```

    ## Known limits
    Whether the workloads really need different permissions is not judged;
    a few functions of one small service may share a role on purpose. Raise
    `min-workloads` in `.wa-lint.yaml` to tune the rule.
    """
    wanted = view.option("min-workloads")
    for role in view.resources(*ROLES):
        users = []
        for workload_type, path in WORKLOADS.items():
            users.extend(view.referrers(role, (workload_type,), path=path))
        if len(users) >= wanted:
            names = ", ".join(str(user) for user in users[:5])
            more = f" and {len(users) - 5} more" if len(users) > 5 else ""
            yield role.finding(None, f"Role {role} is the execution role of {len(users)} "
                                     f"workloads ({names}{more}): each gets the permissions "
                                     "all of them need")

from wa_lint.query import UNKNOWN
from wa_lint.query.cost import scope
from wa_lint.rule import rule

REPOSITORIES = ("AWS::ECR::Repository", "aws_ecr_repository")
POLICIES = ("aws_ecr_lifecycle_policy",)


@rule(id="COST110", name="ecr-repository-without-lifecycle-policy", pillar="cost-optimization",
      severity="note", resource_types=REPOSITORIES, bp=("COST04-BP05", "SUS04-BP05"))
def ecr_repository_without_lifecycle_policy(view):
    """ECR repository keeps every image ever pushed: no lifecycle policy

    ## What it checks
    An ECR repository with no lifecycle policy: no `LifecyclePolicy`
    (`LifecyclePolicyText`) in CloudFormation, and no
    `aws_ecr_lifecycle_policy` naming the repository (by reference or by
    its literal name) in Terraform. ECR expires nothing by default. When a
    Terraform lifecycle policy's repository cannot be resolved, repositories
    of the same module are not judged.

    ## Why it matters
    Every build pushes a new image and, with mutable tags, leaves the old
    one untagged. Without a lifecycle policy they accumulate for ever and
    are billed per GB-month. Expiring untagged and superseded images is a
    data retention policy (COST04-BP05) that removes redundant data
    (SUS04-BP05).

    ## How to fix
    Expire untagged images and keep only the recent tagged ones:

    ```yaml
    App:
      Type: AWS::ECR::Repository
      Properties:
        LifecyclePolicy:
          LifecyclePolicyText: |
            {"rules": [{"rulePriority": 1, "description": "drop untagged",
              "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed",
                            "countUnit": "days", "countNumber": 7},
              "action": {"type": "expire"}}]}
    ```

    ```json
    {"resource": {"aws_ecr_lifecycle_policy": {"app": {
      "repository": "${aws_ecr_repository.app.name}",
      "policy": "${file(\\"expire-untagged.json\\")}"}}}}
    ```
    """
    policies = list(view.resources(*POLICIES))
    unresolved = {scope(policy) for policy in policies
                  if policy.get("repository") is UNKNOWN and not view.referenced(policy,
                                                                               "repository")}
    names = {policy.get("repository") for policy in policies}
    for repository in view.resources(*REPOSITORIES):
        if repository.is_cloudformation:
            policy = repository.get("LifecyclePolicy")
            if policy is UNKNOWN or policy is not None:
                continue
            key = "LifecyclePolicy"
        else:
            if view.referrers(repository, POLICIES, path="repository"):
                continue
            name = repository.get("name")
            if name is UNKNOWN or name in names or scope(repository) in unresolved:
                continue
            key = None
        yield repository.finding(key, f"ECR repository {repository} has no lifecycle policy: "
                                      "every image pushed is kept, and billed, forever")

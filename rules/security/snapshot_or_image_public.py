from wa_lint.rule import rule

# resource type -> (path pattern of the sharing list, what is shared)
SHARING = {
    "aws_db_snapshot": ("shared_accounts", "DB snapshot"),
    "aws_db_cluster_snapshot": ("shared_accounts", "DB cluster snapshot"),
    "aws_ami_launch_permission": ("group", "AMI launch permission"),
    "AWS::ImageBuilder::DistributionConfiguration": (
        "Distributions/*/AmiDistributionConfiguration/LaunchPermissionConfiguration/UserGroups",
        "Image Builder distribution"),
    "aws_imagebuilder_distribution_configuration": (
        "distribution/*/ami_distribution_configuration/launch_permission/user_groups",
        "Image Builder distribution"),
}


@rule(id="SEC309", name="snapshot-or-image-public", pillar="security", severity="error",
      resource_types=SHARING, bp=("SEC03-BP07", "SEC03-BP09"))
def snapshot_or_image_public(view):
    """Snapshot or machine image is shared with every AWS account

    ## What it checks
    Sharing settings that use the special value `all`, which makes the
    snapshot or image public:

    - `aws_db_snapshot` / `aws_db_cluster_snapshot` `shared_accounts`
      containing `all`;
    - `aws_ami_launch_permission` with `group = "all"`;
    - EC2 Image Builder distributions whose launch permission `UserGroups`
      (`user_groups`) contain `all`, in CloudFormation and Terraform.

    Sharing with named accounts or organizations is not reported.
    CloudFormation has no resource that shares RDS or EBS snapshots, so only
    Image Builder is checked there. Snapshots and images are private by
    default.

    ## Why it matters
    A public snapshot or AMI can be copied and restored by anyone with an AWS
    account: the whole database, or the whole disk with its credentials,
    keys and data, leaves your control (SEC03-BP07). Share with the specific
    accounts or organization that need it (SEC03-BP09).

    ## How to fix
    Share with named accounts (or an organization ARN) instead of `all`:

    ```yaml
    Distribution:
      Type: AWS::ImageBuilder::DistributionConfiguration
      Properties:
        Name: golden-ami
        Distributions:
          - Region: !Ref AWS::Region
            AmiDistributionConfiguration:
              LaunchPermissionConfiguration:
                OrganizationArns:
                  - arn:aws:organizations::111122223333:organization/o-exampleorgid
    ```

    ```json
    {"resource": {"aws_ami_launch_permission": {"partner": {
      "image_id": "${aws_ami.golden.id}", "account_id": "444455556666"}}}}
    ```
    """
    for resource in view.resources():
        pattern, kind = SHARING[resource.type]
        for path, value in resource.values(pattern):
            items = value if isinstance(value, list) else [value]
            for index, item in enumerate(items):
                if isinstance(item, str) and item.strip().lower() == "all":
                    at = (*path, index) if isinstance(value, list) else path
                    if resource.type == "aws_ami_launch_permission":
                        image = resource.get("image_id")
                        image = image if isinstance(image, str) else "its image"
                        yield resource.finding(at, f"{kind} {resource} shares {image} with "
                                                   "every AWS account (group all)")
                        continue
                    yield resource.finding(at, f"{kind} {resource} is shared with every AWS "
                                               "account (all)")

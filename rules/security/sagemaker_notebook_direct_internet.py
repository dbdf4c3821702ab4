from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

KEYS = {"AWS::SageMaker::NotebookInstance": ("DirectInternetAccess", "SubnetId"),
        "aws_sagemaker_notebook_instance": ("direct_internet_access", "subnet_id")}


@rule(id="SEC313", name="sagemaker-notebook-direct-internet", pillar="security",
      severity="warning", resource_types=KEYS, bp=("SEC05-BP01", "SEC05-BP02"))
def sagemaker_notebook_direct_internet(view):
    """SageMaker notebook instance has direct internet access

    ## What it checks
    SageMaker notebook instances (`AWS::SageMaker::NotebookInstance`,
    `aws_sagemaker_notebook_instance`) whose `DirectInternetAccess`
    (`direct_internet_access`) is `Enabled`, the default. A notebook with no
    `SubnetId` always has direct internet access, since only a notebook in
    your VPC can turn it off. `Disabled` with a subnet passes. Values that
    cannot be resolved are not judged.

    ## Why it matters
    Notebooks hold credentials with access to training data and models. With
    direct internet access the notebook reaches, and can be reached from,
    the internet outside your VPC's controls: no security groups, no
    endpoint policies, no flow logs, and an easy path for data to leave
    (SEC05-BP01, SEC05-BP02).

    ## How to fix
    Launch the notebook in a private subnet of your VPC and disable direct
    access; reach AWS services through VPC endpoints or a NAT gateway:

    ```yaml
    Notebook:
      Type: AWS::SageMaker::NotebookInstance
      Properties:
        InstanceType: ml.t3.medium
        RoleArn: !GetAtt NotebookRole.Arn
        SubnetId: !Ref PrivateSubnet
        SecurityGroupIds: [!Ref NotebookSecurityGroup]
        DirectInternetAccess: Disabled
    ```

    ```json
    {"resource": {"aws_sagemaker_notebook_instance": {"lab": {"name": "lab",
      "instance_type": "ml.t3.medium", "role_arn": "${aws_iam_role.notebook.arn}",
      "subnet_id": "${aws_subnet.private.id}",
      "security_groups": ["${aws_security_group.notebook.id}"],
      "direct_internet_access": "Disabled"}}}}
    ```
    """
    for notebook in view.resources():
        access_key, subnet_key = KEYS[notebook.type]
        access = notebook.get(access_key, "Enabled")
        if access is UNKNOWN or not isinstance(access, str):
            continue
        if access.lower() != "enabled":
            continue
        how = "" if notebook.has(access_key) else " (the default)"
        if notebook.get(subnet_key) is None:
            how = " (it has no subnet, so it cannot be disabled)"
        yield notebook.finding(access_key, f"Notebook instance {notebook} has direct internet "
                                           f"access{how}")

import re

from wa_lint.query.cost import IMAGE_KEYS
from wa_lint.rule import rule

LABELS = {"AWS::EC2::Instance": "Instance", "aws_instance": "Instance",
          "AWS::EC2::LaunchTemplate": "Launch template", "aws_launch_template": "Launch template",
          "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
          "aws_launch_configuration": "Launch configuration"}
AMI = re.compile(r"^ami-[0-9a-f]{8,17}$")


@rule(id="REL207", name="hard-coded-ami", pillar="reliability", severity="note",
      resource_types=IMAGE_KEYS, bp="REL13-BP02")
def hard_coded_ami(view):
    """Instance image is a literal AMI ID that exists in one Region only

    ## What it checks
    EC2 instances, launch templates and launch configurations whose image
    (`ImageId`, Terraform `ami`/`image_id`) is written as a literal `ami-…` ID.
    Any indirection passes: a parameter (including the SSM parameter type
    `AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>`), a `Mappings` lookup, a
    `{{resolve:ssm:…}}` reference, a Terraform variable, or a `data.aws_ami` /
    `data.aws_ssm_parameter` lookup. The finding is a note, and a warning when
    the Terraform run deploys to more than one Region.

    ## Why it matters
    An AMI ID belongs to one Region. A template that hard-codes it cannot be
    deployed in the recovery Region without editing, at the moment when
    recovery should be a redeploy of the same code; the image may also not have
    been copied there at all (REL13-BP02).

    ## How to fix
    Look the image up per Region, for example from the public SSM parameters
    (or copy your own AMI to the recovery Region and publish its ID per
    Region):

    ```yaml
    Parameters:
      ImageId:
        Type: AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>
        Default: /aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64
    Resources:
      Server:
        Type: AWS::EC2::Instance
        Properties:
          ImageId: !Ref ImageId
          InstanceType: t3.micro
    ```

    ```json
    {"data": {"aws_ssm_parameter": {"al2023": {
       "name": "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"}}},
     "resource": {"aws_instance": {"server": {
       "ami": "${data.aws_ssm_parameter.al2023.value}", "instance_type": "t3.micro"}}}}
    ```

    ## Known limits
    A parameter or variable whose default is a literal AMI ID passes: it can be
    overridden at deployment. Terraform plans hold only resolved IDs and are
    not checked.
    """
    severity = "warning" if len(view.regions()) > 1 else None
    for resource in view.resources():
        if resource.format == "terraform-plan":
            continue
        path = IMAGE_KEYS[resource.type]
        written = resource.written(path)
        if isinstance(written, str) and AMI.match(written):
            yield resource.finding(path, f"{LABELS[resource.type]} {resource} uses the literal "
                                         f"image {written}, which "
                                         "exists only in the Region it was registered or "
                                         "copied to", severity=severity)

from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

# standalone volumes: type -> volume type key (absent means gp2, the EC2 default)
VOLUMES = {"AWS::EC2::Volume": "VolumeType", "aws_ebs_volume": "type"}
# block device mappings: type -> patterns of explicit volume types
MAPPINGS = {
    "AWS::EC2::Instance": ("BlockDeviceMappings/*/Ebs/VolumeType",),
    "AWS::EC2::LaunchTemplate": ("LaunchTemplateData/BlockDeviceMappings/*/Ebs/VolumeType",),
    "AWS::AutoScaling::LaunchConfiguration": ("BlockDeviceMappings/*/Ebs/VolumeType",),
    "aws_instance": ("root_block_device/*/volume_type", "ebs_block_device/*/volume_type"),
    "aws_launch_template": ("block_device_mappings/*/ebs/volume_type",),
    "aws_launch_configuration": ("root_block_device/*/volume_type",
                                 "ebs_block_device/*/volume_type"),
}
WHAT = {"AWS::EC2::Instance": "EC2 instance", "aws_instance": "EC2 instance",
        "AWS::EC2::LaunchTemplate": "Launch template", "aws_launch_template": "Launch template",
        "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
        "aws_launch_configuration": "Launch configuration"}


@rule(id="COST111", name="gp2-volume", pillar="cost-optimization", severity="warning",
      resource_types=(*VOLUMES, *MAPPINGS), bp=("COST06-BP02", "SUS05-BP02"))
def gp2_volume(view):
    """EBS volume uses gp2 where gp3 costs less for the same or better performance

    ## What it checks
    EBS volumes of type `gp2`: an `AWS::EC2::Volume` or `aws_ebs_volume` with
    `VolumeType`/`type` set to `gp2` or not set (the EC2 API creates `gp2`
    by default), and block device mappings of instances, launch templates and
    launch configurations that explicitly ask for `gp2`. A mapping without a
    volume type takes the AMI's and is not judged, nor is a type that cannot
    be resolved.

    ## Why it matters
    gp3 costs about 20% less per GB than gp2 and gives every volume a
    baseline of 3,000 IOPS and 125 MB/s, where gp2 ties IOPS to size and so
    pushes teams to over-provision capacity to get performance. Choosing the
    cheaper type for the same job is COST06-BP02; provisioning storage for
    its data rather than its speed is SUS05-BP02.

    ## How to fix
    Use gp3 (volumes can be changed in place with Elastic Volumes):

    ```yaml
    Data:
      Type: AWS::EC2::Volume
      Properties:
        AvailabilityZone: eu-west-1a
        Size: 100
        VolumeType: gp3
        Encrypted: true
    ```

    ```json
    {"resource": {"aws_ebs_volume": {"data": {"availability_zone": "eu-west-1a",
      "size": 100, "type": "gp3", "encrypted": true}}}}
    ```

    ## Known limits
    Volumes created from a gp2 AMI mapping without an explicit type are not
    seen.
    """
    for volume in view.resources(*VOLUMES):
        key = VOLUMES[volume.type]
        volume_type = volume.get(key)
        if volume_type is UNKNOWN or volume_type not in (None, "gp2"):
            continue
        how = "gp2" if volume_type else "gp2 (the default)"
        yield volume.finding(key, f"EBS volume {volume} is {how}: gp3 costs about 20% less "
                                  "with a higher baseline performance")
    for machine in view.resources(*MAPPINGS):
        for pattern in MAPPINGS[machine.type]:
            for path, volume_type in machine.values(pattern):
                if volume_type == "gp2":
                    what = WHAT[machine.type]
                    yield machine.finding(path, f"{what} {machine} maps a gp2 volume: gp3 costs "
                                                "about 20% less with a higher baseline "
                                                "performance")

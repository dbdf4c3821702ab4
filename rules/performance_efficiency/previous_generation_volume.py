from wa_lint.rule import rule

# type -> path patterns of the volume type settings ("*" = every list item)
VOLUME_TYPES = {
    "AWS::EC2::Volume": ("VolumeType",),
    "AWS::EC2::Instance": ("BlockDeviceMappings/*/Ebs/VolumeType",),
    "AWS::EC2::LaunchTemplate": ("LaunchTemplateData/BlockDeviceMappings/*/Ebs/VolumeType",),
    "AWS::AutoScaling::LaunchConfiguration": ("BlockDeviceMappings/*/Ebs/VolumeType",),
    "AWS::RDS::DBInstance": ("StorageType",),
    "aws_ebs_volume": ("type",),
    "aws_instance": ("root_block_device/volume_type", "ebs_block_device/*/volume_type"),
    "aws_launch_template": ("block_device_mappings/*/ebs/volume_type",),
    "aws_launch_configuration": ("root_block_device/volume_type",
                                 "ebs_block_device/*/volume_type"),
    "aws_db_instance": ("storage_type",),
}
NOUNS = {"AWS::EC2::Volume": "EBS volume", "aws_ebs_volume": "EBS volume",
         "AWS::EC2::Instance": "Instance", "aws_instance": "Instance",
         "AWS::EC2::LaunchTemplate": "Launch template", "aws_launch_template": "Launch template",
         "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
         "aws_launch_configuration": "Launch configuration",
         "AWS::RDS::DBInstance": "DB instance", "aws_db_instance": "DB instance"}


@rule(id="PERF107", name="previous-generation-volume", pillar="performance-efficiency",
      severity="warning", resource_types=VOLUME_TYPES, bp=("PERF03-BP02", "PERF01-BP01"))
def previous_generation_volume(view):
    """EBS or RDS storage uses gp2 or magnetic volumes instead of gp3

    ## What it checks
    Volume types written in EBS volumes, instance and launch template or
    launch configuration block device mappings, and RDS instance storage
    (`VolumeType`, `Ebs.VolumeType`, `StorageType`; Terraform `type`,
    `volume_type`, `storage_type`). An explicit `gp2` is a `note`; `standard`
    (magnetic, previous generation) is a `warning`. Volume types that are not
    written are not judged, since the default depends on the API, the AMI or
    the engine. Values that cannot be resolved are not judged either.

    ## Why it matters
    A gp2 volume's performance is tied to its size (3 IOPS per GiB, bursting
    to 3,000 on small volumes until the burst credits run out), while gp3
    gives a 3,000 IOPS and 125 MiB/s baseline at any size, can be tuned
    independently of size, and costs about 20% less per GiB. Magnetic
    volumes are a previous generation with far lower IOPS (PERF03-BP02,
    PERF01-BP01).

    ## How to fix
    Use gp3 (a live `ModifyVolume` change for existing EBS volumes; a storage
    modification for RDS):

    ```yaml
    Data:
      Type: AWS::EC2::Volume
      Properties:
        AvailabilityZone: !Select [0, !GetAZs ""]
        Size: 200
        VolumeType: gp3
        Encrypted: true
    ```

    ```json
    {"resource": {"aws_ebs_volume": {"data": {"availability_zone": "eu-west-1a",
      "size": 200, "type": "gp3", "encrypted": true}}}}
    ```

    ## Known limits
    A very large gp2 volume (over 1 TiB) has more than 3,000 baseline IOPS;
    the gp3 replacement needs matching provisioned IOPS.
    """
    for resource in view.resources():
        noun = NOUNS[resource.type]
        for pattern in VOLUME_TYPES[resource.type]:
            for path, value in resource.values(pattern):
                if not isinstance(value, str):
                    continue
                kind = value.lower()
                if kind == "gp2":
                    yield resource.finding(path, f"{noun} {resource} uses gp2 storage: gp3 gives a "
                                                 "3,000 IOPS baseline at any size for less",
                                           severity="note")
                elif kind == "standard":
                    yield resource.finding(path, f"{noun} {resource} uses magnetic (standard) "
                                                 "storage, a previous generation: use gp3")

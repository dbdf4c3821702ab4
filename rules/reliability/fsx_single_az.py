from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

# resource type -> paths of the deployment type (CloudFormation has one type for every FSx kind)
DEPLOYMENT = {
    "AWS::FSx::FileSystem": ("WindowsConfiguration/DeploymentType",
                             "OntapConfiguration/DeploymentType",
                             "OpenZFSConfiguration/DeploymentType"),
    "aws_fsx_windows_file_system": ("deployment_type",),
    "aws_fsx_ontap_file_system": ("deployment_type",),
    "aws_fsx_openzfs_file_system": ("deployment_type",),
}
# where a missing deployment type means Single-AZ (the service default)
DEFAULT_SINGLE = {"aws_fsx_windows_file_system": "SINGLE_AZ_1"}
CFN_DEFAULTS = {"WindowsConfiguration/DeploymentType": "SINGLE_AZ_1"}


@rule(id="REL112", name="fsx-single-az", pillar="reliability", severity="warning",
      resource_types=DEPLOYMENT, bp=("REL10-BP01", "REL11-BP02"))
def fsx_single_az(view):
    """FSx file system is deployed in a single Availability Zone

    ## What it checks
    FSx for Windows File Server, NetApp ONTAP and OpenZFS file systems whose
    deployment type is `SINGLE_AZ_1` or `SINGLE_AZ_2` (CloudFormation
    `WindowsConfiguration`/`OntapConfiguration`/`OpenZFSConfiguration`
    `DeploymentType`, Terraform `deployment_type`). FSx for Windows defaults to
    `SINGLE_AZ_1` when the type is not written; ONTAP and OpenZFS require it.
    FSx for Lustre has no Multi-AZ option and is not checked. EFS One Zone is
    reported by `single-az`.

    ## Why it matters
    A Single-AZ file system has its file server and storage in one zone: a zone
    failure, and some maintenance windows, make the share unavailable to every
    client in every zone. Multi-AZ deployments keep a standby file server in a
    second zone and fail over automatically (REL10-BP01, REL11-BP02).

    ## How to fix
    Use a Multi-AZ deployment type with a preferred subnet and a standby
    subnet in another zone:

    ```yaml
    Shares:
      Type: AWS::FSx::FileSystem
      Properties:
        FileSystemType: WINDOWS
        StorageCapacity: 32
        SubnetIds: [!Ref SubnetA, !Ref SubnetB]
        WindowsConfiguration:
          DeploymentType: MULTI_AZ_1
          PreferredSubnetId: !Ref SubnetA
          ThroughputCapacity: 32
    ```

    ```json
    {"resource": {"aws_fsx_windows_file_system": {"shares": {
      "storage_capacity": 32, "throughput_capacity": 32,
      "deployment_type": "MULTI_AZ_1",
      "subnet_ids": ["${aws_subnet.a.id}", "${aws_subnet.b.id}"],
      "preferred_subnet_id": "${aws_subnet.a.id}"}}}}
    ```
    """
    for file_system in view.resources():
        for path in DEPLOYMENT[file_system.type]:
            if file_system.is_cloudformation and \
                    file_system.get(path.split("/")[0]) is None:
                continue        # not this kind of file system
            value = file_system.get(path)
            if value is UNKNOWN:
                continue
            written = value is not None
            if value is None:
                value = CFN_DEFAULTS.get(path) if file_system.is_cloudformation else \
                    DEFAULT_SINGLE.get(file_system.type)
            if isinstance(value, str) and value.upper().startswith("SINGLE_AZ"):
                how = "" if written else " (the default)"
                yield file_system.finding(path, f"FSx file system {file_system} uses the "
                                                f"{value} deployment type{how}, in a single "
                                                "Availability Zone")

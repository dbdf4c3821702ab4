from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

FILE_SYSTEMS = ("aws_efs_file_system",)
REPLICATION = "aws_efs_replication_configuration"


@rule(id="REL210", name="efs-no-cross-region-replication", pillar="reliability",
      severity="note", resource_types=FILE_SYSTEMS, bp=("REL13-BP02", "REL10-BP01"))
def efs_no_cross_region_replication(view):
    """EFS file system of a multi-Region workload is not replicated to another Region

    ## What it checks
    In a Terraform run whose resources are deployed to two or more Regions,
    each `aws_efs_file_system` should have an `aws_efs_replication_configuration`
    (`source_file_system_id`) whose `destination { region }` is another Region
    (a destination without `region` is in the source Region; one that names an
    existing file system by ID is not judged). File systems that are themselves
    replication destinations are exempt. CloudFormation templates do not say
    which Region they are deployed to and are not checked.

    ## Why it matters
    A workload that can be redeployed in its recovery Region still needs its
    shared files there. EFS replication keeps a read-only copy in another
    Region with a recovery point objective of minutes, which can be promoted
    during a failover (REL13-BP02, REL10-BP01).

    ## How to fix
    Replicate the file system to the recovery Region:

    ```yaml
    Files:
      Type: AWS::EFS::FileSystem
      Properties:
        Encrypted: true
        ReplicationConfiguration:
          Destinations:
            - Region: us-west-2
    ```

    ```json
    {"resource": {"aws_efs_replication_configuration": {"files": {
      "source_file_system_id": "${aws_efs_file_system.files.id}",
      "destination": {"region": "eu-central-1"}}}}}
    ```

    ## Known limits
    Copies made by AWS Backup copy actions are checked by
    `backup-not-copied-to-another-region`. Whether a file system needs a second
    Region is a business decision; the finding stays a note.
    """
    regions = view.regions()
    if len(regions) < 2:
        return
    for file_system in view.resources():
        if file_system.format == "terraform-plan":
            continue
        home = view.region(file_system)
        if not isinstance(home, str):
            continue
        if view.referrers(file_system, (REPLICATION,), path="destination"):
            continue        # a replica
        configurations = view.referrers(file_system, (REPLICATION,),
                                        path="source_file_system_id")
        destinations = [(block.get("region"), block.get("file_system_id"))
                        for configuration in configurations
                        for _, block in configuration.blocks("destination")]
        if any(region is UNKNOWN for region, _ in destinations):
            continue
        if any(isinstance(region, str) and region != home for region, _ in destinations):
            continue
        if any(region is None and target is not None for region, target in destinations):
            continue        # an existing file system named by ID: its Region is not known
        others = ", ".join(sorted(region for region in regions if region != home))
        yield file_system.finding(None, f"EFS file system {file_system} is not replicated "
                                        f"outside {home}, while the workload also runs in "
                                        f"{others}")

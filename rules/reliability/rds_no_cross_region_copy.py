from wa_lint.query import UNKNOWN
from wa_lint.query.placement import engine_of, is_read_replica
from wa_lint.rule import rule

TYPES = ("aws_db_instance", "aws_rds_cluster")
BACKUP_REPLICATION = "aws_db_instance_automated_backups_replication"


@rule(id="REL209", name="rds-no-cross-region-copy", pillar="reliability", severity="note",
      resource_types=TYPES, bp="REL13-BP02")
def rds_no_cross_region_copy(view):
    """Database of a multi-Region workload has no copy in another Region

    ## What it checks
    In a Terraform run whose resources are deployed to two or more Regions, each
    RDS DB instance and Aurora / RDS cluster must have a copy outside its own
    Region: a read replica in another Region (`aws_db_instance` with
    `replicate_source_db` pointing at it, under another provider), automated
    backups replicated with `aws_db_instance_automated_backups_replication`
    (`source_db_instance_arn`), or, for Aurora, membership of a global database
    (`global_cluster_identifier`) with another member elsewhere. Read replicas
    themselves, and cluster member instances, are not judged. CloudFormation
    templates do not say which Region they are deployed to and are not checked.

    ## Why it matters
    The rest of the workload can be redeployed in the recovery Region from
    code; its data cannot. Without a cross-Region replica or replicated
    backups the database, and every write since the last manual copy, is lost
    with its Region (REL13-BP02).

    ## How to fix
    Add a cross-Region read replica (or a global database for Aurora), or
    replicate automated backups to the recovery Region:

    ```yaml
    # CloudFormation: create the replica in a stack of the recovery Region
    Replica:
      Type: AWS::RDS::DBInstance
      Properties:
        SourceDBInstanceIdentifier: arn:aws:rds:us-east-1:111122223333:db:orders
        SourceRegion: us-east-1
        DBInstanceClass: db.t4g.medium
    ```

    ```json
    {"resource": {"aws_db_instance_automated_backups_replication": {"orders": {
      "provider": "aws.dr", "source_db_instance_arn": "${aws_db_instance.orders.arn}",
      "retention_period": 7}}}}
    ```

    ## Known limits
    Snapshot copies made by AWS Backup copy actions are checked by
    `backup-not-copied-to-another-region`, not here. The finding stays a note:
    whether a database needs a second Region is a business decision.
    """
    regions = view.regions()
    if len(regions) < 2:
        return
    for db in view.resources():
        if db.format == "terraform-plan":
            continue
        home = view.region(db)
        if not isinstance(home, str):
            continue
        if db.type == "aws_db_instance" and is_read_replica(db):
            continue
        engine = engine_of(db)
        if engine is UNKNOWN:
            continue
        copies = _copies(view, db, home)
        if copies is UNKNOWN or copies:
            continue
        kind = "DB instance" if db.type == "aws_db_instance" else "DB cluster"
        others = ", ".join(sorted(region for region in regions if region != home))
        yield db.finding(None, f"{kind} {db} has no replica or replicated backups outside "
                               f"{home}, while the workload also runs in {others}")


def _copies(view, db, home):
    """Copies of ``db`` in another Region: a list, or UNKNOWN."""
    found = []
    if db.type == "aws_db_instance":
        for replica in view.referrers(db, ("aws_db_instance",), path="replicate_source_db"):
            region = view.region(replica)
            if region is UNKNOWN:
                return UNKNOWN
            if region != home:
                found.append(replica)
        for replication in view.referrers(db, (BACKUP_REPLICATION,),
                                          path="source_db_instance_arn"):
            region = view.region(replication)
            if region is UNKNOWN:
                return UNKNOWN
            if region != home:
                found.append(replication)
        return found
    global_id = db.get("global_cluster_identifier")
    if global_id is UNKNOWN:
        return UNKNOWN
    globals_ = view.referenced(db, "global_cluster_identifier", ("aws_rds_global_cluster",))
    globals_ += view.referrers(db, ("aws_rds_global_cluster",), path="source_db_cluster_identifier")
    if global_id is not None and not globals_:
        return UNKNOWN      # a global database declared outside the run
    for global_cluster in globals_:
        for member in view.referrers(global_cluster, ("aws_rds_cluster",),
                                     path="global_cluster_identifier"):
            region = view.region(member)
            if region is UNKNOWN:
                return UNKNOWN
            if member != db and region != home:
                found.append(member)
    return found

from wa_lint.query import UNKNOWN
from wa_lint.query.placement import cluster_members, is_aurora
from wa_lint.rule import rule

CLUSTERS = ("AWS::RDS::DBCluster", "aws_rds_cluster")


@rule(id="REL106", name="aurora-single-instance", pillar="reliability", severity="warning",
      resource_types=CLUSTERS, bp=("REL10-BP01", "REL11-BP02"))
def aurora_single_instance(view):
    """Aurora cluster has no reader instance in another Availability Zone

    ## What it checks
    An Aurora DB cluster (Engine `aurora*`, provisioned or Serverless v2) must
    have at least two DB instances (`AWS::RDS::DBInstance` with
    `DBClusterIdentifier`, Terraform `aws_rds_cluster_instance` with
    `cluster_identifier`, `count` and `for_each` expanded), and they must not
    all be pinned to the same `AvailabilityZone`. A cluster whose instances
    are not in the run, or whose instance count is unknown, is not judged.
    Aurora Serverless v1 (`EngineMode: serverless`) and Multi-AZ DB clusters
    of other engines have no member instances to count and are exempt.

    ## Why it matters
    Aurora storage is replicated over three zones, but compute is not: with a
    single writer instance, an instance or zone failure leaves the cluster
    without an endpoint until a new instance is created, which takes about ten
    minutes. With a reader in another zone Aurora promotes it, usually in under
    a minute (REL10-BP01, REL11-BP02).

    ## How to fix
    Add a reader instance; let Aurora place it in another zone or pin it
    explicitly:

    ```yaml
    Reader:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: aurora-postgresql
        DBClusterIdentifier: !Ref Cluster
        DBInstanceClass: db.r6g.large
        PromotionTier: 1
    ```

    ```json
    {"resource": {"aws_rds_cluster_instance": {"members": {
      "count": 2, "identifier": "orders-${count.index}",
      "cluster_identifier": "${aws_rds_cluster.orders.id}",
      "engine": "${aws_rds_cluster.orders.engine}", "instance_class": "db.r6g.large"}}}}
    ```

    ## Known limits
    Zones are compared only when every member names one literally or through
    the same `!Select`/`names[i]` expression.
    """
    for cluster in view.resources():
        if is_aurora(cluster) is not True:
            continue
        mode = cluster.get("EngineMode" if cluster.is_cloudformation else "engine_mode")
        if mode is UNKNOWN or (isinstance(mode, str) and mode.lower() == "serverless"):
            continue
        members = cluster_members(view, cluster)
        counts = [member.instance_count for member in members]
        if not members or any(count is UNKNOWN for count in counts):
            continue
        total = sum(counts)
        if total == 0:
            continue
        if total == 1:
            yield cluster.finding(None, f"Aurora cluster {cluster} has a single DB instance "
                                        f"({members[0]}) and no reader to fail over to")
            continue
        zones = [member.get("AvailabilityZone" if member.is_cloudformation
                            else "availability_zone") for member in members]
        if all(count == 1 for count in counts) and all(
                zone is not None and zone is not UNKNOWN for zone in zones) \
                and len({str(zone) for zone in zones}) == 1:
            yield cluster.finding(None, f"Every DB instance of Aurora cluster {cluster} is "
                                        f"pinned to {zones[0]}")

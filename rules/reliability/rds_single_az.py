from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.placement import (
    engine_of,
    is_cluster_member,
    is_read_replica,
    multi_az_app_tiers,
)
from wa_lint.rule import rule

MULTI_AZ = {"AWS::RDS::DBInstance": "MultiAZ", "aws_db_instance": "multi_az"}


@rule(id="REL105", name="rds-single-az", pillar="reliability", severity="warning",
      resource_types=MULTI_AZ, bp=("REL10-BP01", "REL11-BP02"))
def rds_single_az(view):
    """RDS DB instance has no standby in a second Availability Zone

    ## What it checks
    Every RDS DB instance that is not part of a DB cluster (Aurora, or a
    Multi-AZ DB cluster) must set `MultiAZ: true` (Terraform `multi_az = true`).
    Both default to false, so an instance that does not say so runs in one zone.
    The finding is an error when an application tier of the same template (an
    Auto Scaling group, ECS service, EKS node group or load balancer) is proven
    to span two or more zones: the workload was built to survive a zone
    failure, and the database defeats it. Read replicas are reported as notes
    (a replica is often the spare itself), and SQL Server Express and RDS Custom
    for Oracle, which have no Multi-AZ option, are exempt. Aurora instances are checked by
    `aurora-single-instance`.

    ## Why it matters
    A Single-AZ DB instance goes down with its zone, and while the instance is
    replaced or restored from backup the application has no database. Multi-AZ
    keeps a synchronous standby in another zone and fails over to it
    automatically, typically in one to two minutes, with the same endpoint
    (REL10-BP01, REL11-BP02).

    ## How to fix
    Turn on Multi-AZ (it doubles the instance cost; the switch can be made on a
    running instance):

    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        DBInstanceClass: db.t4g.medium
        AllocatedStorage: "20"
        MultiAZ: true
    ```

    ```json
    {"resource": {"aws_db_instance": {"db": {
      "engine": "postgres", "instance_class": "db.t4g.medium",
      "allocated_storage": 20, "multi_az": true}}}}
    ```

    ## Known limits
    `MultiAZ` given as a parameter without a default is not judged. The
    application tier is looked for in the same template only.
    """
    for db in view.resources():
        key = MULTI_AZ[db.type]
        if is_cluster_member(db):
            continue
        engine = engine_of(db)
        if isinstance(engine, str) and (engine.startswith(("aurora", "custom-oracle"))
                                        or engine == "sqlserver-ex"):
            continue
        multi_az = as_bool(db.get(key))
        if multi_az is UNKNOWN or multi_az is True:
            continue
        if is_read_replica(db):
            yield db.finding(key, f"Read replica {db} runs in a single Availability Zone",
                             severity="note")
            continue
        tiers = multi_az_app_tiers(view, db)
        if tiers:
            names = ", ".join(sorted(str(tier) for tier in tiers)[:3])
            yield db.finding(key, f"DB instance {db} runs in a single Availability Zone while "
                                  f"the application tier ({names}) spans several",
                             severity="error")
        else:
            yield db.finding(key, f"DB instance {db} runs in a single Availability Zone")

from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.exposure import SUBNET_GROUPS, public_placement
from wa_lint.rule import rule

PUBLIC_FLAG = {
    "AWS::RDS::DBInstance": "PubliclyAccessible", "AWS::RDS::DBCluster": "PubliclyAccessible",
    "aws_db_instance": "publicly_accessible", "aws_rds_cluster_instance": "publicly_accessible",
    "AWS::Redshift::Cluster": "PubliclyAccessible", "aws_redshift_cluster": "publicly_accessible",
    "AWS::DMS::ReplicationInstance": "PubliclyAccessible",
    "aws_dms_replication_instance": "publicly_accessible",
    "AWS::AmazonMQ::Broker": "PubliclyAccessible", "aws_mq_broker": "publicly_accessible",
}
# public access written as a value rather than a flag
PUBLIC_VALUE = {
    "AWS::MSK::Cluster": ("BrokerNodeGroupInfo/ConnectivityInfo/PublicAccess/Type",
                          "SERVICE_PROVIDED_EIPS"),
    "aws_msk_cluster": ("broker_node_group_info/connectivity_info/public_access/type",
                        "SERVICE_PROVIDED_EIPS"),
}
KIND = {
    "AWS::RDS::DBInstance": "DB instance", "aws_db_instance": "DB instance",
    "aws_rds_cluster_instance": "DB instance", "AWS::RDS::DBCluster": "DB cluster",
    "aws_rds_cluster": "DB cluster", "AWS::Redshift::Cluster": "Redshift cluster",
    "aws_redshift_cluster": "Redshift cluster", "AWS::ElastiCache::CacheCluster": "Cache cluster",
    "AWS::ElastiCache::ReplicationGroup": "Replication group",
    "aws_elasticache_cluster": "Cache cluster",
    "aws_elasticache_replication_group": "Replication group",
    "AWS::DMS::ReplicationInstance": "Replication instance",
    "aws_dms_replication_instance": "Replication instance",
    "AWS::AmazonMQ::Broker": "MQ broker", "aws_mq_broker": "MQ broker",
    "AWS::MSK::Cluster": "MSK cluster", "aws_msk_cluster": "MSK cluster",
}


@rule(id="SEC302", name="data-store-in-public-subnet", pillar="security", severity="error",
      resource_types=(*SUBNET_GROUPS, *PUBLIC_FLAG, *PUBLIC_VALUE), bp=("SEC05-BP01", "SEC05-BP02"))
def data_store_in_public_subnet(view):
    """Database, cache or broker is reachable from the internet or sits in a public subnet

    ## What it checks
    RDS instances and clusters, Redshift clusters, DMS replication instances,
    Amazon MQ brokers, MSK clusters and ElastiCache clusters, with the
    subnets of their subnet group
    (subnet group → subnets → route table → a `0.0.0.0/0` route to an
    internet gateway):

    - `PubliclyAccessible: true` (`publicly_accessible = true`), or MSK
      public access `SERVICE_PROVIDED_EIPS`, is an error: the endpoint
      resolves to a public IP address;
    - a CloudFormation `AWS::RDS::DBInstance` that leaves
      `PubliclyAccessible` unset is public by RDS's own default when its
      subnet group's VPC has an internet gateway (an error when its subnets
      are public), and when it names no subnet group at all, since it is then
      created in the default VPC, which has one (a warning). Instances of an
      Aurora cluster (`DBClusterIdentifier`) take their placement from the
      cluster, and read replicas from their source, and are not judged on
      the default. Terraform defaults
      `publicly_accessible` to false;
    - a data store that is not publicly accessible but whose subnet group
      holds public subnets is a warning: the data tier shares the
      internet-facing network layer.

    Subnet groups, subnets or routes that are not in the run or cannot be
    resolved are not judged.

    ## Why it matters
    Data stores belong in private subnets behind the application tier. A
    public endpoint leaves only the security group between the database and
    every scanner on the internet, and a data store in a public subnet is one
    flag or one route away from it (SEC05-BP01, SEC05-BP02).

    ## How to fix
    Set the flag to false explicitly and place the subnet group in private
    subnets (no route to an internet gateway):

    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        DBInstanceClass: db.t4g.medium
        AllocatedStorage: "20"
        PubliclyAccessible: false
        DBSubnetGroupName: !Ref PrivateSubnetGroup
    ```

    ```json
    {"resource": {"aws_db_instance": {"main": {"engine": "postgres",
      "instance_class": "db.t4g.medium", "allocated_storage": 20,
      "publicly_accessible": false,
      "db_subnet_group_name": "${aws_db_subnet_group.private.name}"}}}}
    ```
    """
    for store in view.resources():
        kind = KIND[store.type]
        flag_key = PUBLIC_FLAG.get(store.type)
        flag = as_bool(store.get(flag_key)) if flag_key else None
        if store.type in PUBLIC_VALUE:
            flag_key, public_value = PUBLIC_VALUE[store.type]
            value = store.get(flag_key)
            flag = UNKNOWN if value is UNKNOWN else \
                (isinstance(value, str) and value.upper() == public_value) or None
        public = public_placement(view, store) if store.type in SUBNET_GROUPS else UNKNOWN
        group_key = SUBNET_GROUPS[store.type][0] if store.type in SUBNET_GROUPS else None
        if flag is True:
            where = " in public subnets" if public is True else ""
            yield store.finding(flag_key, f"{kind} {store} is publicly accessible{where}")
        elif flag is None and store.type == "AWS::RDS::DBInstance" \
                and store.get("DBClusterIdentifier") is None \
                and store.get("SourceDBInstanceIdentifier") is None:
            if public is True:
                yield store.finding(group_key, f"{kind} {store} is publicly accessible: "
                                               "PubliclyAccessible is not set and its subnets "
                                               "route to an internet gateway")
            elif public is None:
                yield store.finding(flag_key, f"{kind} {store} is publicly accessible by "
                                              "default: it names no subnet group, so it is "
                                              "created in the default VPC",
                                    severity="warning")
        elif flag is not UNKNOWN and public is True:
            yield store.finding(group_key, f"{kind} {store} is placed in public subnets",
                                severity="warning")

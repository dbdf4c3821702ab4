from wa_lint.query import UNKNOWN, as_bool, as_int
from wa_lint.rule import rule

REPLICATION_GROUPS = ("AWS::ElastiCache::ReplicationGroup", "aws_elasticache_replication_group")
CACHE_CLUSTERS = ("AWS::ElastiCache::CacheCluster", "aws_elasticache_cluster")
# CloudFormation name -> Terraform name
NAMES = {
    "AutomaticFailoverEnabled": "automatic_failover_enabled",
    "MultiAZEnabled": "multi_az_enabled",
    "NumCacheClusters": "num_cache_clusters",
    "ReplicasPerNodeGroup": "replicas_per_node_group",
    "NumNodeGroups": "num_node_groups",
    "Engine": "engine",
    "NumCacheNodes": "num_cache_nodes",
    "AZMode": "az_mode",
}


def _key(resource, name):
    return name if resource.is_cloudformation else NAMES[name]


@rule(id="REL107", name="cache-without-failover", pillar="reliability", severity="warning",
      resource_types=(*REPLICATION_GROUPS, *CACHE_CLUSTERS), bp="REL10-BP01")
def cache_without_failover(view):
    """ElastiCache cluster has no replica to fail over to in another zone

    ## What it checks
    Redis and Valkey replication groups must have at least one replica per
    shard and automatic failover enabled (`AutomaticFailoverEnabled`, Terraform
    `automatic_failover_enabled`; off by default, and a group has one node and
    no replica unless `NumCacheClusters`/`ReplicasPerNodeGroup` say otherwise).
    With failover on, `MultiAZEnabled` off is a note: replicas may share the
    primary's zone. A Redis or Valkey cache cluster that is not a member of a
    replication group is a single node and is reported. Memcached clusters,
    which never replicate, get a note when they have one node or keep all nodes
    in one zone (`AZMode` defaults to `single-az`). Serverless caches are
    replicated across zones by the service and are not checked.

    ## Why it matters
    A cache that holds sessions, queues or computed state is part of the
    serving path: when its only node or its zone fails, every request falls
    through to the database at once or loses the state it needs. A replica in
    another zone with automatic failover turns that into a promotion of a few
    seconds with the same endpoint (REL10-BP01).

    ## How to fix
    Give each shard a replica and turn on automatic failover and Multi-AZ:

    ```yaml
    Sessions:
      Type: AWS::ElastiCache::ReplicationGroup
      Properties:
        ReplicationGroupDescription: sessions
        Engine: redis
        CacheNodeType: cache.t4g.small
        NumCacheClusters: 2
        AutomaticFailoverEnabled: true
        MultiAZEnabled: true
    ```

    ```json
    {"resource": {"aws_elasticache_replication_group": {"sessions": {
      "replication_group_id": "sessions", "description": "sessions",
      "engine": "redis", "node_type": "cache.t4g.small", "num_cache_clusters": 2,
      "automatic_failover_enabled": true, "multi_az_enabled": true}}}}
    ```

    ## Known limits
    Whether a cache holds state or only a copy of the database is not known; a
    pure read-through cache may accept the risk (suppress with the reason).
    """
    for group in view.resources(*REPLICATION_GROUPS):
        replicas = _replicas(group)
        if replicas is UNKNOWN:
            continue
        failover_key = _key(group, "AutomaticFailoverEnabled")
        if replicas == 0:
            where = next((_key(group, name) for name in ("NumCacheClusters",
                                                          "ReplicasPerNodeGroup")
                          if group.get(_key(group, name)) is not None),
                         _key(group, "NumCacheClusters"))
            yield group.finding(where, f"Replication group {group} has no replica node")
            continue
        failover = as_bool(group.get(failover_key))
        if failover is UNKNOWN:
            continue
        if failover is not True:
            yield group.finding(failover_key, f"Replication group {group} has replicas but "
                                              "automatic failover is off")
            continue
        multi_az_key = _key(group, "MultiAZEnabled")
        multi_az = as_bool(group.get(multi_az_key))
        if multi_az is not UNKNOWN and multi_az is not True:
            yield group.finding(multi_az_key, f"Replication group {group} has automatic "
                                              "failover but Multi-AZ is off", severity="note")

    for cluster in view.resources(*CACHE_CLUSTERS):
        if not cluster.is_cloudformation and cluster.get("replication_group_id") is not None:
            continue        # a member of a replication group, checked there
        if view.referrers(cluster, REPLICATION_GROUPS[:1], path="PrimaryClusterId"):
            continue
        engine = cluster.get(_key(cluster, "Engine"))
        if not isinstance(engine, str):
            continue
        engine = engine.lower()
        if engine in ("redis", "valkey"):
            yield cluster.finding(_key(cluster, "Engine"),
                                  f"Cache cluster {cluster} is a single {engine} node without a "
                                  "replica")
        elif engine == "memcached":
            nodes = as_int(cluster.get(_key(cluster, "NumCacheNodes")))
            mode = cluster.get(_key(cluster, "AZMode"))
            if nodes is UNKNOWN or mode is UNKNOWN:
                continue
            if nodes == 1:
                yield cluster.finding(_key(cluster, "NumCacheNodes"),
                                      f"Memcached cluster {cluster} has a single node",
                                      severity="note")
            elif mode in (None, "single-az"):
                yield cluster.finding(_key(cluster, "AZMode"),
                                      f"Memcached cluster {cluster} keeps all its nodes in one "
                                      "Availability Zone", severity="note")


def _replicas(group):
    """Replicas per shard: an int, or UNKNOWN."""
    if group.is_cloudformation:
        groups = group.get("NodeGroupConfiguration")
        if groups is UNKNOWN:
            return UNKNOWN
        if isinstance(groups, list) and groups:
            counts = [as_int(item.get("ReplicaCount")) if isinstance(item, dict) else UNKNOWN
                      for item in groups]
            if any(count is UNKNOWN for count in counts):
                return UNKNOWN
            return min(count or 0 for count in counts)
    per_group = as_int(group.get(_key(group, "ReplicasPerNodeGroup")))
    if per_group is UNKNOWN:
        return UNKNOWN
    if per_group is not None:
        return per_group
    clusters = as_int(group.get(_key(group, "NumCacheClusters")))
    if clusters is UNKNOWN:
        return UNKNOWN
    if clusters is not None:
        return clusters - 1
    failover = as_bool(group.get(_key(group, "AutomaticFailoverEnabled")))
    if failover is True or failover is UNKNOWN:
        return UNKNOWN      # failover needs a replica: the service's default count is unclear
    if group.get(_key(group, "NumNodeGroups")) is not None:
        return 0
    if group.is_cloudformation and group.get("PrimaryClusterId") is not None:
        return UNKNOWN      # built from existing cache clusters
    if not group.is_cloudformation and group.get("global_replication_group_id") is not None:
        return UNKNOWN
    return 0

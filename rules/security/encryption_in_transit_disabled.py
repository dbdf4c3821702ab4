from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

CACHES = {"AWS::ElastiCache::ReplicationGroup": ("TransitEncryptionEnabled",
                                                 "TransitEncryptionMode"),
          "aws_elasticache_replication_group": ("transit_encryption_enabled",
                                                "transit_encryption_mode")}
STREAMS = {"AWS::MSK::Cluster": "EncryptionInfo/EncryptionInTransit",
           "aws_msk_cluster": "encryption_info/encryption_in_transit"}
DOMAINS = {
    "AWS::OpenSearchService::Domain": ("NodeToNodeEncryptionOptions/Enabled",
                                       "DomainEndpointOptions/EnforceHTTPS"),
    "AWS::Elasticsearch::Domain": ("NodeToNodeEncryptionOptions/Enabled",
                                   "DomainEndpointOptions/EnforceHTTPS"),
    "aws_opensearch_domain": ("node_to_node_encryption/enabled",
                              "domain_endpoint_options/enforce_https"),
    "aws_elasticsearch_domain": ("node_to_node_encryption/enabled",
                                 "domain_endpoint_options/enforce_https"),
}
DAX = {"AWS::DAX::Cluster": "ClusterEndpointEncryptionType",
       "aws_dax_cluster": "cluster_endpoint_encryption_type"}
# parameter group type -> (list of parameters, name key, value key, parameter, plaintext value)
PARAMETER_GROUPS = {
    "AWS::Redshift::ClusterParameterGroup": ("Parameters", "ParameterName", "ParameterValue",
                                             "require_ssl", "false"),
    "aws_redshift_parameter_group": ("parameter", "name", "value", "require_ssl", "false"),
    "AWS::DocDB::DBClusterParameterGroup": (None, None, None, "tls", "disabled"),
    "aws_docdb_cluster_parameter_group": ("parameter", "name", "value", "tls", "disabled"),
}


@rule(id="SEC105", name="encryption-in-transit-disabled", pillar="security",
      severity="warning",
      resource_types=(*CACHES, *STREAMS, *DOMAINS, *DAX, *PARAMETER_GROUPS),
      bp=("SEC09-BP02",))
def encryption_in_transit_disabled(view):
    """Data service accepts unencrypted connections

    ## What it checks
    Data stores and streams whose clients or nodes can talk in plaintext:

    - ElastiCache (Redis OSS, Valkey) replication groups without
      `TransitEncryptionEnabled` (off by default), and, as a note, with
      `TransitEncryptionMode: preferred`, which still accepts plaintext;
    - MSK clusters whose `ClientBroker` is `PLAINTEXT` or `TLS_PLAINTEXT`, or
      whose `InCluster` encryption is off (the defaults are `TLS` and on);
    - OpenSearch and Elasticsearch domains with node-to-node encryption or
      `EnforceHTTPS` off (a warning when written as false, a note when not
      set, the API default being off), or with a TLS security policy that
      still accepts TLS 1.0 (`Policy-Min-TLS-1-0-2019-07`);
    - DAX clusters without `ClusterEndpointEncryptionType: TLS` (the default
      is `NONE`);
    - Redshift parameter groups with `require_ssl` false and DocumentDB
      cluster parameter groups with `tls` disabled.

    Values that cannot be resolved are not judged. Listener, CDN, proxy and
    subscription protocols are outside this rule.

    ## Why it matters
    Inside a VPC, traffic still crosses shared network paths, peering and
    on-premises links; without TLS, credentials and data can be read or
    altered by anything that can see the packets. Encrypting in transit is
    cheap on current instance types and cannot be added to most of these
    services without replacing the cluster (SEC09-BP02).

    ## How to fix
    Turn on encryption in transit when the cluster is created:

    ```yaml
    Sessions:
      Type: AWS::ElastiCache::ReplicationGroup
      Properties:
        ReplicationGroupDescription: sessions
        Engine: valkey
        CacheNodeType: cache.t4g.small
        NumCacheClusters: 2
        AtRestEncryptionEnabled: true
        TransitEncryptionEnabled: true
    ```

    ```json
    {"resource": {"aws_elasticache_replication_group": {"sessions": {
      "replication_group_id": "sessions", "description": "sessions", "engine": "valkey",
      "node_type": "cache.t4g.small", "num_cache_clusters": 2,
      "at_rest_encryption_enabled": true, "transit_encryption_enabled": true}}}}
    ```

    ## Known limits
    Only parameter groups that set `require_ssl` or `tls` explicitly are
    judged: clusters on a default parameter group take whatever that default
    is for their engine version, which the template does not show.
    """
    for cache in view.resources(*CACHES):
        flag, mode_key = CACHES[cache.type]
        enabled = as_bool(cache.get(flag))
        if enabled is UNKNOWN:
            continue
        if enabled is not True:
            state = "is false" if enabled is False else "is not set and defaults to off"
            yield cache.finding(flag, f"Cache {cache} accepts unencrypted connections ({flag} "
                                      f"{state})")
        elif str(cache.get(mode_key, "required")).lower() == "preferred":
            yield cache.finding(mode_key, f"Cache {cache} still accepts unencrypted "
                                          f"connections ({mode_key} is preferred)",
                                severity="note")

    for cluster in view.resources(*STREAMS):
        base = STREAMS[cluster.type]
        client_key, cluster_key = ("ClientBroker", "InCluster") if cluster.is_cloudformation \
            else ("client_broker", "in_cluster")
        client = cluster.get(f"{base}/{client_key}", "TLS")
        if client is not UNKNOWN and str(client).upper() in ("PLAINTEXT", "TLS_PLAINTEXT"):
            what = "only" if str(client).upper() == "PLAINTEXT" else "also"
            yield cluster.finding(f"{base}/{client_key}",
                                  f"MSK cluster {cluster} {what} accepts plaintext client "
                                  f"connections ({client_key} is {client})")
        if as_bool(cluster.get(f"{base}/{cluster_key}")) is False:
            yield cluster.finding(f"{base}/{cluster_key}",
                                  f"MSK cluster {cluster} does not encrypt traffic between "
                                  f"brokers ({cluster_key} is false)")

    for domain in view.resources(*DOMAINS):
        for path, what in zip(DOMAINS[domain.type], ("encrypt traffic between its nodes",
                                                     "require HTTPS from clients"), strict=True):
            value = as_bool(domain.get(path))
            if value is UNKNOWN or value is True:
                continue
            name = ".".join(path.split("/")[-2:]) if path.endswith(("Enabled", "enabled")) \
                else path.split("/")[-1]
            if value is False:
                yield domain.finding(path, f"Search domain {domain} does not {what} ({name} is "
                                           "false)")
            else:
                yield domain.finding(path, f"Search domain {domain} does not {what} ({name} is "
                                           "not set and the API default is off)",
                                     severity="note")

    for domain in view.resources(*DOMAINS):
        key = "DomainEndpointOptions/TLSSecurityPolicy" if domain.is_cloudformation else \
            "domain_endpoint_options/tls_security_policy"
        policy = domain.get(key)
        if isinstance(policy, str) and "TLS-1-0" in policy:
            yield domain.finding(key, f"Search domain {domain} accepts TLS 1.0 and 1.1 from "
                                      f"clients ({policy})")

    for cluster in view.resources(*DAX):
        key = DAX[cluster.type]
        kind = cluster.get(key, "NONE")
        if kind is not UNKNOWN and str(kind).upper() != "TLS":
            state = "is NONE" if cluster.get(key) is not None else "is not set and defaults " \
                "to NONE"
            yield cluster.finding(key, f"DAX cluster {cluster} serves clients without TLS "
                                       f"({key} {state})")

    for group in view.resources(*PARAMETER_GROUPS):
        items, name_key, value_key, parameter, plaintext = PARAMETER_GROUPS[group.type]
        if items is None:  # DocumentDB in CloudFormation: a map of parameter -> value
            found = [(("Parameters", parameter), group.get(("Parameters", parameter)))]
        else:
            found = [((*path, value_key), block.get(value_key))
                     for path, block in group.blocks(items) if block.get(name_key) == parameter]
        for path, value in found:
            if isinstance(value, (str, bool)) and str(value).lower() == plaintext:
                yield group.finding(path, f"Parameter group {group} lets clients connect "
                                          f"without TLS ({parameter} is {plaintext})")

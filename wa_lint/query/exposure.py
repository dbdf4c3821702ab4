"""Network exposure: security-group ingress rules and what is reachable from the internet.

``ingress_rules(view)`` yields every ingress permission in the run as one
``Ingress`` whatever its spelling: inline ``SecurityGroupIngress`` entries,
``AWS::EC2::SecurityGroupIngress``, Terraform ``ingress`` blocks,
``aws_security_group_rule`` (``type = "ingress"``) and
``aws_vpc_security_group_ingress_rule``. Ports are ``(low, high)`` with
``(0, 65535)`` for "every port"; anything unresolved is ``UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..values import UNKNOWN
from . import Resource, View, as_bool, as_int
from .messaging import FUNCTION_TYPES
from .network import is_public_subnet, subnets_referenced

OPEN_CIDRS = ("0.0.0.0/0", "::/0")
ALL_PROTOCOLS = ("-1", "all")
TCP = ("tcp", "6")
UDP = ("udp", "17")

SECURITY_GROUP_TYPES = ("AWS::EC2::SecurityGroup", "aws_security_group",
                        "aws_default_security_group")
INGRESS_TYPES = ("AWS::EC2::SecurityGroupIngress", "aws_security_group_rule",
                 "aws_vpc_security_group_ingress_rule")
# resource type -> (protocol, from port, to port, [ipv4/ipv6 source keys])
_KEYS = {
    "cfn": ("IpProtocol", "FromPort", "ToPort", ("CidrIp", "CidrIpv6")),
    "tf": ("protocol", "from_port", "to_port", ("cidr_blocks", "ipv6_cidr_blocks")),
    "tf-vpc": ("ip_protocol", "from_port", "to_port", ("cidr_ipv4", "cidr_ipv6")),
}


@dataclass(frozen=True)
class Ingress:
    """One ingress permission: where it is written and what it admits."""

    resource: Resource          # the security group or the standalone rule resource
    path: tuple                 # the block within ``resource`` ("" for a standalone rule)
    protocol: object            # "tcp", "udp", "icmp", "-1" ... or UNKNOWN
    ports: object               # (low, high) or UNKNOWN
    sources: tuple              # (path, cidr) for every CIDR source, values may be UNKNOWN

    @property
    def all_traffic(self) -> bool:
        return self.protocol in ALL_PROTOCOLS

    def open_sources(self) -> list[tuple]:
        """The (path, cidr) sources that are the whole internet."""
        return [(path, cidr) for path, cidr in self.sources
                if isinstance(cidr, str) and cidr.strip() in OPEN_CIDRS]


def _protocol(value: object) -> object:
    if value is None or value is UNKNOWN:
        return UNKNOWN if value is UNKNOWN else None
    text = str(value).strip().lower()
    return "-1" if text in ALL_PROTOCOLS else text


def _ports(protocol: object, low: object, high: object) -> object:
    if protocol in ALL_PROTOCOLS:
        return (0, 65535)
    low, high = as_int(low), as_int(high)
    if low is UNKNOWN or high is UNKNOWN or low is None:
        return UNKNOWN
    if high is None:
        high = low
    if low == -1 or high == -1:      # -1 is "all" for ICMP; for TCP/UDP it is invalid
        return (0, 65535)
    return (low, high)


def _ingress(resource: Resource, path: tuple, keys: tuple) -> Ingress:
    protocol_key, from_key, to_key, source_keys = keys
    protocol = _protocol(resource.get((*path, protocol_key)))
    ports = _ports(protocol, resource.get((*path, from_key)), resource.get((*path, to_key)))
    sources = []
    for key in source_keys:
        for item_path, cidr in resource.items((*path, key)):
            sources.append((resource.locate(item_path), cidr))
        if resource.get((*path, key)) is UNKNOWN:
            sources.append((resource.locate((*path, key)), UNKNOWN))
    return Ingress(resource, resource.locate(path), protocol, ports, tuple(sources))


def ingress_rules(view: View) -> Iterator[Ingress]:
    """Every ingress permission of every security group in the run."""
    for group in view.resources("AWS::EC2::SecurityGroup"):
        for path, _ in group.blocks("SecurityGroupIngress"):
            yield _ingress(group, path, _KEYS["cfn"])
    for group in view.resources("aws_security_group", "aws_default_security_group"):
        for path, _ in group.blocks("ingress"):
            yield _ingress(group, path, _KEYS["tf"])
    for rule in view.resources("AWS::EC2::SecurityGroupIngress"):
        yield _ingress(rule, (), _KEYS["cfn"])
    for rule in view.resources("aws_security_group_rule"):
        if rule.get("type") == "ingress":
            yield _ingress(rule, (), _KEYS["tf"])
    for rule in view.resources("aws_vpc_security_group_ingress_rule"):
        yield _ingress(rule, (), _KEYS["tf-vpc"])



# Elastic Load Balancing v2 (application, network, gateway) load balancers
ELBV2_TYPES = ("AWS::ElasticLoadBalancingV2::LoadBalancer", "aws_lb", "aws_alb")


def is_internet_facing(balancer: Resource) -> object:
    """Whether an ELBv2 load balancer is internet-facing: CloudFormation ``Scheme`` (default
    internet-facing), Terraform ``internal`` (default false); UNKNOWN when unresolved."""
    if balancer.is_cloudformation:
        scheme = balancer.get("Scheme", "internet-facing")
        return UNKNOWN if scheme is UNKNOWN else scheme == "internet-facing"
    internal = as_bool(balancer.get("internal", False))
    return UNKNOWN if internal is UNKNOWN else internal is False


# Users of a security group that the internet cannot reach past their own listeners: load
# balancers answer only on their listener ports; the others never have a public address.
LOAD_BALANCER_TYPES = ("AWS::ElasticLoadBalancingV2::LoadBalancer",
                       "AWS::ElasticLoadBalancing::LoadBalancer", "aws_lb", "aws_alb", "aws_elb")
PRIVATE_ONLY_TYPES = ("AWS::EC2::VPCEndpoint", "aws_vpc_endpoint", "AWS::EFS::MountTarget",
                      "aws_efs_mount_target", "AWS::ElastiCache::CacheCluster",
                      "AWS::ElastiCache::ReplicationGroup", "aws_elasticache_cluster",
                      "aws_elasticache_replication_group")
_GROUP_KEYS = {"AWS::EC2::SecurityGroupIngress": ("GroupId", "GroupName"),
               "aws_security_group_rule": ("security_group_id",),
               "aws_vpc_security_group_ingress_rule": ("security_group_id",)}


def rule_group(view: View, ingress: Ingress) -> Resource | None:
    """The security group an ingress permission belongs to, if it is in the run."""
    if ingress.resource.type in SECURITY_GROUP_TYPES:
        return ingress.resource
    for key in _GROUP_KEYS.get(ingress.resource.type, ()):
        groups = view.referenced(ingress.resource, key, SECURITY_GROUP_TYPES)
        if groups:
            return groups[0]
    return None


def group_users(view: View, group: Resource) -> list[Resource]:
    """Resources that attach ``group`` (not rules that name it as a source or owner)."""
    users = []
    for user in view.referrers(group):
        if user.type in SECURITY_GROUP_TYPES or user.type in INGRESS_TYPES or \
                user.type in ("AWS::EC2::SecurityGroupEgress", "aws_vpc_security_group_egress_rule"):
            continue
        users.append(user)
    return users


def listens_only(view: View, group: Resource) -> bool:
    """Whether every resource that uses ``group`` is a load balancer (reachable only on its
    listener ports), a Lambda function (which accepts no inbound connections) or a resource
    that never has a public address (VPC endpoints, EFS mount targets, ElastiCache)."""
    users = group_users(view, group)
    return bool(users) and all(
        user.type in LOAD_BALANCER_TYPES + FUNCTION_TYPES + PRIVATE_ONLY_TYPES for user in users)


_FLOW_LOG_TARGETS = {"AWS::EC2::FlowLog": ("ResourceId",),
                     "aws_flow_log": ("vpc_id", "subnet_id", "eni_id", "transit_gateway_id",
                                      "transit_gateway_attachment_id")}


def flow_logs_of(view: View, flow_log: Resource) -> object:
    """The resources of the run a flow log records, or UNKNOWN when its target is unresolved."""
    targets = []
    for key in _FLOW_LOG_TARGETS.get(flow_log.type, ()):
        value = flow_log.get(key)
        if value is UNKNOWN:
            return UNKNOWN
        if value is not None:
            targets.extend(view.referenced(flow_log, key))
    return targets


# data store type -> (its subnet-group reference, subnet group types, the group's subnet list)
SUBNET_GROUPS = {
    "AWS::RDS::DBInstance": ("DBSubnetGroupName", ("AWS::RDS::DBSubnetGroup",), "SubnetIds"),
    "AWS::RDS::DBCluster": ("DBSubnetGroupName", ("AWS::RDS::DBSubnetGroup",), "SubnetIds"),
    "aws_db_instance": ("db_subnet_group_name", ("aws_db_subnet_group",), "subnet_ids"),
    "aws_rds_cluster": ("db_subnet_group_name", ("aws_db_subnet_group",), "subnet_ids"),
    "aws_rds_cluster_instance": ("db_subnet_group_name", ("aws_db_subnet_group",),
                                 "subnet_ids"),
    "AWS::Redshift::Cluster": ("ClusterSubnetGroupName", ("AWS::Redshift::ClusterSubnetGroup",),
                               "SubnetIds"),
    "aws_redshift_cluster": ("cluster_subnet_group_name", ("aws_redshift_subnet_group",),
                             "subnet_ids"),
    "AWS::ElastiCache::CacheCluster": ("CacheSubnetGroupName",
                                       ("AWS::ElastiCache::SubnetGroup",), "SubnetIds"),
    "AWS::ElastiCache::ReplicationGroup": ("CacheSubnetGroupName",
                                           ("AWS::ElastiCache::SubnetGroup",), "SubnetIds"),
    "aws_elasticache_cluster": ("subnet_group_name", ("aws_elasticache_subnet_group",),
                                "subnet_ids"),
    "aws_elasticache_replication_group": ("subnet_group_name",
                                          ("aws_elasticache_subnet_group",), "subnet_ids"),
    "AWS::DMS::ReplicationInstance": ("ReplicationSubnetGroupIdentifier",
                                      ("AWS::DMS::ReplicationSubnetGroup",), "SubnetIds"),
    "aws_dms_replication_instance": ("replication_subnet_group_id",
                                     ("aws_dms_replication_subnet_group",), "subnet_ids"),
}


def placement_subnets(view: View, store: Resource) -> object:
    """The subnets of a data store's subnet group: a list, None when no group is named, or
    UNKNOWN when the group is not in the run or cannot be resolved."""
    key, group_types, subnets_key = SUBNET_GROUPS[store.type]
    value = store.get(key)
    if value is None:
        return None
    if value is UNKNOWN:
        return UNKNOWN
    groups = view.referenced(store, key, group_types)
    if not groups:
        return UNKNOWN
    subnets = subnets_referenced(view, groups[0], subnets_key)
    written = groups[0].items(subnets_key)
    if not subnets or len(subnets) < len(written):
        return UNKNOWN
    return subnets


def public_placement(view: View, store: Resource) -> object:
    """True when some subnet of a data store's subnet group routes to an internet gateway;
    False when none does; None without a subnet group; UNKNOWN when it cannot be told."""
    subnets = placement_subnets(view, store)
    if subnets is None or subnets is UNKNOWN:
        return subnets
    verdicts = [is_public_subnet(view, subnet) for subnet in subnets]
    if any(verdict is True for verdict in verdicts):
        return True
    return UNKNOWN if any(verdict is UNKNOWN for verdict in verdicts) else False


# ---------------------------------------------------------------- S3 public access
BPA_FLAGS = ("BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets")
_TF_FLAGS = {"BlockPublicAcls": "block_public_acls", "IgnorePublicAcls": "ignore_public_acls",
             "BlockPublicPolicy": "block_public_policy",
             "RestrictPublicBuckets": "restrict_public_buckets"}
PUBLIC_ACLS = {"PublicRead": "public-read", "PublicReadWrite": "public-read-write",
               "AuthenticatedRead": "authenticated-read"}
_PUBLIC_GRANTEES = ("http://acs.amazonaws.com/groups/global/AllUsers",
                    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers")


@dataclass(frozen=True)
class BlockPublicAccess:
    """A bucket's effective Block Public Access settings: flag -> True/False/UNKNOWN."""

    flags: dict
    resource: Resource     # where the bucket's settings are written (the bucket or its block)
    path: tuple            # the settings' path in ``resource``

    def off(self) -> list[str]:
        return [flag for flag in BPA_FLAGS if self.flags[flag] is False]


def _flag(value: object, default: object) -> object:
    value = as_bool(value)
    return default if value is None else value


def account_public_access_block(view: View) -> dict:
    """Flags an account-level block in the run turns on (``aws_s3_account_public_access_block``)."""
    flags = dict.fromkeys(BPA_FLAGS, False)
    for block in view.resources("aws_s3_account_public_access_block"):
        for flag in BPA_FLAGS:
            if _flag(block.get(_TF_FLAGS[flag]), False) is True:
                flags[flag] = True
    return flags


def bucket_public_access_block(view: View, bucket: Resource) -> BlockPublicAccess:
    """The Block Public Access settings of a bucket, account-level settings in the run included.

    A bucket created today has all four settings on unless the template
    configures them; a written ``PublicAccessBlockConfiguration`` or Terraform
    ``aws_s3_bucket_public_access_block`` leaves every flag it does not set off.
    """
    account = view.memo(account_public_access_block,
                        lambda: account_public_access_block(view))
    if bucket.is_cloudformation:
        path = ("PublicAccessBlockConfiguration",)
        configured = bucket.get(path)
        if configured is UNKNOWN:
            flags = dict.fromkeys(BPA_FLAGS, UNKNOWN)
        else:   # a written configuration replaces the default: what it omits is off
            default = configured is None
            flags = {flag: _flag(bucket.get((*path, flag)), default) for flag in BPA_FLAGS}
        where, at = bucket, path
    else:
        blocks = view.referrers(bucket, ("aws_s3_bucket_public_access_block",), path="bucket")
        if blocks:
            where, at = blocks[0], ()
            flags = {flag: _flag(where.get(_TF_FLAGS[flag]), False) for flag in BPA_FLAGS}
        else:
            where, at = bucket, ()
            flags = dict.fromkeys(BPA_FLAGS, True)
    for flag in BPA_FLAGS:
        if account[flag] is True:
            flags[flag] = True
    return BlockPublicAccess(flags, where, at)


def object_ownership(view: View, bucket: Resource) -> object:
    """The bucket's Object Ownership (``BucketOwnerEnforced``, the default, disables ACLs)."""
    if bucket.is_cloudformation:
        value = bucket.get("OwnershipControls/Rules/0/ObjectOwnership")
        return "BucketOwnerEnforced" if value is None else value
    for controls in view.referrers(bucket, ("aws_s3_bucket_ownership_controls",), path="bucket"):
        value = controls.get("rule/object_ownership")
        return "BucketOwnerEnforced" if value is None else value
    return "BucketOwnerEnforced"


def public_acls(view: View, bucket: Resource) -> list[tuple[Resource, tuple, str]]:
    """(resource, path, acl) for each public canned ACL or grant a bucket is given."""
    found = []
    if bucket.is_cloudformation:
        value = bucket.get("AccessControl")
        if isinstance(value, str) and value in PUBLIC_ACLS:
            found.append((bucket, ("AccessControl",), value))
        return found
    value = bucket.get("acl")
    if isinstance(value, str) and value in PUBLIC_ACLS.values():
        found.append((bucket, ("acl",), value))
    for acl in view.referrers(bucket, ("aws_s3_bucket_acl",), path="bucket"):
        value = acl.get("acl")
        if isinstance(value, str) and value in PUBLIC_ACLS.values():
            found.append((acl, ("acl",), value))
        for path, grant in acl.values("access_control_policy/grant/*/grantee/uri"):
            if grant in _PUBLIC_GRANTEES:
                found.append((acl, path, "a grant to " + grant.rsplit("/", 1)[-1]))
    return found

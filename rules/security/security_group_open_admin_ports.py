from wa_lint.query import UNKNOWN
from wa_lint.query.exposure import (
    INGRESS_TYPES,
    SECURITY_GROUP_TYPES,
    TCP,
    ingress_rules,
    listens_only,
    rule_group,
)
from wa_lint.rule import rule

ADMIN_PORTS = {
    22: "SSH", 23: "Telnet", 3389: "RDP", 5900: "VNC", 445: "SMB", 2375: "Docker API",
    2376: "Docker API", 10250: "kubelet", 3306: "MySQL", 5432: "PostgreSQL",
    1433: "SQL Server", 1521: "Oracle", 6379: "Redis", 11211: "Memcached", 27017: "MongoDB",
    9200: "OpenSearch", 9300: "OpenSearch", 5601: "Kibana", 9092: "Kafka", 2049: "NFS",
    5984: "CouchDB", 9042: "Cassandra", 7199: "Cassandra JMX", 8086: "InfluxDB",
}


@rule(id="SEC301", name="security-group-open-admin-ports", pillar="security", severity="error",
      resource_types=(*SECURITY_GROUP_TYPES, *INGRESS_TYPES), bp=("SEC05-BP02", "SEC05-BP01"))
def security_group_open_admin_ports(view):
    """Security group lets the whole internet reach administration or database ports

    ## What it checks
    Every ingress permission (inline `SecurityGroupIngress`,
    `AWS::EC2::SecurityGroupIngress`, Terraform `ingress` blocks,
    `aws_security_group_rule` of type `ingress` and
    `aws_vpc_security_group_ingress_rule`) whose source is `0.0.0.0/0` or `::/0`
    and that admits all traffic (protocol `-1`), or TCP on a port range that
    includes a remote-administration port (SSH 22, RDP 3389, Telnet, VNC,
    SMB, the Docker and kubelet APIs) or a database, cache or broker port
    (MySQL 3306, PostgreSQL 5432, SQL Server 1433, Oracle 1521, Redis 6379,
    Memcached 11211, MongoDB 27017, OpenSearch 9200, Kafka 9092, NFS 2049 ...).

    Web ports (80, 443) open to the world are what a public load balancer
    needs and are not reported. A group used only by load balancers (which
    answer only on their listener ports), Lambda functions (which accept no
    inbound connections), or resources that never get a public address (VPC
    endpoints, EFS mount targets, ElastiCache) is exempt, even when it admits
    all traffic.
    Sources given as security groups or prefix lists, and CIDRs or ports that
    cannot be resolved, are not judged. A parameter's default counts as its
    value: a template whose `SSHLocation` defaults to `0.0.0.0/0` opens SSH to
    everyone unless the deployer changes it.

    ## Why it matters
    Administration and data ports exposed to the internet are found by
    scanners within minutes and are the usual entry point for brute-force
    and exploit attempts. Network layers should admit each tier only from
    the tier in front of it (SEC05-BP01, SEC05-BP02); administrators should
    use Session Manager or a VPN instead of an open SSH or RDP port.

    ## How to fix
    Admit the port only from the security group of the tier that needs it
    (or a known corporate range), and use Systems Manager Session Manager
    instead of SSH:

    ```yaml
    DatabaseSecurityGroup:
      Type: AWS::EC2::SecurityGroup
      Properties:
        GroupDescription: database
        VpcId: !Ref Vpc
        SecurityGroupIngress:
          - IpProtocol: tcp
            FromPort: 5432
            ToPort: 5432
            SourceSecurityGroupId: !Ref AppSecurityGroup
    ```

    ```json
    {"resource": {"aws_vpc_security_group_ingress_rule": {"db_from_app": {
      "security_group_id": "${aws_security_group.db.id}", "ip_protocol": "tcp",
      "from_port": 5432, "to_port": 5432,
      "referenced_security_group_id": "${aws_security_group.app.id}"}}}}
    ```

    ## Known limits
    Network ACLs in front of the subnet are not taken into account, and a
    group is judged whatever it is attached to.
    """
    for ingress in ingress_rules(view):
        opened = ingress.open_sources()
        if not opened:
            continue
        if ingress.all_traffic:
            what = "all traffic"
        elif ingress.protocol in TCP and ingress.ports is not UNKNOWN:
            low, high = ingress.ports
            hit = sorted(port for port in ADMIN_PORTS if low <= port <= high)
            if not hit:
                continue
            names = ", ".join(dict.fromkeys(f"{ADMIN_PORTS[port]} {port}" for port in hit[:4]))
            more = " ..." if len(hit) > 4 else ""
            if low == high:
                what = f"TCP port {low} ({ADMIN_PORTS[low]})"
            else:
                what = f"TCP ports {low}-{high} ({names}{more})"
        else:
            continue
        group = rule_group(view, ingress)
        if group is not None and listens_only(view, group):
            continue
        for path, cidr in opened:
            kind = "Security group" if ingress.resource.type in SECURITY_GROUP_TYPES \
                else "Ingress rule"
            yield ingress.resource.finding(
                path, f"{kind} {ingress.resource} admits {cidr.strip()} to {what}")

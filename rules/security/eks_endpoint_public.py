from wa_lint.query import UNKNOWN, as_bool, flatten
from wa_lint.query.exposure import OPEN_CIDRS
from wa_lint.rule import rule

KEYS = {"AWS::EKS::Cluster": ("ResourcesVpcConfig", "EndpointPublicAccess", "PublicAccessCidrs"),
        "aws_eks_cluster": ("vpc_config", "endpoint_public_access", "public_access_cidrs")}


@rule(id="SEC312", name="eks-endpoint-public", pillar="security", severity="warning",
      resource_types=KEYS, bp=("SEC05-BP01", "SEC05-BP02"))
def eks_endpoint_public(view):
    """EKS cluster API endpoint is reachable from the whole internet

    ## What it checks
    EKS clusters (`AWS::EKS::Cluster` `ResourcesVpcConfig`, `aws_eks_cluster`
    `vpc_config`) whose public endpoint is on (`EndpointPublicAccess`,
    `endpoint_public_access`: true by default) and open to every address
    (`PublicAccessCidrs`, `public_access_cidrs`: `0.0.0.0/0` by default).
    A private-only endpoint, or a public endpoint restricted to named CIDR
    ranges, passes. Values that cannot be resolved are not judged.

    ## Why it matters
    The Kubernetes API server controls every workload in the cluster. Left
    open to the internet, it is one leaked token or one API-server flaw away
    from a takeover, and it is scanned constantly. The control plane should
    only be reachable from the networks that administer it (SEC05-BP01,
    SEC05-BP02).

    ## How to fix
    Turn on the private endpoint and turn off the public one, or restrict it
    to your administration ranges:

    ```yaml
    Cluster:
      Type: AWS::EKS::Cluster
      Properties:
        RoleArn: !GetAtt ClusterRole.Arn
        ResourcesVpcConfig:
          SubnetIds: [!Ref PrivateSubnetA, !Ref PrivateSubnetB]
          EndpointPrivateAccess: true
          EndpointPublicAccess: false
    ```

    ```json
    {"resource": {"aws_eks_cluster": {"main": {"name": "main",
      "role_arn": "${aws_iam_role.cluster.arn}",
      "vpc_config": {"subnet_ids": ["${aws_subnet.private_a.id}", "${aws_subnet.private_b.id}"],
        "endpoint_private_access": true, "endpoint_public_access": false}}}}}
    ```
    """
    for cluster in view.resources():
        config, public_key, cidrs_key = KEYS[cluster.type]
        public = as_bool(cluster.get((config, public_key)))
        if public is UNKNOWN or public is False:
            continue
        cidrs = cluster.get((config, cidrs_key))
        if cidrs is UNKNOWN:
            continue
        values = flatten(cidrs) if cidrs is not None else ["0.0.0.0/0"]
        if any(value is UNKNOWN for value in values):
            continue
        if not any(isinstance(value, str) and value.strip() in OPEN_CIDRS for value in values):
            continue
        where = (config, cidrs_key) if cidrs is not None else (config, public_key)
        detail = "" if cidrs is not None else " (the defaults)"
        yield cluster.finding(where, f"EKS cluster {cluster} has a public API endpoint open to "
                                     f"0.0.0.0/0{detail}")

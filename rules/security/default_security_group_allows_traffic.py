from wa_lint.rule import rule


@rule(id="SEC314", name="default-security-group-allows-traffic", pillar="security",
      severity="warning", resource_types=("aws_default_security_group",),
      bp=("SEC05-BP02",))
def default_security_group_allows_traffic(view):
    """VPC default security group is given rules that allow traffic

    ## What it checks
    Terraform `aws_default_security_group` resources that declare `ingress`
    or `egress` blocks. Terraform takes over the VPC's default group and
    replaces its rules with the ones written; with no blocks it removes them
    all, which is the recommended configuration. CloudFormation cannot manage
    the default group, so the rule has nothing to check there.

    ## Why it matters
    Every network interface launched without an explicit security group
    lands in the default group. Rules on it silently apply to all those
    resources, so traffic should be allowed only through purpose-built
    groups and the default one kept empty (SEC05-BP02).

    ## How to fix
    Adopt the default group with no rules, and attach dedicated groups to
    your resources:

    ```yaml
    # CloudFormation cannot manage the default security group: restrict it
    # with Terraform or AWS Config (vpc-default-security-group-closed).
    ```

    ```json
    {"resource": {"aws_default_security_group": {"default": {
      "vpc_id": "${aws_vpc.main.id}"}}}}
    ```
    """
    for group in view.resources():
        for kind in ("ingress", "egress"):
            blocks = group.blocks(kind)
            if blocks:
                path, _ = blocks[0]
                yield group.finding(path, f"Default security group {group} has {len(blocks)} "
                                          f"{kind} rule{'s' if len(blocks) > 1 else ''}")

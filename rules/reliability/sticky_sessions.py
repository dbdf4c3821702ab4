from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.placement import ASG_TYPES, FLEET_TYPES, TARGET_GROUP_TYPES
from wa_lint.rule import rule

CLASSIC = ("AWS::ElasticLoadBalancing::LoadBalancer",)
TF_POLICIES = ("aws_lb_cookie_stickiness_policy", "aws_app_cookie_stickiness_policy")


@rule(id="REL108", name="sticky-sessions", pillar="reliability", severity="warning",
      resource_types=(*TARGET_GROUP_TYPES, *CLASSIC, *TF_POLICIES), bp="REL05-BP06")
def sticky_sessions(view):
    """Load balancer pins clients to one target with sticky sessions

    ## What it checks
    Target groups with stickiness on (`TargetGroupAttributes`
    `stickiness.enabled: "true"`; Terraform `stickiness` block, whose `enabled`
    defaults to true), and Classic Load Balancers with cookie stickiness
    policies (`LBCookieStickinessPolicy`, `AppCookieStickinessPolicy`,
    `aws_lb_cookie_stickiness_policy`, `aws_app_cookie_stickiness_policy`).
    The finding is a warning when the targets scale (an Auto Scaling group or
    ECS service registers into the target group), and a note otherwise.
    Network Load Balancer `source_ip` affinity is included.

    ## Why it matters
    Sticky sessions mean the session lives on one instance. When that instance
    fails, is replaced or is scaled in, its users lose their session; when the
    fleet scales out, existing clients stay on the busy instances and the new
    capacity takes only new sessions. Keeping session state in a shared store
    (ElastiCache, DynamoDB) makes every instance interchangeable, which is
    what replacement and scaling assume (REL05-BP06).

    ## How to fix
    Move session state to a shared store and turn stickiness off:

    ```yaml
    WebTargets:
      Type: AWS::ElasticLoadBalancingV2::TargetGroup
      Properties:
        Port: 80
        Protocol: HTTP
        VpcId: !Ref Vpc
        TargetGroupAttributes:
          - Key: stickiness.enabled
            Value: "false"
    ```

    ```json
    {"resource": {"aws_lb_target_group": {"web": {
      "port": 80, "protocol": "HTTP", "vpc_id": "${aws_vpc.main.id}",
      "stickiness": {"type": "lb_cookie", "enabled": false}}}}}
    ```

    ## Known limits
    Applications that keep no state on the instance but use stickiness for
    cache locality are reported too; suppress with the reason.
    """
    for group in view.resources(*TARGET_GROUP_TYPES):
        if group.is_cloudformation:
            sticky, where = UNKNOWN, None
            attributes = group.get("TargetGroupAttributes")
            if attributes is UNKNOWN:
                continue
            sticky = False
            for path, item in group.items("TargetGroupAttributes"):
                if isinstance(item, dict) and item.get("Key") == "stickiness.enabled":
                    sticky, where = as_bool(item.get("Value")), (*path, "Value")
        else:
            blocks = group.blocks("stickiness")
            if not blocks:
                continue
            path, block = blocks[0]
            sticky = as_bool(block.get("enabled"))
            sticky = True if sticky is None else sticky
            where = (*path, "enabled") if "enabled" in block else path
        if sticky is not True:
            continue
        scaled = bool(view.referrers(group, FLEET_TYPES))
        yield group.finding(where, f"Target group {group} uses sticky sessions"
                                   + (" in front of a scaling fleet" if scaled else ""),
                            severity=None if scaled else "note")

    for balancer in view.resources(*CLASSIC):
        for key in ("LBCookieStickinessPolicy", "AppCookieStickinessPolicy"):
            policies = balancer.get(key)
            if policies is UNKNOWN or not policies:
                continue
            scaled = bool(view.referrers(balancer, ASG_TYPES))
            yield balancer.finding(key, f"Load balancer {balancer} uses sticky sessions"
                                        + (" in front of a scaling fleet" if scaled else ""),
                                   severity=None if scaled else "note")
            break

    for policy in view.resources(*TF_POLICIES):
        balancers = view.referenced(policy, "load_balancer")
        scaled = any(view.referrers(balancer, FLEET_TYPES) for balancer in balancers)
        name = balancers[0] if balancers else policy
        yield policy.finding("load_balancer", f"Load balancer {name} uses sticky sessions"
                                              + (" in front of a scaling fleet" if scaled
                                                 else ""),
                             severity=None if scaled else "note")

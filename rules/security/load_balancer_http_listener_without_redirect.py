import re

from wa_lint.query import UNKNOWN
from wa_lint.query.exposure import ELBV2_TYPES, is_internet_facing
from wa_lint.rule import rule

# listener type -> (protocol, load balancer, default actions, action type, redirect protocol,
#                   TLS policy)
LISTENERS = {
    "AWS::ElasticLoadBalancingV2::Listener": ("Protocol", "LoadBalancerArn", "DefaultActions",
                                              "Type", "RedirectConfig/Protocol", "SslPolicy"),
    "aws_lb_listener": ("protocol", "load_balancer_arn", "default_action", "type",
                        "redirect/protocol", "ssl_policy"),
    "aws_alb_listener": ("protocol", "load_balancer_arn", "default_action", "type",
                         "redirect/protocol", "ssl_policy"),
}
OLD_POLICIES = {"ELBSecurityPolicy-2016-08", "ELBSecurityPolicy-2015-05",
                "ELBSecurityPolicy-TLS-1-0-2015-04", "ELBSecurityPolicy-TLS-1-1-2017-01",
                "ELBSecurityPolicy-FS-2018-06", "ELBSecurityPolicy-FS-1-1-2019-08"}
OLD_TLS13 = re.compile(r"^ELBSecurityPolicy-TLS13-1-[01]-")


@rule(id="SEC106", name="load-balancer-http-listener-without-redirect", pillar="security",
      severity="warning", resource_types=(*LISTENERS, *ELBV2_TYPES), bp=("SEC09-BP02",))
def load_balancer_http_listener_without_redirect(view):
    """Internet-facing load balancer serves plaintext HTTP or old TLS versions

    ## What it checks
    Listeners (`AWS::ElasticLoadBalancingV2::Listener`, `aws_lb_listener`)
    of internet-facing Application Load Balancers in the run:

    - an `HTTP` listener whose default action forwards (or authenticates)
      instead of redirecting to `HTTPS` or answering with a fixed response
      is a warning (a listener's protocol defaults to HTTP in Terraform);
    - an `HTTPS` or `TLS` listener (Network Load Balancers too) with a
      security policy that still accepts TLS 1.0 or 1.1
      (`ELBSecurityPolicy-2016-08`, `ELBSecurityPolicy-TLS-1-1-2017-01`,
      `ELBSecurityPolicy-TLS13-1-0-2021-06` ...) is a warning.

    Load balancers are internet-facing unless `Scheme: internal` /
    `internal = true`. Internal load balancers, listeners whose load balancer
    is not in the run or cannot be resolved, and listeners without a written
    security policy are not judged.

    ## Why it matters
    Requests and responses in plaintext, cookies and tokens included, can be
    read and changed by anyone on the path between the user and AWS. TLS 1.0
    and 1.1 have known weaknesses and are no longer accepted by current
    compliance baselines (SEC09-BP02).

    ## How to fix
    Redirect HTTP to HTTPS and serve HTTPS with a TLS 1.2+ policy:

    ```yaml
    HttpListener:
      Type: AWS::ElasticLoadBalancingV2::Listener
      Properties:
        LoadBalancerArn: !Ref LoadBalancer
        Port: 80
        Protocol: HTTP
        DefaultActions:
          - Type: redirect
            RedirectConfig: {Protocol: HTTPS, Port: "443", StatusCode: HTTP_301}
    ```

    ```json
    {"resource": {"aws_lb_listener": {"http": {
      "load_balancer_arn": "${aws_lb.web.arn}", "port": 80, "protocol": "HTTP",
      "default_action": {"type": "redirect",
        "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}}}}}
    ```

    ## Known limits
    Listener rules are not read: a listener whose default action redirects
    but whose rules forward some paths over HTTP passes.
    """
    for listener in view.resources(*LISTENERS):
        protocol_key, lb_key, actions_key, type_key, redirect_key, policy_key = \
            LISTENERS[listener.type]
        balancers = view.referenced(listener, lb_key, ELBV2_TYPES)
        if len(balancers) != 1 or is_internet_facing(balancers[0]) is not True:
            continue
        balancer = balancers[0]
        default = "HTTP" if not listener.is_cloudformation else None
        protocol = listener.get(protocol_key, default)
        if protocol is UNKNOWN or protocol is None:
            continue
        protocol = str(protocol).upper()
        if protocol == "HTTP":
            actions = listener.blocks(actions_key)
            kinds = [str(action.get(type_key, "")).lower() for _, action in actions]
            if not actions or any(kind in ("", "unknown") for kind in kinds):
                continue
            if any(kind == "fixed-response" for kind in kinds):
                continue
            if any(kind == "redirect" and str(listener.get((*path, *redirect_key.split("/")),
                                                           "")).upper() == "HTTPS"
                   for (path, _), kind in zip(actions, kinds, strict=True)):
                continue
            if any(listener.get((*path, type_key)) is UNKNOWN for path, _ in actions):
                continue
            yield listener.finding(actions_key, f"HTTP listener {listener} of internet-facing "
                                                f"load balancer {balancer} serves requests in "
                                                "plaintext instead of redirecting to HTTPS")
        elif protocol in ("HTTPS", "TLS"):
            policy = listener.get(policy_key)
            if isinstance(policy, str) and (policy in OLD_POLICIES or OLD_TLS13.match(policy)):
                yield listener.finding(policy_key, f"{protocol} listener {listener} of "
                                                   f"internet-facing load balancer {balancer} "
                                                   f"accepts TLS 1.0 or 1.1 ({policy})")

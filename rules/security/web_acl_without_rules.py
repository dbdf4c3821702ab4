from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

KEYS = {"AWS::WAFv2::WebACL": ("DefaultAction", "Allow", "Rules"),
        "aws_wafv2_web_acl": ("default_action", "allow", "rule")}


@rule(id="SEC316", name="web-acl-without-rules", pillar="security", severity="warning",
      resource_types=KEYS, bp=("SEC05-BP03",))
def web_acl_without_rules(view):
    """WebACL allows every request: default action Allow and no rules

    ## What it checks
    AWS WAF WebACLs (`AWS::WAFv2::WebACL`, `aws_wafv2_web_acl`) whose default
    action is `Allow` and that have no rules (`Rules` empty or absent, no
    `rule` blocks and no `rule_json`). Such an ACL inspects nothing: every
    request is allowed. A default `Block` action, or any rule, passes; the
    quality of the rules is not judged. Values that cannot be resolved are
    not judged.

    ## Why it matters
    An empty WebACL makes an entry point look protected, in reviews and in
    checks such as `internet-entry-without-waf`, while it filters nothing
    (SEC05-BP03).

    ## How to fix
    Add the AWS managed rule groups that fit the application (the core rule
    set at least) and a rate-based rule:

    ```yaml
    WebAcl:
      Type: AWS::WAFv2::WebACL
      Properties:
        Scope: REGIONAL
        DefaultAction: {Allow: {}}
        VisibilityConfig:
          SampledRequestsEnabled: true
          CloudWatchMetricsEnabled: true
          MetricName: web
        Rules:
          - Name: common
            Priority: 0
            OverrideAction: {None: {}}
            Statement:
              ManagedRuleGroupStatement:
                VendorName: AWS
                Name: AWSManagedRulesCommonRuleSet
            VisibilityConfig:
              SampledRequestsEnabled: true
              CloudWatchMetricsEnabled: true
              MetricName: common
    ```

    ```json
    {"resource": {"aws_wafv2_web_acl": {"web": {"name": "web", "scope": "REGIONAL",
      "default_action": {"allow": {}},
      "rule": [{"name": "common", "priority": 0, "override_action": {"none": {}},
        "statement": {"managed_rule_group_statement": {"vendor_name": "AWS",
          "name": "AWSManagedRulesCommonRuleSet"}},
        "visibility_config": {"cloudwatch_metrics_enabled": true,
          "metric_name": "common", "sampled_requests_enabled": true}}],
      "visibility_config": {"cloudwatch_metrics_enabled": true,
        "metric_name": "web", "sampled_requests_enabled": true}}}}}
    ```
    """
    for acl in view.resources():
        action_key, allow_key, rules_key = KEYS[acl.type]
        if acl.get(action_key) is UNKNOWN or not acl.blocks(action_key):
            continue   # blocks(): a Terraform block is a dict in JSON, a one-item list in HCL
        if not acl.has((action_key, allow_key)):
            continue
        rules = acl.get(rules_key)
        if rules is UNKNOWN or acl.get("rule_json") is not None:
            continue
        if rules:
            continue
        yield acl.finding((action_key, allow_key), f"WebACL {acl} allows every request: its "
                                                   "default action is Allow and it has no rules")

from wa_lint.query import UNKNOWN, as_bool
from wa_lint.query.dns import RECORD_TYPES, records
from wa_lint.rule import rule


@rule(id="REL202", name="route53-missing-failover", pillar="reliability", severity="warning",
      resource_types=RECORD_TYPES, bp=("REL11-BP02", "REL11-BP01", "REL13-BP02"))
def route53_missing_failover(view):
    """DNS record cannot fail over to a healthy endpoint

    ## What it checks
    Route 53 records (`AWS::Route53::RecordSet`, each record of an
    `AWS::Route53::RecordSetGroup`, `aws_route53_record`):

    - a `PRIMARY` failover record with no matching `SECONDARY` (same hosted
      zone, name and type, anywhere in the run), or a `SECONDARY` without a
      `PRIMARY`, is an error: the pair is what makes failover possible;
    - a `PRIMARY` record with neither a health check nor an alias that
      evaluates target health is an error: Route 53 never sees it fail;
    - an `A`, `AAAA` or `CNAME` record that serves an endpoint with simple
      routing (no failover, latency, weighted, geolocation, geoproximity,
      multivalue or CIDR policy) has nowhere to send traffic when that
      endpoint fails: a note, or a warning when the run deploys to more than
      one Region (a recovery Region exists, but DNS cannot reach it).

    Records whose zone, name or type cannot be resolved are not paired.
    Service records whose names start with `_` (ACM validation, SRV-like) are
    not endpoints and are skipped.

    ## Why it matters
    Failover is decided at the DNS layer in most multi-Region and pilot-light
    designs: health checks mark the primary unhealthy and Route 53 answers
    with the secondary (REL11-BP02). Without the pair, or without a health
    signal, the recovery site is never used and clients keep resolving to the
    failed endpoint (REL11-BP01, REL13-BP02).

    ## How to fix
    Publish a `PRIMARY` record with a health check (or an alias with
    `EvaluateTargetHealth: true`) and a `SECONDARY` record for the same name
    and type pointing at the recovery endpoint:

    ```yaml
    Primary:
      Type: AWS::Route53::RecordSet
      Properties:
        HostedZoneName: example.com.
        Name: app.example.com.
        Type: A
        SetIdentifier: primary
        Failover: PRIMARY
        AliasTarget:
          DNSName: !GetAtt LoadBalancer.DNSName
          HostedZoneId: !GetAtt LoadBalancer.CanonicalHostedZoneID
          EvaluateTargetHealth: true
    Secondary:
      Type: AWS::Route53::RecordSet
      Properties:
        HostedZoneName: example.com.
        Name: app.example.com.
        Type: A
        SetIdentifier: secondary
        Failover: SECONDARY
        AliasTarget:
          DNSName: dr-alb-123.us-west-2.elb.amazonaws.com
          HostedZoneId: Z1H1FL5HABSF5
          EvaluateTargetHealth: true
    ```

    ```json
    {"resource": {"aws_route53_record": {"primary": {
      "zone_id": "${aws_route53_zone.main.zone_id}", "name": "app.example.com", "type": "A",
      "set_identifier": "primary", "failover_routing_policy": {"type": "PRIMARY"},
      "health_check_id": "${aws_route53_health_check.app.id}",
      "alias": {"name": "${aws_lb.app.dns_name}", "zone_id": "${aws_lb.app.zone_id}",
                "evaluate_target_health": true}}}}}
    ```

    ## Known limits
    A partner record kept in a template outside the run cannot be seen: check
    the whole repository (the `wa-lint-project` pre-commit hook) rather than
    one changed file.
    """
    all_records = list(records(view))
    groups: dict = {}
    for record in all_records:
        if record.failover in ("PRIMARY", "SECONDARY") and record.key is not UNKNOWN:
            groups.setdefault(record.key, set()).add(record.failover)
    multi_region = len(view.regions()) > 1

    for record in all_records:
        if record.failover is UNKNOWN:
            continue
        if record.failover in ("PRIMARY", "SECONDARY"):
            if record.key is not UNKNOWN:
                partner = "SECONDARY" if record.failover == "PRIMARY" else "PRIMARY"
                if partner not in groups.get(record.key, ()):
                    yield record.resource.finding(
                        record.at("Failover", "failover_routing_policy"),
                        f"{record.failover} record {record.name} ({record.type}) has no "
                        f"{partner} record to fail over to", severity="error")
            if record.failover == "PRIMARY":
                health_check = record.health_check
                evaluates = as_bool(record.evaluate_target_health)
                if health_check is UNKNOWN or evaluates is UNKNOWN:
                    continue
                if health_check is None and evaluates is not True:
                    yield record.resource.finding(
                        record.at("Failover", "failover_routing_policy"),
                        f"PRIMARY record {record.name} ({record.type}) has no health check and "
                        "does not evaluate target health, so it never fails over",
                        severity="error")
            continue
        if record.routed or record.type not in ("A", "AAAA", "CNAME") or not record.serves_endpoint:
            continue
        if isinstance(record.name, str) and record.name.startswith("_"):
            continue
        yield record.resource.finding(
            record.at("Type", "type"),
            f"Record {record.name} ({record.type}) serves a single endpoint with no failover "
            "record", severity="warning" if multi_region else "note")

from wa_lint.query import UNKNOWN
from wa_lint.query.dns import ZONE_TYPES, records
from wa_lint.rule import rule

RECORDS = ("aws_route53_record",)


@rule(id="PERF106", name="multi-region-without-latency-routing",
      pillar="performance-efficiency", severity="note", resource_types=RECORDS,
      bp=("PERF04-BP06", "PERF04-BP01"))
def multi_region_without_latency_routing(view):
    """Endpoint deployed in several Regions is not routed by latency

    ## What it checks
    Route 53 records of one name and type (Terraform `aws_route53_record`)
    whose targets (alias or record values that reference resources of the
    run) are deployed in two or more Regions (Terraform provider
    configurations with different `region`s), while none of the records uses
    a latency, geolocation, geoproximity, weighted, multivalue or CIDR
    routing policy: the name is only failover (or simple) routed, so every
    user is sent to the primary Region wherever they are. Records whose
    Region or name cannot be resolved are not judged. CloudFormation is not
    checked: one stack deploys to one Region.

    ## Why it matters
    An application already running in several Regions can serve each user
    from the closest one; with failover routing only one Region ever serves,
    and distant users pay the full network round trip (PERF04-BP06,
    PERF04-BP01).

    ## How to fix
    If both Regions can serve at once, route by latency (with health checks so
    an unhealthy Region is skipped):

    ```yaml
    ApiEast:
      Type: AWS::Route53::RecordSet
      Properties:
        HostedZoneId: !Ref Zone
        Name: api.example.com
        Type: A
        SetIdentifier: us-east-1
        Region: us-east-1
        AliasTarget:
          DNSName: !GetAtt EastLoadBalancer.DNSName
          HostedZoneId: !GetAtt EastLoadBalancer.CanonicalHostedZoneID
          EvaluateTargetHealth: true
    ```

    ```json
    {"resource": {"aws_route53_record": {"api_east": {
      "zone_id": "${aws_route53_zone.main.zone_id}", "name": "api.example.com", "type": "A",
      "set_identifier": "us-east-1", "latency_routing_policy": {"region": "us-east-1"},
      "alias": {"name": "${aws_lb.east.dns_name}", "zone_id": "${aws_lb.east.zone_id}",
                "evaluate_target_health": true}}}}}
    ```

    ## Known limits
    An active/passive design that cannot serve from both Regions at once is
    right to use failover routing; this is a note to confirm that choice.
    """
    if len(view.regions()) < 2:
        return
    groups: dict = {}
    for record in records(view):
        if record.key is UNKNOWN:
            continue
        groups.setdefault(record.key, []).append(record)
    for (_, name, kind), group in groups.items():
        if any(record.routed for record in group):
            continue
        regions = set()
        for record in group:
            for path in ("alias", "records"):
                for target in view.referenced(record.resource, path):
                    if target.type in ZONE_TYPES:
                        continue
                    region = view.region(target)
                    if isinstance(region, str):
                        regions.add(region)
        if len(regions) < 2:
            continue
        how = "failover" if any(record.failover for record in group) else "simple"
        first = group[0]
        yield first.resource.finding(
            first.at("Failover", "failover_routing_policy"),
            f"{name} ({kind}) reaches endpoints in {', '.join(sorted(regions))} by {how} "
            "routing only: users are not served from the closest Region")

"""Route 53 records, normalised across RecordSet, RecordSetGroup and aws_route53_record."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..values import UNKNOWN, ResourceRef
from . import Resource, View

RECORD_TYPES = ("AWS::Route53::RecordSet", "AWS::Route53::RecordSetGroup", "aws_route53_record")
ZONE_TYPES = ("AWS::Route53::HostedZone", "aws_route53_zone")
CFN_ROUTING = ("Weight", "Region", "GeoLocation", "GeoProximityLocation", "MultiValueAnswer",
               "CidrRoutingConfig")
TF_ROUTING = ("weighted_routing_policy", "latency_routing_policy", "geolocation_routing_policy",
              "geoproximity_routing_policy", "multivalue_answer_routing_policy",
              "cidr_routing_policy")


@dataclass(frozen=True)
class Record:
    resource: Resource
    path: tuple                 # where the record is written within the resource
    zone: object                # ("name", "example.com") / ("id", "Z123") / UNKNOWN
    name: object
    type: object
    failover: object            # "PRIMARY", "SECONDARY", None or UNKNOWN
    health_check: object        # None when absent
    evaluate_target_health: object
    routed: bool                # has a routing policy other than failover
    serves_endpoint: bool

    @property
    def key(self) -> object:
        if any(part is UNKNOWN or part is None for part in (self.zone, self.name, self.type)):
            return UNKNOWN
        return (self.zone, self.name, self.type)

    def at(self, cfn_key: str, tf_key: str) -> tuple:
        return (*self.path, cfn_key if self.resource.is_cloudformation else tf_key)


def _text(value: object) -> object:
    if isinstance(value, str):
        return value.lower().rstrip(".")
    return UNKNOWN if value is not None else None


def zone_key(view: View, value: object, by_name: object = None) -> object:
    """A comparable identity for a hosted zone: its name where known, else its id."""
    if by_name is not None:
        name = _text(by_name)
        return ("name", name) if isinstance(name, str) else UNKNOWN
    if isinstance(value, ResourceRef):
        zone = view.resource(value)
        if zone is not None:
            name = _text(zone.get("Name" if zone.is_cloudformation else "name"))
            return ("name", name) if isinstance(name, str) else ("ref", zone.id)
        return UNKNOWN
    if isinstance(value, str):
        return ("id", value)
    return UNKNOWN


def _qualified(name: object, zone: object) -> object:
    name = _text(name)
    if isinstance(name, str) and isinstance(zone, tuple) and zone[0] == "name" and not (
            name == zone[1] or name.endswith("." + zone[1])):
        return f"{name}.{zone[1]}"
    return name


def records(view: View) -> Iterator[Record]:
    for resource in view.resources(*RECORD_TYPES):
        if resource.type == "aws_route53_record":
            zone = zone_key(view, resource.get("zone_id"))
            failover = resource.get("failover_routing_policy/type")
            yield Record(
                resource=resource, path=(), zone=zone,
                name=_qualified(resource.get("name"), zone),
                type=_upper(resource.get("type")),
                failover=_upper(failover),
                health_check=resource.get("health_check_id"),
                evaluate_target_health=resource.get("alias/evaluate_target_health"),
                routed=any(resource.get(key) not in (None, False, [], {}) for key in TF_ROUTING),
                serves_endpoint=resource.has("alias") or _present(resource.get("records")))
            continue
        if resource.type == "AWS::Route53::RecordSet":
            entries = [((), resource.properties)]
            zone_source = resource.properties
        else:
            entries = resource.blocks("RecordSets")
            zone_source = resource.properties
        zone = zone_key(view, zone_source.get("HostedZoneId"), zone_source.get("HostedZoneName"))
        for path, entry in entries:
            own_zone = zone
            if "HostedZoneId" in entry or "HostedZoneName" in entry:
                own_zone = zone_key(view, entry.get("HostedZoneId"), entry.get("HostedZoneName"))
            alias = entry.get("AliasTarget")
            yield Record(
                resource=resource, path=path, zone=own_zone,
                name=_qualified(entry.get("Name"), own_zone),
                type=_upper(entry.get("Type")),
                failover=_upper(entry.get("Failover")),
                health_check=entry.get("HealthCheckId"),
                evaluate_target_health=alias.get("EvaluateTargetHealth") if isinstance(
                    alias, dict) else (UNKNOWN if alias is UNKNOWN else None),
                routed=any(key in entry for key in CFN_ROUTING),
                serves_endpoint=alias is not None or _present(entry.get("ResourceRecords")))


def _upper(value: object) -> object:
    return value.upper() if isinstance(value, str) else value


def _present(value: object) -> bool:
    return value is UNKNOWN or value not in (None, "", [])

"""The graph API that rules see: ``View`` and ``Resource``.

Rules never walk raw template dicts. They ask a ``View`` for resources of some
types, read resolved property values from a ``Resource`` (``UNKNOWN`` when a
value cannot be determined), follow typed edges (``referenced``,
``referrers``) and use shared walks (``zones``, ``region``). A walk that two
rules need lives here or in a topic module beside this one (``iam``,
``network``, ``messaging``, ``stepfunctions`` ...).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from ..graph import Model, Node, NodeId
from ..rule import Finding, RuleSpec
from ..values import UNKNOWN, ResourceRef, Splat, Zone, ZoneList

__all__ = [
    "UNKNOWN", "Resource", "ResourceRef", "Splat", "View", "Zone", "ZoneList", "ZoneSet",
    "as_bool", "as_int", "flatten", "is_known", "to_path",
]

Path = tuple
_DIGITS = re.compile(r"^\d+$")


def to_path(path: str | int | Iterable | None) -> Path:
    """``"A/B/0"`` -> ``("A", "B", 0)``; tuples pass through; ``None`` is the resource itself."""
    if path is None or path == "":
        return ()
    if isinstance(path, tuple):
        return path
    if isinstance(path, int):
        return (path,)
    if isinstance(path, str):
        return tuple(int(part) if _DIGITS.match(part) else part for part in path.split("/"))
    return tuple(path)


def as_bool(value: object) -> object:
    """True/False from a bool or a ``"true"``/``"false"`` string; None if absent; else UNKNOWN."""
    if value is None or value is UNKNOWN or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return UNKNOWN


def as_int(value: object) -> object:
    """An int from a number or a numeric string; None if absent; else UNKNOWN."""
    if value is None or value is UNKNOWN:
        return value
    if isinstance(value, bool):
        return UNKNOWN
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return UNKNOWN
    return UNKNOWN


def is_known(value: object) -> bool:
    """Whether a value, and everything inside it, is known."""
    if value is UNKNOWN:
        return False
    if isinstance(value, dict):
        return all(is_known(item) for item in value.values())
    if isinstance(value, list):
        return all(is_known(item) for item in value)
    return True


def flatten(value: object) -> list:
    """A value as a flat list: scalars become one-item lists, None an empty list."""
    if value is None:
        return []
    if isinstance(value, list):
        items: list = []
        for item in value:
            items.extend(flatten(item))
        return items
    return [value]


class Resource:
    """A resource as a rule sees it: type, resolved values, and how to report on it."""

    __slots__ = ("_node", "_view")

    def __init__(self, node: Node, view: View) -> None:
        self._node = node
        self._view = view

    # -- identity -------------------------------------------------------------------
    @property
    def id(self) -> NodeId:
        return self._node.id

    @property
    def address(self) -> str:
        return self._node.address

    @property
    def type(self) -> str:
        return self._node.type

    @property
    def mode(self) -> str:
        return self._node.mode

    @property
    def file(self) -> str:
        return self._node.document.path

    @property
    def format(self) -> str:
        """``cloudformation``, ``terraform`` or ``terraform-plan``."""
        return self._node.document.format

    @property
    def is_cloudformation(self) -> bool:
        return self.format == "cloudformation"

    @property
    def is_sam(self) -> bool:
        return self._node.document.dialect == "sam"

    @property
    def properties(self) -> dict:
        return self._node.properties

    @property
    def template(self) -> dict:
        """The whole document that declares this resource (``Outputs``, ``Globals`` ...)."""
        data = self._node.document.data
        return data if isinstance(data, dict) else {}

    @property
    def instance_count(self) -> object:
        """How many instances the declaration stands for (Terraform ``count``/``for_each``):
        an int, or UNKNOWN; 1 in CloudFormation."""
        return self._node.scope.instance_count(self._node)

    def written(self, path: str | Iterable | None = None, *, attribute: str | None = None
                ) -> object:
        """The value at ``path`` as written in the file, before any resolution (a literal, or
        the intrinsic / interpolation that computes it); None when absent.

        ``attribute`` reads a resource-level attribute instead of the properties
        (``Metadata``, ``provider`` ...). One-item block lists are entered as ``get`` does.
        """
        declaration = self._node.declaration
        value: object = declaration.attributes.get(attribute) if attribute \
            else declaration.properties
        for part in to_path(path):
            if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict) \
                    and not isinstance(part, int):
                value = value[0]
            in_dict = isinstance(value, dict) and part in value
            in_list = isinstance(value, list) and isinstance(part, int) and \
                -len(value) <= part < len(value)
            if not (in_dict or in_list):
                return None
            value = value[part]  # type: ignore[index]
        return value

    def parameter(self, name: object) -> dict | None:
        """The declaration of CloudFormation parameter ``name`` in this resource's template."""
        parameters = getattr(self._node.scope, "parameters", None)
        found = parameters.get(name) if isinstance(parameters, dict) and isinstance(name, str) \
            else None
        return found if isinstance(found, dict) else None

    def __str__(self) -> str:
        return self.address

    def __repr__(self) -> str:
        return f"<Resource {self.type} {self.address}>"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Resource) and other._node is self._node

    def __hash__(self) -> int:
        return hash(self._node.id)

    # -- values ---------------------------------------------------------------------
    def get(self, path: str | Iterable | None = None, default: object = None) -> object:
        """The resolved value at ``path`` (``default`` if absent, ``UNKNOWN`` if unknowable).

        A Terraform nested block written as a one-element list is entered
        transparently, so ``vpc_config/subnet_ids`` works for both spellings.
        """
        value, _, complete = self._walk(to_path(path))
        if not complete:
            return UNKNOWN if value is UNKNOWN else default
        return default if value is None else value

    def has(self, path: str | Iterable) -> bool:
        """Whether ``path`` is written (whatever its value, UNKNOWN included)."""
        value, _, complete = self._walk(to_path(path))
        return complete or value is UNKNOWN

    def attribute(self, name: str) -> object:
        """A resource-level attribute: ``DeletionPolicy``, ``Condition``, ``count`` ..."""
        return self.get(("@" + name,))

    def blocks(self, path: str | Iterable) -> list[tuple[Path, dict]]:
        """Each block (mapping) at ``path``, with its own path: a dict or a list of dicts."""
        value, actual, complete = self._walk(to_path(path))
        if not complete:
            return []
        if isinstance(value, dict):
            return [(actual, value)]
        if isinstance(value, list):
            return [((*actual, index), item) for index, item in enumerate(value)
                    if isinstance(item, dict)]
        return []

    def items(self, path: str | Iterable) -> list[tuple[Path, object]]:
        """Each item of the list at ``path`` with its path; a scalar is a one-item list."""
        value, actual, complete = self._walk(to_path(path))
        if not complete or value is None:
            return []
        if isinstance(value, list):
            return [((*actual, index), item) for index, item in enumerate(value)]
        return [(actual, value)]

    def values(self, pattern: str | Iterable) -> list[tuple[Path, object]]:
        """(path, value) at a path pattern where ``*`` stands for every list item."""
        parts = to_path(pattern)
        if "*" not in parts:
            value, actual, complete = self._walk(parts)
            return [(actual, value)] if complete and value is not None else []
        star = parts.index("*")
        found = []
        for item_path, _ in self.items(parts[:star]):
            found.extend(self.values((*item_path, *parts[star + 1:])))
        return found

    def locate(self, path: str | Iterable | None) -> Path:
        """The path as written in the file (block indexes included) for ``path``."""
        return self._walk(to_path(path))[1]

    def _walk(self, path: Path) -> tuple[object, Path, bool]:
        """Follow ``path``: (value, the path as walked plus any parts not reached, found?).

        The walked path has the block indexes that were entered transparently,
        so it is the path as written in the file.
        """
        if path and isinstance(path[0], str) and path[0].startswith("@"):
            value: object = self._view._attributes(self._node)
            parts = (path[0][1:], *path[1:])
            prefix = "@"
        else:
            value = self._node.properties
            parts = path
            prefix = ""
        actual: list = []
        missing = getattr(value, "missing", None)
        for position, part in enumerate(parts):
            if value is UNKNOWN:
                return UNKNOWN, _rooted(prefix, (*actual, *parts[position:])), False
            if isinstance(value, list) and not isinstance(part, int) and len(value) == 1 \
                    and isinstance(value[0], dict):
                value = value[0]
                actual.append(0)
            in_dict = isinstance(value, dict) and part in value
            in_list = isinstance(value, list) and isinstance(part, int) and \
                -len(value) <= part < len(value)
            if in_dict or in_list:
                value = value[part]
            else:
                found = missing if isinstance(value, dict) else None
                return found, _rooted(prefix, (*actual, *parts[position:])), False
            actual.append(part)
            missing = None
        return value, _rooted(prefix, tuple(actual)), True

    # -- findings ---------------------------------------------------------------------
    def finding(self, path: str | Iterable | None, message: str, *,
                severity: str | None = None) -> Finding:
        """A finding on this resource at ``path`` (the engine maps it to file:line:col)."""
        _, actual, _ = self._walk(to_path(path))
        return Finding(self._node.id, actual, message, severity)

    def unknown(self, path: str | Iterable | None, message: str) -> Finding:
        """A note that something could not be determined (never an error or warning)."""
        return self.finding(path, message, severity="note")


def _rooted(prefix: str, path: Path) -> Path:
    """Put the ``@`` of a resource-attribute path back on its first part."""
    if prefix and path:
        return (prefix + str(path[0]), *path[1:])
    return path


@dataclass(frozen=True)
class ZoneSet:
    """The Availability Zones a resource is placed in, as far as they can be known."""

    zones: frozenset
    all_zones: bool = False     # placed in every zone of the Region (``!GetAZs ''``)
    incomplete: bool = False    # some placement could not be resolved
    placements: int = 0         # subnets or zone values seen

    def count(self) -> object:
        """Distinct zones: an int when provable, else UNKNOWN.

        A count of two or more is a proven lower bound (enough to pass a
        multi-AZ check); a count under two is returned only when every
        placement is known and comparable.
        """
        if self.all_zones:
            return max(2, len(self.zones))
        groups: dict[str, set] = {}
        for zone in self.zones:
            groups.setdefault(zone.kind, set()).add(zone)
        best = max((len(group) for group in groups.values()), default=0)
        if best >= 2:
            return best
        if self.incomplete or self.placements == 0 or len(groups) > 1:
            return UNKNOWN
        return best

    def at_least(self, wanted: int) -> object:
        """True when at least ``wanted`` distinct zones are proven, False when fewer are, or
        UNKNOWN. Every zone of a Region counts as at least three (every Region in use has three
        or more, except a few that have two)."""
        if self.all_zones:
            return True if wanted <= 3 else UNKNOWN
        count = self.count()
        if count is UNKNOWN:
            return UNKNOWN
        if count >= wanted:
            return True
        if self.incomplete:
            return UNKNOWN
        return False

    def __or__(self, other: ZoneSet) -> ZoneSet:
        return ZoneSet(self.zones | other.zones, self.all_zones or other.all_zones,
                       self.incomplete or other.incomplete, self.placements + other.placements)

    def __str__(self) -> str:
        if self.all_zones:
            return "every zone of the Region"
        names = sorted(str(zone) for zone in self.zones)
        return ", ".join(names) if names else "no known zone"


_AZ_NAME = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d[a-z]$")
_AZ_ID = re.compile(r"^[a-z]{3,4}\d-az\d+$")
_LOCAL_ZONE = re.compile(r"^[a-z]{2}-[a-z]+-\d-[a-z]{3}-\d[a-z]$")
SUBNET_ZONE_PROPERTIES = {
    "AWS::EC2::Subnet": ("AvailabilityZone", "AvailabilityZoneId"),
    "aws_subnet": ("availability_zone", "availability_zone_id"),
    "aws_default_subnet": ("availability_zone",),
}


def zone_of(value: object) -> Zone | None:
    """A Zone from a literal or symbolic value, or None if it is not one."""
    if isinstance(value, Zone):
        return value
    if isinstance(value, str) and (_AZ_NAME.match(value) or _AZ_ID.match(value)
                                   or _LOCAL_ZONE.match(value)):
        return Zone(name=value)
    return None


class View:
    """What one rule run sees of the model."""

    def __init__(self, model: Model, spec: RuleSpec | None = None,
                 excluded: frozenset = frozenset(),
                 options: Mapping[str, object] | None = None) -> None:
        self._model = model
        self._spec = spec
        self._excluded = excluded
        self._options = options or {}
        self._wrapped: dict[NodeId, Resource] = {}
        self._memo: dict[object, object] = {}
        self.current: Resource | None = None   # the resource the rule is looking at

    def memo(self, key: object, compute: Callable[[], object]) -> object:
        """``compute()`` once for this view (one rule's run): for a walk over the whole run
        that a rule would otherwise repeat for every resource it checks."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def option(self, name: str) -> object:
        """A rule parameter: the configured value, else the rule's declared default."""
        if name in self._options:
            return self._options[name]
        if self._spec is not None and name in self._spec.options:
            return self._spec.options[name]
        raise KeyError(f"rule parameter {name!r} is not declared in @rule(options=...)")

    def _wrap(self, node: Node) -> Resource:
        resource = self._wrapped.get(node.id)
        if resource is None:
            resource = self._wrapped[node.id] = Resource(node, self)
        return resource

    def _attributes(self, node: Node) -> dict:
        attributes = node.declaration.attributes
        value = node.scope.resolve(attributes) if attributes else {}
        return value if isinstance(value, dict) else {}

    # -- finding resources --------------------------------------------------------------
    def resources(self, *types: str) -> Iterator[Resource]:
        """Managed resources of ``types`` (default: the rule's ``resource_types``)."""
        yield from self._iterate(types, "managed")

    def data_sources(self, *types: str) -> Iterator[Resource]:
        """Terraform data sources of ``types``."""
        yield from self._iterate(types, "data")

    def _iterate(self, types: tuple, mode: str) -> Iterator[Resource]:
        if not types and self._spec is not None:
            types = self._spec.resource_types
        for resource_type in dict.fromkeys(types):
            for node in self._model.by_type.get(resource_type, ()):
                if node.mode == mode and node.id not in self._excluded:
                    resource = self._wrap(node)
                    self.current = resource
                    yield resource

    def all_resources(self) -> Iterator[Resource]:
        for node in self._model.nodes.values():
            if node.mode == "managed" and node.id not in self._excluded:
                yield self._wrap(node)

    def resource(self, reference: object) -> Resource | None:
        """The resource a ``ResourceRef`` / ``Splat`` / node id points at, if in the run."""
        if isinstance(reference, Splat):
            reference = reference.ref
        node_id = reference.node if isinstance(reference, ResourceRef) else reference
        node = self._model.nodes.get(node_id) if isinstance(node_id, tuple) else None
        return self._wrap(node) if node is not None else None

    # -- edges ----------------------------------------------------------------------
    def referenced(self, resource: Resource, path: str | Iterable | None = None,
                   types: Iterable[str] = (), kinds: Iterable[str] = ()) -> list[Resource]:
        """Resources that ``resource`` references under ``path`` (any path if None)."""
        return self._neighbours(self._model.out_edges(resource.id), path, types, kinds)

    def referrers(self, resource: Resource, types: Iterable[str] = (),
                  path: str | Iterable | None = None,
                  kinds: Iterable[str] = ()) -> list[Resource]:
        """Resources that reference ``resource`` (from under ``path`` in the referrer)."""
        return self._neighbours(self._model.in_edges(resource.id), path, types, kinds)

    def _neighbours(self, edges: Iterable[tuple[NodeId, dict]], path: str | Iterable | None,
                    types: Iterable[str], kinds: Iterable[str]) -> list[Resource]:
        """The other ends of ``edges`` whose kind, reference path and type match, each once."""
        prefix = to_path(path)
        wanted, wanted_kinds = set(types), set(kinds)
        found: dict[NodeId, Resource] = {}
        for other, data in edges:
            if wanted_kinds and data["kind"] not in wanted_kinds:
                continue
            if prefix and not path_under(data["path"], prefix):
                continue
            node = self._model.nodes[other]
            if (wanted and node.type not in wanted) or node.id in self._excluded:
                continue
            found.setdefault(other, self._wrap(node))
        return list(found.values())

    def reference_paths(self, resource: Resource, target: Resource) -> list[Path]:
        """The property paths in ``resource`` where it references ``target``."""
        return [data["path"] for other, data in self._model.out_edges(resource.id)
                if other == target.id]

    # -- placement -----------------------------------------------------------------
    def region(self, resource: Resource) -> object:
        """The Region a resource is deployed to, or UNKNOWN (always so for CloudFormation)."""
        return resource._node.scope.region(resource._node)

    def zones(self, resource: Resource, *paths: str | Iterable) -> ZoneSet:
        """The zones of what ``resource`` places under ``paths``: subnets or zone names."""
        zones: set = set()
        state = {"all": False, "incomplete": False, "placements": 0}
        for path in paths:
            pattern = to_path(path)
            values = resource.values(pattern)
            if not values and resource.get(pattern[:pattern.index("*")] if "*" in pattern
                                           else pattern) is UNKNOWN:
                state["incomplete"] = True
            for _, value in values:
                if value is UNKNOWN and resource.format == "terraform-plan":
                    # plan values of new subnets are unknown; the configuration's edges are not
                    prefix = pattern[:pattern.index("*")] if "*" in pattern else pattern
                    subnets = self.referenced(resource, prefix)
                    for subnet in subnets:
                        self._subnet_zones(subnet, zones, state)
                    if not subnets:
                        state["incomplete"] = True
                    continue
                for item in flatten(value):
                    self._placement(item, zones, state)
        return ZoneSet(frozenset(zones), state["all"], state["incomplete"], state["placements"])

    def subnet_zones(self, subnets: Iterable[Resource]) -> ZoneSet:
        zones: set = set()
        state = {"all": False, "incomplete": False, "placements": 0}
        for subnet in subnets:
            self._subnet_zones(subnet, zones, state)
        return ZoneSet(frozenset(zones), state["all"], state["incomplete"], state["placements"])

    def _placement(self, item: object, zones: set, state: dict) -> None:
        if isinstance(item, ZoneList):
            state["all"] = True
            state["placements"] += 1
            return
        zone = zone_of(item)
        if zone is not None:
            zones.add(zone)
            state["placements"] += 1
            return
        target = self.resource(item) if isinstance(item, (ResourceRef, Splat)) else None
        if target is not None and target.type in SUBNET_ZONE_PROPERTIES:
            instance = item.index if isinstance(item, ResourceRef) else None
            self._subnet_zones(target, zones, state, every_instance=isinstance(item, Splat),
                               instance=instance)
            return
        if item is not None:
            state["placements"] += 1
            state["incomplete"] = True

    def _subnet_zones(self, subnet: Resource, zones: set, state: dict,
                      every_instance: bool = True, instance: object = None) -> None:
        names = SUBNET_ZONE_PROPERTIES.get(subnet.type)
        if names is None:
            state["placements"] += 1
            state["incomplete"] = True
            return
        node = subnet._node
        count = node.scope.instance_count(node)
        if instance is not None:
            known = isinstance(instance, int) and isinstance(count, int) and instance < count
            instances = [instance] if known else []
        elif count is UNKNOWN or (not every_instance and count != 1):
            instances = []
        else:  # `count = 1` still has a count.index (0) to resolve, for_each an each.key
            attributes = node.declaration.attributes
            counted = "count" in attributes or "for_each" in attributes
            instances = [None] if count == 1 and not counted else list(range(count))
        if not instances:
            # an unknown count, or one instance we cannot identify: zone unknown
            state["placements"] += 1
            state["incomplete"] = True
            return
        for instance in instances:
            properties = node.properties if instance is None else \
                node.scope.resolve_properties(node, instance)
            state["placements"] += 1
            zone = None
            for name in names:
                value = properties.get(name)
                if value is not None:
                    zone = zone_of(value)
                    break
            if zone is None:
                state["incomplete"] = True
            else:
                zones.add(zone)

    # -- the run as a whole --------------------------------------------------------
    def regions(self) -> set[str]:
        """Every Region some resource of the run is known to be deployed to."""
        regions = set()
        for node in self._model.nodes.values():
            region = node.scope.region(node)
            if isinstance(region, str):
                regions.add(region)
        return regions


def path_under(path: Path, prefix: Path) -> bool:
    """Whether an edge's ``path`` lies under ``prefix``, ignoring block-list indexes.

    ``("vpc_config", 0, "subnet_ids", 1)`` is under ``("vpc_config", "subnet_ids")``.
    """
    position = 0
    for part in prefix:
        while position < len(path) and isinstance(path[position], int) and not isinstance(
                part, int):
            position += 1
        if position >= len(path) or path[position] != part:
            return False
        position += 1
    return True


_NAME_ONLY_FUNCTIONS = frozenset({"Ref", "Fn::GetAtt", "Condition", "Fn::ImportValue"})


def literal_strings(resource: Resource) -> Iterator[tuple[Path, str]]:
    """(path, text) of every string written under a resource's properties, as written.

    The walk reads the declaration, not resolved values: it enters intrinsic
    functions (the template of ``Fn::Sub``, the items of ``Fn::Join`` ...) and
    Terraform interpolations stay whole strings. Names that only point at
    something (``Ref``, ``Fn::GetAtt``, ``Condition``, ``Fn::ImportValue``) are
    skipped. Paths are relative to the properties, so ``finding`` can use them.
    """
    def walk(value: object, path: Path) -> Iterator[tuple[Path, str]]:
        if isinstance(value, str):
            yield path, value
        elif isinstance(value, dict):
            for key, item in value.items():
                if key in _NAME_ONLY_FUNCTIONS:
                    continue
                yield from walk(item, (*path, key))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield from walk(item, (*path, index))

    yield from walk(resource._node.declaration.properties, ())

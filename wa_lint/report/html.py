"""One self-contained HTML review report: scorecard, architecture diagram, findings.

The page is rendered from ``reports/review.html.j2`` with its CSS and JS
inlined, so it works offline and makes no network request (a Content Security
Policy with the script's hash forbids any other script and every fetch). All
text from templates is escaped by jinja2's autoescape; the data the script
needs is embedded as JSON that is safe inside ``<script>``. The same input
gives the same bytes: nothing depends on time (unless ``timestamp``) or on
hash order.

The diagram is laid out here, deterministically: resources placed in a VPC
(through their subnets) are grouped by VPC and Availability Zone, the others
by template and service. Large groups become a mosaic of severity squares
instead of labelled boxes, so 300 resources stay legible.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..engine import SEVERITY_RANK, Results
from ..rule import PILLARS, SEVERITIES
from ..values import Zone
from ..wellarchitected import best_practice

SNIPPET_CONTEXT = 3          # lines either side of a finding
SNIPPET_WIDTH = 240          # characters kept of one snippet line
VPC_TYPES = {"AWS::EC2::VPC", "aws_vpc"}
SUBNET_TYPES = {"AWS::EC2::Subnet", "aws_subnet"}
ZONE_KEYS = ("AvailabilityZone", "availability_zone", "AvailabilityZoneId", "availability_zone_id")
PILLAR_TITLES = {
    "operational-excellence": "Operational excellence",
    "security": "Security",
    "reliability": "Reliability",
    "performance-efficiency": "Performance efficiency",
    "cost-optimization": "Cost optimization",
    "sustainability": "Sustainability",
}

# diagram geometry (px)
WIDTH = 960
BOX_W, BOX_H, BOX_GAP = 156, 38, 8          # a labelled resource
DOT, DOT_GAP = 14, 4                         # a resource in a mosaic
LANE_PAD, LANE_TITLE = 8, 18
GROUP_PAD, GROUP_TITLE, GROUP_GAP = 10, 26, 14
MOSAIC_COLS = (WIDTH - 2 * GROUP_PAD - 2 * LANE_PAD) // (DOT + DOT_GAP)
COMPACT_GROUP = 36       # a group with more resources than this becomes a mosaic
COMPACT_TOTAL = 400      # ... and every group does when the run has more than this
TALL = 1800              # a labelled diagram taller than this gets a mosaic overview first
MAX_DRAWN_EDGES = 300    # above this, edges are drawn only for the selected resource


# --------------------------------------------------------------------------- diagram

@dataclass
class _Box:
    node: int
    x: float = 0
    y: float = 0


@dataclass
class _Lane:
    title: str
    members: list[int]
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0
    cols: int = 1


@dataclass
class _Group:
    key: tuple
    title: str
    subtitle: str
    kind: str                      # "vpc" or "template"
    full: str = ""                 # the template's whole path (a tooltip)
    label: str = ""                # title and subtitle, cut to the group's width
    sublabel: str = ""
    lanes: list[_Lane] = field(default_factory=list)
    compact: bool = False
    x: float = 0
    y: float = 0
    w: float = 0
    h: float = 0


def _service(resource_type: str) -> str:
    if "::" in resource_type:
        parts = resource_type.split("::")
        return parts[1] if len(parts) > 2 else parts[0]
    parts = resource_type.split("_")
    return parts[1].upper() if len(parts) > 1 and parts[0] == "aws" else resource_type


def _short_type(resource_type: str) -> str:
    if resource_type.startswith("AWS::"):
        return resource_type[5:]
    return resource_type


def _tail(path: str, parts: int = 2) -> str:
    """The last folders of a path: enough to tell templates apart in a diagram label."""
    pieces = path.split("/")
    return ("…/" if len(pieces) > parts else "") + "/".join(pieces[-parts:])


def _natural(text: str) -> tuple:
    """Sort key that puts Queue2 before Queue10."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part)
                 for part in re.split(r"(\d+)", text) if part)


def _fit(text: str, room: int) -> str:
    """Cut ``text`` to ``room`` characters, keeping its end (a template's file name), at a
    folder boundary where one fits."""
    if len(text) <= room:
        return text
    parts = text.lstrip("…").split("/")
    for start in range(1, len(parts)):
        shorter = "…/" + "/".join(parts[start:])
        if len(shorter) <= room:
            return shorter
    return "…" + text[-max(room - 1, 1):]


def _short_name(node) -> str:
    """A Terraform address without its type (the badge shows the type below it)."""
    prefix = node.type + "."
    return node.address[len(prefix):] if node.address.startswith(prefix) else node.address


def _zone_name(value: object) -> str | None:
    if isinstance(value, Zone):
        if value.index is not None:
            return str(value)          # AZ[0]: as findings name it
        return str(value.name)
    if isinstance(value, str) and value:
        return value
    return None


def _shelf(items: list, widths: list[float], heights: list[float], limit: float,
           gap: float) -> tuple[list[tuple[float, float]], float, float]:
    """Place boxes left to right in rows of at most ``limit``; return positions and extent."""
    positions, x, y, row, extent = [], 0.0, 0.0, 0.0, 0.0
    for width, height in zip(widths, heights, strict=True):
        if x > 0 and x + width > limit:
            x, y, row = 0.0, y + row + gap, 0.0
        positions.append((x, y))
        x += width + gap
        row = max(row, height)
        extent = max(extent, x - gap)
    return positions, extent, (y + row) if items else 0.0


def _layout(nodes: list, model, worst: list[str | None], compact_all: bool) -> dict:
    """Group and place every resource; returns what the template draws."""
    graph = model.graph
    by_id = {node.id: position for position, node in enumerate(nodes)}

    @functools.cache
    def all_targets(node_id) -> tuple:      # asked up to four times per node
        return tuple(sorted({target for target, _ in model.out_edges(node_id) if target in by_id}))

    def targets(node, types=None):
        return [target for target in all_targets(node.id)
                if types is None or model.nodes[target].type in types]

    subnet_vpc: dict = {}
    subnet_zone: dict = {}
    for node in nodes:
        if node.type in SUBNET_TYPES:
            vpcs = targets(node, VPC_TYPES)
            subnet_vpc[node.id] = vpcs[0] if vpcs else None
            zone = None
            try:
                properties = node.properties
            except Exception:  # a value the resolver trips on costs the label, not the report
                properties = {}
            for key in ZONE_KEYS:
                value = properties.get(key) if isinstance(properties, dict) else None
                zone = _zone_name(value)
                if zone:
                    break
            subnet_zone[node.id] = zone or "zone unknown"

    placement: dict[int, tuple[tuple, str]] = {}     # node position -> (group key, lane)
    for position, node in enumerate(nodes):
        if node.type in VPC_TYPES:
            placement[position] = (("vpc", node.id), "VPC")
            continue
        if node.type in SUBNET_TYPES:
            vpc = subnet_vpc[node.id]
            if vpc is not None:
                placement[position] = (("vpc", vpc), subnet_zone[node.id])
                continue
        subnets = targets(node, SUBNET_TYPES)
        if not subnets:  # one hop through a subnet group (RDS, ElastiCache, ...)
            for target in targets(node):
                kind = model.nodes[target].type.lower()
                if "subnetgroup" in kind or "subnet_group" in kind:
                    subnets += targets(model.nodes[target], SUBNET_TYPES)
            subnets = sorted(set(subnets))
        vpcs = sorted({subnet_vpc[s] for s in subnets if subnet_vpc.get(s)} |
                      set(targets(node, VPC_TYPES)))
        if len(vpcs) == 1:
            zones = sorted({subnet_zone[s] for s in subnets if subnet_vpc.get(s) == vpcs[0]})
            lane = zones[0] if len(zones) == 1 else ("across zones" if zones else "VPC")
            placement[position] = (("vpc", vpcs[0]), lane)
        else:
            placement[position] = (("template", node.document.path), _service(node.type))

    groups: dict[tuple, _Group] = {}
    members: dict[tuple, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for position in range(len(nodes)):
        key, lane = placement[position]
        members[key][lane].append(position)
        if key not in groups:
            if key[0] == "vpc":
                vpc = model.nodes[key[1]]
                name = vpc.address if vpc.address.upper() != "VPC" else ""
                groups[key] = _Group(key, f"VPC {name}".strip(), _tail(vpc.document.path), "vpc",
                                     vpc.document.path)
            else:
                groups[key] = _Group(key, _tail(key[1], 2), "", "template", key[1])
    group_rank: dict[tuple, int] = defaultdict(int)
    for position, (key, _) in placement.items():
        if worst[position]:
            group_rank[key] = max(group_rank[key], SEVERITY_RANK[worst[position]] + 1)
    ordered = sorted(groups.values(), key=lambda g: (-group_rank[g.key], g.kind != "vpc",
                                                      str(g.key[1]), g.title))
    for group in ordered:
        lanes = members[group.key]
        size = sum(len(v) for v in lanes.values())
        group.compact = compact_all or size > COMPACT_GROUP
        if group.kind == "vpc":
            special = {"VPC": 0, "across zones": 2, "zone unknown": 3}
            names = sorted(lanes, key=lambda n: (special.get(n, 1), n))
        elif size <= 10 and not group.compact:
            names = ["resources"]
            lanes = {"resources": sorted(p for v in lanes.values() for p in v)}
        else:
            names = sorted(lanes, key=lambda n: (-len(lanes[n]), n))
        for name in names:
            ranked = sorted(lanes[name], key=lambda p: (
                -(SEVERITY_RANK[worst[p]] + 1 if worst[p] else 0) if group.compact else 0,
                nodes[p].type not in SUBNET_TYPES, nodes[p].type, _natural(nodes[p].address)))
            group.lanes.append(_Lane(name, ranked))
        for lane in group.lanes:
            count = len(lane.members)
            if group.compact:
                lane.cols = max(4, min(MOSAIC_COLS, math.ceil(math.sqrt(count * 2.5))))
                cols = min(lane.cols, count)
                rows = math.ceil(count / lane.cols)
                lane.w = max(cols * (DOT + DOT_GAP) - DOT_GAP + 2 * LANE_PAD, 84)
                lane.h = LANE_TITLE + rows * (DOT + DOT_GAP) - DOT_GAP + 2 * LANE_PAD
            else:
                lane.cols = 1 if group.kind == "vpc" and count <= 8 else max(1, min(4, math.ceil(
                    count / 5)))
                cols = min(lane.cols, count)
                rows = math.ceil(count / lane.cols)
                lane.w = cols * (BOX_W + BOX_GAP) - BOX_GAP + 2 * LANE_PAD
                lane.h = LANE_TITLE + rows * (BOX_H + BOX_GAP) - BOX_GAP + 2 * LANE_PAD
        inner = WIDTH - 2 * GROUP_PAD
        spots, extent, height = _shelf(group.lanes, [lane.w for lane in group.lanes],
                                       [lane.h for lane in group.lanes], inner, BOX_GAP)
        for lane, (x, y) in zip(group.lanes, spots, strict=True):
            lane.x, lane.y = GROUP_PAD + x, GROUP_TITLE + y
        content = extent + 2 * GROUP_PAD
        label = 8.2 * len(group.title) + (6.5 * len(group.subtitle) + 10 if group.subtitle else 0)
        group.w = max(content, min(label + 30, max(content, 280)), 200)
        room = int((group.w - 20) / 8.2)
        group.label = _fit(group.title, room)
        left = room - len(group.label) - 2
        group.sublabel = _fit(group.subtitle, int(left * 8.2 / 6.5)) if left > 8 else ""
        group.h = GROUP_TITLE + height + GROUP_PAD
    spots, extent, height = _shelf(ordered, [g.w for g in ordered], [g.h for g in ordered],
                                   WIDTH, GROUP_GAP)
    centres: dict[int, tuple[float, float]] = {}
    halves: dict[int, tuple[float, float]] = {}
    drawn = []
    for group, (x, y) in zip(ordered, spots, strict=True):
        group.x, group.y = x, y
        for lane in group.lanes:
            for slot, position in enumerate(lane.members):
                row, col = divmod(slot, lane.cols)
                if group.compact:
                    bx = group.x + lane.x + LANE_PAD + col * (DOT + DOT_GAP)
                    by = group.y + lane.y + LANE_TITLE + LANE_PAD + row * (DOT + DOT_GAP)
                    centres[position] = (bx + DOT / 2, by + DOT / 2)
                    halves[position] = (DOT / 2, DOT / 2)
                else:
                    bx = group.x + lane.x + LANE_PAD + col * (BOX_W + BOX_GAP)
                    by = group.y + lane.y + LANE_TITLE + LANE_PAD + row * (BOX_H + BOX_GAP)
                    centres[position] = (bx + BOX_W / 2, by + BOX_H / 2)
                    halves[position] = (BOX_W / 2, BOX_H / 2)
                drawn.append((group, position, bx, by))
    edges = sorted({(by_id[s], by_id[t]) for s, t in graph.edges() if s in by_id and t in by_id
                    and s != t})
    neighbours: dict[int, set[int]] = defaultdict(set)
    for source, target in edges:
        neighbours[source].add(target)
        neighbours[target].add(source)
    paths = []
    if len(edges) <= MAX_DRAWN_EDGES:
        paths = [(source, target, _edge_path(centres[source], centres[target], halves[source],
                                             halves[target])) for source, target in edges]
    return {
        "name": "diagram", "groups": ordered, "drawn": drawn, "centres": centres, "edges": edges,
        "paths": paths,
        "neighbours": neighbours, "width": WIDTH, "height": max(height, 40),
        "draw_edges": len(edges) <= MAX_DRAWN_EDGES, "placement": placement,
    }


def _edge_path(a: tuple[float, float], b: tuple[float, float], half_a: tuple[float, float],
               half_b: tuple[float, float]) -> str:
    """A curve from the border of one box to the border of another (never through a box's
    neighbours in the same column: those curves bow out to the right)."""
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    if abs(dx) > half_a[0] + half_b[0]:
        side = 1 if dx > 0 else -1
        sx, sy, ex, ey = ax + side * half_a[0], ay, bx - side * half_b[0], by
        bend = (ex - sx) / 2
        points = (sx + bend, sy, ex - bend, ey)
    elif abs(dx) < 1 and abs(dy) > 2 * half_a[1] + BOX_GAP + 1:
        sx, sy, ex, ey = ax + half_a[0], ay, bx + half_b[0], by
        bow = min(60.0, 14 + abs(dy) / 8)
        points = (sx + bow, sy, ex + bow, ey)
    else:
        side = 1 if dy >= 0 else -1
        sx, sy, ex, ey = ax, ay + side * half_a[1], bx, by - side * half_b[1]
        bend = (ey - sy) / 2
        points = (sx, sy + bend, ex, ey - bend)
    return (f"M{sx:.1f},{sy:.1f} C{points[0]:.1f},{points[1]:.1f} {points[2]:.1f},"
            f"{points[3]:.1f} {ex:.1f},{ey:.1f}")


# --------------------------------------------------------------------------- text helpers

_FENCE = re.compile(r"```([\w.+-]*)\n(.*?)```", re.S)


def doc_blocks(text: str) -> list[list[str]]:
    """A docstring section as blocks: ``["p", text]`` and ``["code", lang, text]`` (no HTML)."""
    blocks: list[list[str]] = []
    position = 0
    for match in _FENCE.finditer(text):
        blocks += _paragraphs(text[position:match.start()])
        blocks.append(["code", match.group(1), match.group(2).rstrip("\n")])
        position = match.end()
    return blocks + _paragraphs(text[position:])


def _paragraphs(text: str) -> list[list[str]]:
    return [["p", " ".join(part.split())] for part in re.split(r"\n\s*\n", text) if part.strip()]


def script_json(data: object) -> Markup:
    """JSON that is safe inside ``<script>``: no ``<``, ``>``, ``&``, U+2028 or U+2029."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                          ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return Markup(text)


class _Snippets:
    """Template lines around a finding, read once per file; shared between findings."""

    def __init__(self) -> None:
        self.files: dict[str, list[str] | None] = {}
        self.table: list[list] = []
        self.index: dict[tuple[str, int], int] = {}

    def lines(self, file: str) -> list[str] | None:
        if file not in self.files:
            try:
                self.files[file] = Path(file).read_text(encoding="utf-8",
                                                        errors="replace").splitlines()
            except OSError:
                self.files[file] = None
        return self.files[file]

    def around(self, file: str, line: int) -> int:
        key = (file, line)
        if key not in self.index:
            lines = self.lines(file)
            if not lines or line < 1:
                self.index[key] = -1
            else:
                start = max(1, line - SNIPPET_CONTEXT)
                end = min(len(lines), line + SNIPPET_CONTEXT)
                self.index[key] = len(self.table)
                self.table.append([start, [text[:SNIPPET_WIDTH].expandtabs(2)
                                           for text in lines[start - 1:end]]])
        return self.index[key]

    def text(self, file: str, line: int) -> tuple[int, list[str]] | None:
        position = self.around(file, line)
        return None if position < 0 else tuple(self.table[position])  # type: ignore[return-value]


# --------------------------------------------------------------------------- the page

def _asset(name: str) -> str:
    return resources.files("wa_lint.reports").joinpath(name).read_text("utf-8")


@functools.cache
def _environment():
    import jinja2

    return jinja2.Environment(loader=jinja2.FunctionLoader(_asset), autoescape=True,
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True,
                              trim_blocks=True, lstrip_blocks=True)


def _worst(severities) -> str | None:
    return max(severities, key=SEVERITY_RANK.__getitem__, default=None)


def context(results: Results, timestamp: bool = False) -> dict:
    """Everything the template shows, computed from ``Results`` alone."""
    model = results.model
    nodes = sorted((node for node in model.nodes.values() if node.mode == "managed"),
                   key=lambda node: (node.document.path, node.address))
    index = {(node.document.path, node.address): position for position, node in enumerate(nodes)}
    active = results.active
    node_severities: dict[int, list[str]] = defaultdict(list)
    for result in active:
        position = index.get((result.file, result.resource))
        if position is not None:
            node_severities[position].append(result.severity)
    worst = [_worst(node_severities.get(p, [])) for p in range(len(nodes))]
    detailed = _layout(nodes, model, worst, compact_all=len(nodes) > COMPACT_TOTAL)
    layouts = [detailed]
    if detailed["height"] > TALL and any(not group.compact for group in detailed["groups"]):
        overview = _layout(nodes, model, worst, compact_all=True)
        overview["name"], detailed["name"] = "overview", "names"
        layouts = [overview, detailed]
    layout = detailed

    rules = results.reported_rules
    rule_data = {}
    for spec in rules:
        practices = []
        for identifier in spec.best_practices:
            practice = best_practice(identifier) or {}
            practices.append([identifier, practice.get("title", ""), practice.get("url", "")])
        rule_data[spec.id] = {"name": spec.name, "pillar": spec.pillar, "title": spec.title,
                              "severity": spec.severity, "bps": practices,
                              "fix": doc_blocks(spec.sections.get("How to fix", ""))}

    files = sorted({result.file for result in results.results} |
                   {document.path for document in results.documents})
    file_index = {file: position for position, file in enumerate(files)}
    snippets = _Snippets()
    findings = []
    def pillar_rank(result) -> int:
        return PILLARS.index(result.rule.pillar) if result.rule.pillar in PILLARS else 99

    resource_rank: dict[tuple, int] = defaultdict(int)   # the worst finding of a resource
    for result in active:
        key = (result.rule.pillar, result.file, result.resource)
        resource_rank[key] = max(resource_rank[key], SEVERITY_RANK[result.severity])
    for result in sorted(active, key=lambda r: (
            pillar_rank(r), -resource_rank[(r.rule.pillar, r.file, r.resource)], r.file,
            r.resource, -SEVERITY_RANK[r.severity], r.line, r.column, r.rule.id, r.message)):
        findings.append({
            "r": result.rule.id, "s": result.severity, "m": result.message,
            "f": file_index[result.file], "l": result.line, "c": result.column,
            "n": index.get((result.file, result.resource), -1), "res": result.resource,
            "t": result.resource_type, "p": result.property_path,
            "x": snippets.around(result.file, result.line),
        })

    suppressed = []
    for result in sorted(results.suppressed, key=lambda r: r.sort_key):
        suppressed.append({"result": result, "snippet": snippets.text(result.file, result.line)})

    # pillar scorecard
    pillar_rules: dict[str, list] = defaultdict(list)
    for spec in results.rules:
        pillar_rules[spec.pillar].append(spec)
    counts = results.count_by_pillar()
    failing: dict[str, set] = defaultdict(set)
    for result in active:
        failing[result.rule.pillar].add(result.rule.id)
    scorecard = []
    for pillar in PILLARS:
        checked = sorted(pillar_rules.get(pillar, []), key=lambda spec: spec.id)
        passed = [spec for spec in checked if spec.id not in failing[pillar]]
        row = counts[pillar]
        if not checked and not any(row.values()):
            state, label = "none", "not checked"
        elif row["error"]:
            state, label = "error", "errors"
        elif row["warning"]:
            state, label = "warning", "warnings"
        elif row["note"]:
            state, label = "note", "notes only"
        else:
            state, label = "pass", "all rules pass"
        scorecard.append({"pillar": pillar, "title": PILLAR_TITLES.get(pillar, pillar),
                          "state": state, "label": label,
                          "counts": {severity: row[severity] for severity in SEVERITIES},
                          "total": sum(row.values()), "rules": checked, "passed": passed,
                          "failed": sorted(failing[pillar])})

    node_data = []
    placement = layout["placement"]
    for position, node in enumerate(nodes):
        span = node.document.locations.find(node.declaration.pointer)
        group_key, lane = placement[position]
        where = (f"VPC {model.nodes[group_key[1]].address}" if group_key[0] == "vpc"
                 else "outside a VPC")
        node_data.append([node.address, node.type, file_index.get(node.document.path, -1),
                          span.line if span else 0, worst[position] or "",
                          sorted(layout["neighbours"].get(position, ())),
                          f"{where} · {lane}"])

    formats = Counter(document.format for document in results.documents)
    centres = [[[round(c, 1) for c in each["centres"][p]] for p in range(len(nodes))]
               for each in layouts]
    data = {"rules": rule_data, "files": files, "nodes": node_data, "findings": findings,
            "centres": centres,
            "snippets": snippets.table, "pillars": list(PILLARS),
            "pillarTitles": PILLAR_TITLES}
    js = _asset("assets/review.js")
    if "</script" in js.lower():
        raise ValueError("review.js must not contain </script")
    digest = base64.b64encode(hashlib.sha256(js.encode("utf-8")).digest()).decode("ascii")
    return {
        "version": __version__,
        "generated": (datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
                      if timestamp else None),
        "documents": len(results.documents),
        "formats": sorted(formats.items()),
        "resources": results.resource_count,
        "rule_count": len(results.rules),
        "totals": results.count_by_severity(),
        "active": len(active),
        "suppressed": suppressed,
        "errors": [str(error) for error in results.errors],
        "warnings": list(results.warnings),
        "skipped": len(results.skipped),
        "fixed": len(results.fixed),
        "scorecard": scorecard,
        "pillars": PILLARS,
        "pillar_titles": PILLAR_TITLES,
        "severities": SEVERITIES,
        "files": sorted({result.file for result in active}),
        "layout": layout,
        "layouts": layouts,
        "nodes": nodes,
        "worst": worst,
        "finding_counts": {p: len(v) for p, v in node_severities.items()},
        "short_type": _short_type,
        "short_name": _short_name,
        "box": (BOX_W, BOX_H, DOT),
        "data": script_json(data),
        "css": Markup(_asset("assets/review.css")),
        "js": Markup(js),
        "script_hash": f"sha256-{digest}",
    }


def render_html(results: Results, timestamp: bool = False) -> str:
    """The review report as one HTML document (a str; write it with ``write_atomically``)."""
    template = _environment().get_template("review.html.j2")
    return template.render(**context(results, timestamp))

"""The rule catalogue: ``wa-lint rules`` as text, JSON or markdown.

Everything comes from each rule's ``RuleSpec``; the markdown catalogue is the
rules' docstrings, so documentation is never written twice.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from ..rule import PILLARS, RuleSpec


def rule_dict(spec: RuleSpec) -> dict:
    return {
        "id": spec.id,
        "name": spec.name,
        "pillar": spec.pillar,
        "severity": spec.severity,
        "title": spec.title,
        "description": spec.description,
        "best_practices": list(spec.best_practices),
        "resource_types": list(spec.resource_types),
        "status": spec.status,
        "source": f"{spec.module}:{spec.source_line}",
    }


def render_rules(specs: Sequence[RuleSpec], fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"rules": [rule_dict(spec) for spec in specs]}, indent=2) + "\n"
    if fmt == "markdown":
        return _markdown(specs)
    width = max((len(spec.name) for spec in specs), default=10)
    lines = [f"{spec.id:<9} {spec.name:<{width}}  {spec.severity:<7}  {spec.title}"
             for spec in specs]
    counts = {pillar: sum(1 for spec in specs if spec.pillar == pillar) for pillar in PILLARS}
    lines.append("")
    lines.append(f"{len(specs)} rules: " + ", ".join(f"{p} {n}" for p, n in counts.items()))
    return "\n".join(lines) + "\n"


def _markdown(specs: Sequence[RuleSpec]) -> str:
    parts = ["# wa-lint rules\n"]
    for pillar in PILLARS:
        chosen = [spec for spec in specs if spec.pillar == pillar]
        if not chosen:
            continue
        parts.append(f"\n## {pillar}\n")
        parts.append("| id | name | severity | title |\n|---|---|---|---|")
        parts.extend(f"| {s.id} | [{s.name}](#{s.id.lower()}-{s.name}) | {s.severity} | "
                     f"{s.title} |" for s in chosen)
    for spec in specs:
        parts.append("\n" + spec.explain().replace("# ", "### ", 1))
    return "\n".join(parts) + "\n"

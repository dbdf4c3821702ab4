"""Markdown for a pull-request comment or a CI job summary.

Totals per pillar, the top findings, and every finding in collapsed
sections. Text that comes from templates is escaped so it cannot inject
markup or links.
"""

from __future__ import annotations

import re
from collections import defaultdict

from .. import __version__
from ..engine import SEVERITY_RANK, Results

TOP = 10
ICONS = {"error": "🔴 error", "warning": "🟠 warning", "note": "🔵 note"}
_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def escape(text: str) -> str:
    """Markdown-escape text from a template (also neutralises HTML tags and table pipes)."""
    return _SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def render_markdown(results: Results) -> str:
    active = results.active
    counts = results.count_by_severity()
    lines = [f"## wa-lint: {len(active)} finding{'s' if len(active) != 1 else ''}", ""]
    lines.append(f"Checked {len(results.documents)} templates, {results.resource_count} "
                 f"resources, {len(results.rules)} rules (wa-lint {__version__}). "
                 + ", ".join(f"{ICONS[s]}: {counts[s]}" for s in ("error", "warning", "note"))
                 + (f"; {len(results.suppressed)} suppressed" if results.suppressed else "")
                 + (f"; {len(results.fixed)} baseline findings fixed" if results.fixed else "")
                 + ".")
    if results.errors:
        lines += ["", f"**{len(results.errors)} file or rule error(s)** — "
                  "some templates were not checked:", ""]
        lines += [f"- `{escape(str(error))}`" for error in results.errors[:TOP]]
    lines += ["", "| pillar | errors | warnings | notes |", "|---|---:|---:|---:|"]
    for pillar, row in results.count_by_pillar().items():
        lines.append(f"| {pillar} | {row['error']} | {row['warning']} | {row['note']} |")
    if active:
        ranked = sorted(active, key=lambda r: (-SEVERITY_RANK[r.severity], r.file, r.line))
        lines += ["", "### Top findings", ""]
        for result in ranked[:TOP]:
            lines.append(f"- {ICONS[result.severity]} **{result.rule.id} {result.rule.name}** "
                         f"`{escape(result.file)}:{result.line}` — {escape(result.message)} "
                         f"({', '.join(result.rule.best_practices)})")
        by_file: dict[str, list] = defaultdict(list)
        for result in active:
            by_file[result.file].append(result)
        lines += ["", "<details><summary>All findings, by file</summary>", ""]
        for file in sorted(by_file):
            lines += [f"**{escape(file)}**", ""]
            lines += [f"- line {r.line}: {r.rule.id} {r.rule.name} ({r.severity}) — "
                      f"{escape(r.message)}" for r in by_file[file]]
            lines.append("")
        lines.append("</details>")
    if results.suppressed:
        lines += ["", "<details><summary>Suppressed findings</summary>", ""]
        lines += [f"- `{escape(r.file)}:{r.line}` {r.rule.id} {escape(r.resource)} — "
                  f"{escape(r.suppression.reason)}" for r in results.suppressed]
        lines += ["", "</details>"]
    return "\n".join(lines) + "\n"

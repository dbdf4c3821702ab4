"""Plain-text report: one ``path:line:col: ID name [pillar] message`` line per finding.

Lines are grouped by file (a blank line between files), so an editor or a
terminal can jump to each, then one summary line.
"""

from __future__ import annotations

from ..engine import Results

_COLORS = {"error": "\033[31m", "warning": "\033[33m", "note": "\033[36m"}
_BOLD, _DIM, _RESET = "\033[1m", "\033[2m", "\033[0m"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(results: Results) -> str:
    counts = results.count_by_severity()
    active = results.active
    files = len({result.file for result in active})
    scanned = (f"{_plural(len(results.documents), 'template')}, "
               f"{_plural(results.resource_count, 'resource')}, "
               f"{_plural(len(results.rules), 'rule')}")
    if not active:
        head = "No findings"
    else:
        detail = ", ".join(_plural(counts[s], s) for s in ("error", "warning", "note") if counts[s])
        head = f"Found {_plural(len(active), 'finding')} in {_plural(files, 'file')} ({detail})"
    tail = ""
    if results.suppressed:
        tail += f"; {len(results.suppressed)} suppressed"
    if results.fixed:
        tail += (f"; {_plural(len(results.fixed), 'baseline finding')} fixed "
                 "(run `wa-lint baseline` to shrink the baseline)")
    if results.errors:
        tail += f"; {_plural(len(results.errors), 'file or rule error')}"
    return f"{head} — checked {scanned}{tail}."


def render_text(results: Results, color: bool = False, quiet: bool = False,
                show_suppressed: bool = False) -> str:
    lines: list[str] = []
    current_file = None
    shown = results.results if show_suppressed else results.active
    for result in shown:
        if current_file is not None and result.file != current_file:
            lines.append("")
        current_file = result.file
        location = f"{result.file}:{result.line}:{result.column}:"
        rule = f"{result.rule.id} {result.rule.name}"
        if color:
            location = f"{_BOLD}{location}{_RESET}"
            rule = f"{_COLORS[result.severity]}{result.rule.id}{_RESET} {result.rule.name}"
            pillar = f"{_DIM}[{result.rule.pillar}]{_RESET}"
        else:
            pillar = f"[{result.rule.pillar}]"
        suppressed = ""
        if result.suppression is not None:
            suppressed = f" (suppressed: {result.suppression.reason})"
        lines.append(f"{location} {rule} {pillar} {result.message}{suppressed}")
    if not quiet:
        if lines:
            lines.append("")
        by_pillar = {pillar: sum(row.values())
                     for pillar, row in results.count_by_pillar().items() if any(row.values())}
        if by_pillar:
            lines.append("By pillar: " + ", ".join(
                f"{pillar} {count}" for pillar, count in sorted(by_pillar.items())))
        lines.append(summary_line(results))
    return "\n".join(lines) + ("\n" if lines else "")

"""GitLab Code Quality report (a JSON array of issues), for merge-request widgets."""

from __future__ import annotations

import json

from ..engine import Results

SEVERITY = {"error": "critical", "warning": "major", "note": "info"}


def render_gitlab(results: Results) -> str:
    issues = []
    for result in results.active:
        issues.append({
            "type": "issue",
            "check_name": f"{result.rule.id} {result.rule.name}",
            "description": f"{result.message} [{result.rule.pillar}]",
            "content": {"body": result.rule.explain()},
            "categories": [result.rule.pillar],
            "severity": SEVERITY[result.severity],
            "fingerprint": result.fingerprint,
            "location": {"path": result.file,
                         "lines": {"begin": result.line, "end": result.end_line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"

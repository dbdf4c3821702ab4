"""JSON report: findings, errors and a summary, for scripts and dashboards."""

from __future__ import annotations

import json
from collections import Counter

from .. import __version__
from ..engine import Results


def as_dict(results: Results) -> dict:
    findings = [{
        "rule_id": result.rule.id,
        "rule_name": result.rule.name,
        "pillar": result.rule.pillar,
        "severity": result.severity,
        "message": result.message,
        "file": result.file,
        "line": result.line,
        "column": result.column,
        "end_line": result.end_line,
        "end_column": result.end_column,
        "resource": result.resource,
        "resource_type": result.resource_type,
        "path": result.path,
        "property_path": result.property_path,
        "best_practices": list(result.rule.best_practices),
        "fingerprint": result.fingerprint,
        "suppressed": None if result.suppression is None else {
            "kind": result.suppression.kind, "reason": result.suppression.reason,
            "where": result.suppression.where},
    } for result in results.results]
    errors = [{
        "kind": error.kind,
        "file": error.file,
        "line": error.line,
        "column": error.column,
        "message": error.message,
        **({"rule_id": error.rule_id, "resource": error.resource} if error.kind == "rule" else {}),
    } for error in results.errors]
    formats = Counter(document.format for document in results.documents)
    by_pillar = {pillar: sum(row.values()) for pillar, row in results.count_by_pillar().items()}
    return {
        "tool": {"name": "wa-lint", "version": __version__},
        "findings": findings,
        "errors": errors,
        "warnings": list(results.warnings),
        "fixed": list(results.fixed),
        "summary": {
            "files": len(results.documents),
            "files_by_format": dict(sorted(formats.items())),
            "files_skipped": len(results.skipped),
            "resources": results.resource_count,
            "rules": len(results.rules),
            "findings": len(results.active),
            "suppressed": len(results.suppressed),
            "fixed": len(results.fixed),
            "by_severity": results.count_by_severity(),
            "by_pillar": by_pillar,
            "errors": len(errors),
        },
    }


def render_json(results: Results) -> str:
    return json.dumps(as_dict(results), indent=2, ensure_ascii=False) + "\n"

"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

One run per invocation (GitHub rejects two runs of one tool and category),
repository-relative percent-encoded URIs under ``%SRCROOT%``, exact regions,
and fingerprints that depend on rule, file, resource and property path, never
on line numbers, so unrelated edits do not reopen alerts.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from .. import __version__
from ..engine import Results
from ..rule import RuleSpec
from ..wellarchitected import best_practice

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SECURITY_SEVERITY = {"error": "8.0", "warning": "5.5", "note": "3.0"}
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation"}


def _artifact(file: str) -> dict:
    if file.startswith("/") or (len(file) > 1 and file[1] == ":"):
        return {"uri": Path(file).as_uri()}
    return {"uri": quote(file), "uriBaseId": "%SRCROOT%"}


def _rule_descriptor(spec: RuleSpec) -> dict:
    tags = list(dict.fromkeys([spec.pillar, *spec.best_practices]))
    properties: dict = {
        "tags": tags[:10],
        "precision": "high" if spec.status == "stable" else "medium",
        "problem.severity": PROBLEM_SEVERITY[spec.severity],
        "pillar": spec.pillar,
        "bestPractices": list(spec.best_practices),
    }
    if spec.pillar == "security":
        properties["security-severity"] = SECURITY_SEVERITY[spec.severity]
    help_text = spec.explain()
    descriptor = {
        "id": spec.id,
        "name": spec.name,
        "shortDescription": {"text": spec.title[:1024]},
        "fullDescription": {"text": spec.description[:1024]},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": spec.severity},
        "properties": properties,
    }
    practice = best_practice(spec.best_practices[0])
    if practice and practice.get("url"):
        descriptor["helpUri"] = practice["url"]
    return descriptor


def as_dict(results: Results, category: str | None = None) -> dict:
    rules = results.reported_rules
    index = {spec.id: position for position, spec in enumerate(rules)}
    sarif_results = []
    for result in results.results:
        entry: dict = {}
        if result.suppression is not None:
            entry["suppressions"] = [{"kind": result.suppression.kind,
                                      "justification": result.suppression.reason}]
        sarif_results.append({
            "ruleId": result.rule.id,
            "ruleIndex": index[result.rule.id],
            "level": result.severity,
            "message": {"text": result.message},
            "locations": [{
                "physicalLocation": {
                    "artifactLocation": _artifact(result.file),
                    "region": {"startLine": result.line, "startColumn": result.column,
                               "endLine": result.end_line, "endColumn": result.end_column},
                },
                "logicalLocations": [{"name": result.resource,
                                      "fullyQualifiedName": f"{result.resource}"
                                                            f"{result.property_path}",
                                      "kind": "resource"}],
            }],
            "partialFingerprints": {"waLint/v1": result.fingerprint,
                                    "primaryLocationLineHash": result.fingerprint},
            "properties": {"pillar": result.rule.pillar,
                           "bestPractices": list(result.rule.best_practices),
                           "resourceType": result.resource_type,
                           "propertyPath": result.property_path},
            **entry,
        })
    notifications = []
    for error in results.errors:
        notification: dict = {"level": "error", "message": {"text": str(error)}}
        if error.file:
            location: dict = {"artifactLocation": _artifact(error.file)}
            if error.line:
                location["region"] = {"startLine": error.line,
                                      "startColumn": error.column or 1}
            notification["locations"] = [{"physicalLocation": location}]
        notifications.append(notification)
    run: dict = {
        "tool": {"driver": {"name": "wa-lint", "semanticVersion": __version__,
                            "version": __version__, "rules": [_rule_descriptor(spec)
                                                              for spec in rules]}},
        "automationDetails": {"id": f"{category.strip('/')}/" if category else "wa-lint/"},
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri().rstrip("/") + "/"}},
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": not results.errors,
                         "toolExecutionNotifications": notifications}],
        "results": sarif_results,
    }
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(results: Results, category: str | None = None) -> str:
    return json.dumps(as_dict(results, category), indent=2, ensure_ascii=False) + "\n"

"""Check stage: run rules over the model -> Results.

This is the one place where a finding's property path becomes a file, line and
column. A rule that raises is isolated: the error is recorded with the rule id
and the resource it was looking at, and the rule is run again without that
resource, so one odd resource costs neither the rule nor the run.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from .graph import Model, build_graph
from .load import Document, LoadError, discover, display_path, expand_modules, load_file
from .query import View
from .rule import PILLARS, SEVERITIES, Finding, RuleSpec
from .suppress import Baseline, Declared, baseline_key, declared

MAX_CRASHES_PER_RULE = 5
SEVERITY_RANK = {severity: rank for rank, severity in enumerate(reversed(SEVERITIES))}


@dataclass(frozen=True)
class Suppression:
    """Why a finding is accepted: written in the template (``inSource``) or a baseline."""

    kind: str                 # "inSource" (template metadata / comment) or "external" (baseline)
    reason: str
    where: str = ""           # file:line of the suppression, when written in a template


@dataclass(frozen=True)
class Result:
    """A finding placed in a file: what every reporter renders."""

    rule: RuleSpec
    severity: str
    message: str
    file: str
    line: int
    column: int
    end_line: int
    end_column: int
    resource: str
    resource_type: str
    path: str                 # JSON pointer of the property, within the file
    property_path: str        # JSON pointer of the property, within the resource
    fingerprint: str
    suppression: Suppression | None = None   # a suppressed finding is shown apart, never counted

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule.id, self.resource, self.message)


@dataclass(frozen=True)
class RunError:
    """Something that stopped part of the run: a file that could not be read, a rule crash."""

    kind: str                 # "load" or "rule"
    message: str
    file: str = ""
    line: int = 0
    column: int = 0
    rule_id: str = ""
    resource: str = ""

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f":{self.line}:{self.column or 1}"
        prefix = f"{where}: " if where else ""
        if self.kind == "rule":
            return f"{prefix}rule {self.rule_id} crashed on {self.resource or 'the model'}: " \
                   f"{self.message}"
        return f"{prefix}{self.message}"


@dataclass
class Results:
    results: list[Result]                 # suppressed ones included, marked
    errors: list[RunError]
    warnings: list[str]
    documents: list[Document]
    skipped: list[str]
    rules: list[RuleSpec]
    model: Model
    timings: dict[str, float] = field(default_factory=dict)
    fixed: list[dict] = field(default_factory=list)   # baseline entries no longer found

    @property
    def active(self) -> list[Result]:
        """The findings that count: not suppressed."""
        return [result for result in self.results if result.suppression is None]

    @property
    def suppressed(self) -> list[Result]:
        return [result for result in self.results if result.suppression is not None]

    @property
    def reported_rules(self) -> list[RuleSpec]:
        """The rules a report describes: every rule run and every rule with a finding, by id."""
        return sorted({*self.rules, *(result.rule for result in self.results)},
                      key=lambda spec: spec.id)

    @property
    def resource_count(self) -> int:
        return sum(1 for node in self.model.nodes.values() if node.mode == "managed")

    def count_by_pillar(self) -> dict[str, dict[str, int]]:
        """Active findings per pillar and severity, every pillar and severity present."""
        counts = {pillar: dict.fromkeys(SEVERITIES, 0) for pillar in PILLARS}
        for result in self.active:
            counts[result.rule.pillar][result.severity] += 1
        return counts

    def count_by_severity(self) -> dict[str, int]:
        counts = Counter(result.severity for result in self.active)
        return {severity: counts.get(severity, 0) for severity in SEVERITIES}

    def fails(self, threshold: str) -> bool:
        """Whether any unsuppressed finding is at or above ``threshold`` (``none`` never fails)."""
        if threshold == "none":
            return False
        limit = SEVERITY_RANK[threshold]
        return any(SEVERITY_RANK[result.severity] >= limit for result in self.active)


@dataclass(frozen=True)
class Settings:
    """What configuration changes about a run (the CLI builds it from flags and config files)."""

    severity: Mapping[str, str] = field(default_factory=dict)        # rule id -> severity
    options: Mapping[str, Mapping[str, object]] = field(default_factory=dict)  # rule id -> params
    exclude: Callable[[str], bool] | None = None        # display path -> leave it out
    per_path: Callable[[str], tuple[frozenset, Mapping[str, str]]] | None = None
    baseline: Baseline | None = None
    report_only: frozenset[str] | None = None           # resolved paths to report on
    all_rules: Sequence[RuleSpec] = ()                  # to tell typos from unselected rules
    progress: Callable[[str, int, int], None] | None = None


def json_pointer(path: Iterable) -> str:
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in path)


def load_documents(paths: Sequence[str | Path], errors: list[RunError],
                   settings: Settings | None = None
                   ) -> tuple[list[Document], list[str], list[str]]:
    """Discover and load; bad files become errors, non-templates are skipped quietly."""
    settings = settings or Settings()
    load_errors: list[LoadError] = []
    documents, skipped, warnings = [], [], []
    candidates = list(discover(paths, load_errors))
    if settings.exclude is not None:
        candidates = [c for c in candidates if not settings.exclude(c.display)]
    for done, candidate in enumerate(candidates, 1):
        if settings.progress is not None:
            settings.progress("reading", done, len(candidates))
        try:
            document = load_file(candidate.path, candidate.display)
        except LoadError as exc:
            load_errors.append(exc)
            continue
        if document is None:
            skipped.append(candidate.display)
        else:
            documents.append(document)
            warnings.extend(document.notes)
    # local Terraform child modules join the run under module.<name> addresses
    documents, module_errors, module_notes = expand_modules(
        documents, load_file, display_path, settings.exclude, {exc.path for exc in load_errors})
    load_errors.extend(module_errors)
    warnings.extend(module_notes)
    errors.extend(RunError("load", exc.message, exc.path, exc.line, exc.column)
                  for exc in load_errors)
    return documents, skipped, warnings


def run_rule(spec: RuleSpec, model: Model, errors: list[RunError],
             options: Mapping[str, object] | None = None) -> list[Finding]:
    """All findings of one rule; crashes are recorded and the crashed resource skipped."""
    excluded: set = set()
    findings: dict[tuple, Finding] = {}
    for _ in range(MAX_CRASHES_PER_RULE + 1):
        view = View(model, spec, frozenset(excluded), options)
        try:
            for finding in spec.function(view):
                if not isinstance(finding, Finding):
                    raise TypeError(f"yielded {type(finding).__name__}, not a Finding")
                findings.setdefault((finding.node, finding.path, finding.message), finding)
            break
        except Exception as exc:  # a rule bug must not cost the run
            resource = view.current
            errors.append(RunError(
                "rule", f"{type(exc).__name__}: {exc}",
                file=resource.file if resource else "", rule_id=spec.id,
                resource=resource.address if resource else ""))
            if resource is None or resource.id in excluded:
                break
            excluded.add(resource.id)
    return list(findings.values())


def place(spec: RuleSpec, finding: Finding, model: Model, severity: str) -> Result:
    node = model.nodes[finding.node]
    declaration = node.declaration
    path = finding.path
    if not path:
        full = declaration.pointer
    elif isinstance(path[0], str) and path[0].startswith("@"):
        full = (*declaration.pointer, path[0][1:], *path[1:])
    else:
        full = (*declaration.properties_pointer, *path)
    span, found = node.document.locations.nearest(full)
    if len(found) <= len(declaration.properties_pointer) and found != full:
        # a property that is not written: point at the resource, not at "Properties:"
        span = node.document.locations.find(declaration.pointer) or span
    property_path = json_pointer(path)
    digest = hashlib.sha256(
        "|".join((spec.id, node.document.path, node.address, property_path)).encode()
    ).hexdigest()[:32]
    return Result(
        rule=spec, severity=severity, message=finding.message, file=node.document.path,
        line=span.line, column=span.column, end_line=span.end_line, end_column=span.end_column,
        resource=node.address, resource_type=node.type, path=json_pointer(full),
        property_path=property_path, fingerprint=digest)


def check(model: Model, rules: Sequence[RuleSpec], errors: list[RunError],
          settings: Settings | None = None) -> list[Result]:
    settings = settings or Settings()
    results = []
    for done, spec in enumerate(rules, 1):
        if settings.progress is not None:
            settings.progress("checking", done, len(rules))
        for finding in run_rule(spec, model, errors, settings.options.get(spec.id)):
            severity = settings.severity.get(spec.id) or finding.severity or spec.severity
            results.append(place(spec, finding, model, severity))
    if settings.per_path is not None:
        results = _apply_per_path(results, settings.per_path)
    results.sort(key=lambda result: result.sort_key)
    return _disambiguate(results)


def _apply_per_path(results: list[Result], per_path: Callable) -> list[Result]:
    kept = []
    for result in results:
        ignored, severities = per_path(result.file)
        if result.rule.id in ignored:
            continue
        if result.rule.id in severities:
            result = replace(result, severity=severities[result.rule.id])
        kept.append(result)
    return kept


def _disambiguate(results: list[Result]) -> list[Result]:
    """Give findings that share a fingerprint (same rule, resource and path) distinct ones."""
    counts: Counter = Counter()
    unique = []
    for result in results:
        counts[result.fingerprint] += 1
        if counts[result.fingerprint] > 1:
            suffix = hashlib.sha256(result.message.encode()).hexdigest()[:8]
            result = replace(result, fingerprint=f"{result.fingerprint}:{suffix}")
        unique.append(result)
    return unique


def apply_suppressions(results: list[Result], suppressions: list[Declared],
                       rules: Sequence[RuleSpec], all_rules: Sequence[RuleSpec]
                       ) -> list[Result]:
    """Mark suppressed findings; report reasonless and unused suppressions."""
    used: set[int] = set()
    marked = []
    for result in results:
        for index, entry in enumerate(suppressions):
            if entry.file == result.file and entry.resource in (None, result.resource) and \
                    result.rule.matches(entry.token):
                used.add(index)
                result = replace(result, suppression=Suppression(
                    "inSource", entry.reason or "(no reason given)", entry.where))
                break
        marked.append(result)
    by_name = {spec.name: spec for spec in rules}
    meta = []
    for index, entry in enumerate(suppressions):
        if not entry.reason and "suppression-without-reason" in by_name:
            meta.append(_meta(by_name["suppression-without-reason"], entry,
                              f"Suppression of {entry.token} on {entry.resource or 'the template'} "
                              "gives no reason"))
        if index in used or "unused-suppression" not in by_name:
            continue
        if not any(spec.matches(entry.token) for spec in all_rules or rules):
            meta.append(_meta(by_name["unused-suppression"], entry,
                              f"Suppression names no known rule: {entry.token}"))
        elif any(spec.matches(entry.token) for spec in rules):
            meta.append(_meta(by_name["unused-suppression"], entry,
                              f"Suppression of {entry.token} on {entry.resource or 'the template'} "
                              "matches no finding"))
    return marked + meta


def _meta(spec: RuleSpec, entry: Declared, message: str) -> Result:
    pointer = json_pointer(entry.pointer)
    digest = hashlib.sha256("|".join((spec.id, entry.file, entry.resource or "", pointer,
                                      entry.token)).encode()).hexdigest()[:32]
    span = entry.span
    return Result(rule=spec, severity=spec.severity, message=message, file=entry.file,
                  line=span.line, column=span.column, end_line=span.end_line,
                  end_column=span.end_column, resource=entry.resource or "(template)",
                  resource_type="suppression", path=pointer, property_path=pointer,
                  fingerprint=digest)


def apply_baseline(results: list[Result], baseline: Baseline) -> tuple[list[Result], list[dict]]:
    """Mark findings recorded in the baseline; return the recorded ones no longer found."""
    seen: set[str] = set()
    marked = []
    for result in results:
        key = baseline_key(result.rule.id, result.file, result.resource, result.property_path,
                           baseline.root)
        if result.suppression is None and key in baseline.entries:
            seen.add(key)
            result = replace(result, suppression=Suppression(
                "external", f"recorded in the baseline {baseline.path.name}"))
        marked.append(result)
    fixed = [entry for key, entry in sorted(baseline.entries.items()) if key not in seen]
    return marked, fixed


def lint(paths: Sequence[str | Path], rules: Sequence[RuleSpec],
         settings: Settings | None = None) -> Results:
    """Load, build the graph and check: the whole pipeline short of reporting."""
    settings = settings or Settings()
    errors: list[RunError] = []
    started = time.perf_counter()
    documents, skipped, warnings = load_documents(paths, errors, settings)
    loaded = time.perf_counter()
    model = build_graph(documents)
    warnings.extend(model.warnings)
    built = time.perf_counter()
    results = check(model, rules, errors, settings)
    results = apply_suppressions(results, declared(documents), rules, settings.all_rules)
    fixed: list[dict] = []
    if settings.baseline is not None:
        results, fixed = apply_baseline(results, settings.baseline)
    if settings.report_only is not None:
        results = [r for r in results if str(Path(r.file).resolve()) in settings.report_only]
    results.sort(key=lambda result: result.sort_key)
    checked = time.perf_counter()
    return Results(results=results, errors=errors, warnings=warnings, documents=documents,
                   skipped=skipped, rules=list(rules), model=model,
                   timings={"load": loaded - started, "graph": built - loaded,
                            "check": checked - built}, fixed=fixed)

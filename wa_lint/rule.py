"""What a rule is: the ``@rule`` decorator, its ``RuleSpec``, and ``Finding``.

A rule is a generator function that takes a ``View`` (see ``wa_lint.query``)
and yields findings. The decorator validates the metadata eagerly and attaches
one frozen ``RuleSpec`` as ``fn.__wa_rule__``; it registers nothing globally.
The docstring is the rule's documentation, in fixed sections::

    <Title: the problem, one line, no trailing period>

    ## What it checks
    ## Why it matters
    ## How to fix
    ## Known limits        (optional)
    ## References          (optional)
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .values import UNKNOWN, ResourceRef, Splat, Zone, ZoneList

__all__ = [
    "PILLARS", "PILLAR_PREFIXES", "SEVERITIES", "UNKNOWN", "Finding", "ResourceRef",
    "RuleDefinitionError", "RuleSpec", "Splat", "Zone", "ZoneList", "rule",
]

PILLAR_PREFIXES = {
    "OPS": "operational-excellence",
    "SEC": "security",
    "REL": "reliability",
    "PERF": "performance-efficiency",
    "COST": "cost-optimization",
    "SUS": "sustainability",
}
PILLARS = tuple(PILLAR_PREFIXES.values())
SEVERITIES = ("error", "warning", "note")            # SARIF levels, most severe first
REQUIRED_SECTIONS = ("What it checks", "Why it matters", "How to fix")
OPTIONAL_SECTIONS = ("Known limits", "References")
STATUSES = ("stable", "preview", "deprecated")

RULE_ID = re.compile(r"^(?:[A-Z][A-Z0-9]*-)?(OPS|SEC|REL|PERF|COST|SUS)(\d{3})$")
RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
BEST_PRACTICE = re.compile(r"^(OPS|SEC|REL|PERF|COST|SUS)\d{2}-BP\d{2}$")
_SECTION = re.compile(r"^## (.+?)\s*$", re.M)


class RuleDefinitionError(TypeError):
    """A rule's metadata or docstring is malformed (raised at import time)."""


@dataclass(frozen=True, eq=False)
class RuleSpec:
    """A rule's metadata and documentation; one per rule function, compared by identity."""

    id: str
    name: str
    pillar: str
    severity: str
    title: str
    description: str
    best_practices: tuple[str, ...]
    resource_types: tuple[str, ...]
    doc: str
    sections: Mapping[str, str]
    function: Callable[..., Iterator[Finding]] = field(compare=False, repr=False)
    module: str = ""
    status: str = "stable"
    replaces: tuple[str, ...] = ()
    options: Mapping[str, object] = field(default_factory=dict)   # parameters and defaults

    @property
    def pack(self) -> str:
        """The pack prefix of a third-party rule id (``ACME`` in ``ACME-REL001``), or ''."""
        head, _, _ = self.id.rpartition("-")
        return head

    @property
    def source_line(self) -> int:
        code = getattr(self.function, "__code__", None)
        return code.co_firstlineno if code else 0

    def matches(self, token: str) -> bool:
        """Whether a token names this rule: its id or an id prefix, its name, or its pillar."""
        token = token.strip()
        return bool(token) and (token == self.name or token in self.replaces
                                or token == self.pillar or self.id.startswith(token.upper()))

    def explain(self) -> str:
        """The whole documentation, as ``wa-lint explain`` prints it (markdown)."""
        bps = ", ".join(self.best_practices)
        header = (f"# {self.id} {self.name}\n\n{self.title}\n\n"
                  f"Pillar: {self.pillar} · default severity: {self.severity} · "
                  f"best practice: {bps}\n")
        body = self.doc.split("\n", 1)[1].strip() if "\n" in self.doc else ""
        return f"{header}\n{body}\n"


@dataclass(frozen=True)
class Finding:
    """A rule's verdict on one resource, at a property path (the engine finds the line).

    ``path`` is relative to the resource's properties; a first part starting
    with ``@`` names a resource-level attribute (``@DeletionPolicy``).
    ``severity`` overrides the rule's default for this finding only.
    """

    node: tuple[str, str]
    path: tuple
    message: str
    severity: str | None = None


def _as_tuple(value: str | Iterable[str] | Mapping[str, object]) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def parse_sections(doc: str) -> dict[str, str]:
    matches = list(_SECTION.finditer(doc))
    sections = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(doc)
        sections[match.group(1)] = doc[match.end():end].strip()
    return sections


def rule(*, id: str, name: str, pillar: str, severity: str,
         resource_types: str | Iterable[str] | Mapping[str, object],
         bp: str | Iterable[str], status: str = "stable",
         replaces: Iterable[str] = (),
         options: Mapping[str, object] | None = None) -> Callable[[Callable], Callable]:
    """Declare a rule. All arguments are keyword-only and validated here."""

    def decorate(function: Callable) -> Callable:
        where = f"{function.__module__}.{function.__qualname__}"

        def invalid(message: str) -> RuleDefinitionError:
            return RuleDefinitionError(f"rule {id!r} ({where}): {message}")

        match = RULE_ID.match(id)
        if not match:
            raise invalid("id must be a pillar prefix and three digits, e.g. REL101 "
                          "(third-party packs: ACME-REL001)")
        if pillar not in PILLARS:
            raise invalid(f"pillar must be one of {', '.join(PILLARS)}")
        if PILLAR_PREFIXES[match.group(1)] != pillar:
            raise invalid(f"id prefix {match.group(1)} does not match pillar {pillar}")
        if not RULE_NAME.match(name):
            raise invalid("name must be kebab-case, e.g. rds-single-az")
        if severity not in SEVERITIES:
            raise invalid(f"severity must be one of {', '.join(SEVERITIES)}")
        if status not in STATUSES:
            raise invalid(f"status must be one of {', '.join(STATUSES)}")
        best_practices = _as_tuple(bp)
        if not best_practices or not all(BEST_PRACTICE.match(item) for item in best_practices):
            raise invalid("bp must name Well-Architected best practices like REL10-BP01")
        types = _as_tuple(resource_types)
        if not types:
            raise invalid("resource_types must name at least one resource type")
        doc = inspect.cleandoc(function.__doc__ or "")
        title = doc.split("\n", 1)[0].strip()
        if not title or title.startswith("#") or title.endswith("."):
            raise invalid("the docstring's first line is the title: one line, no trailing period")
        sections = parse_sections(doc)
        missing = [section for section in REQUIRED_SECTIONS if section not in sections]
        if missing:
            raise invalid(f"docstring lacks the section(s) {', '.join(missing)}")
        unknown = [s for s in sections if s not in REQUIRED_SECTIONS + OPTIONAL_SECTIONS]
        if unknown:
            raise invalid(f"docstring has unknown section(s) {', '.join(unknown)}")
        description = sections["What it checks"].split("\n\n", 1)[0]
        description = " ".join(description.split())
        if not inspect.isgeneratorfunction(function):
            raise invalid("a rule is a generator function that yields findings")
        for option, default in (options or {}).items():
            if not RULE_NAME.match(option) or not isinstance(default, (bool, int, float, str)):
                raise invalid(f"option {option!r} needs a kebab-case name and a scalar default")
        function.__wa_rule__ = RuleSpec(  # type: ignore[attr-defined]
            id=id, name=name, pillar=pillar, severity=severity, title=title,
            description=description, best_practices=best_practices, resource_types=types,
            doc=doc, sections=sections, function=function, module=function.__module__,
            status=status, replaces=tuple(replaces), options=dict(options or {}))
        return function

    return decorate

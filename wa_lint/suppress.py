"""Suppressions written in templates, and baselines.

In CloudFormation, a resource's (or the template's) ``Metadata``::

    Metadata:
      wa-lint:
        ignore:
          - rule: REL101          # id or name
            reason: dev environment, one zone by design

In Terraform JSON, a ``"//"`` comment on the resource (or at the top of the
file): ``"//": "wa-lint:ignore REL101,REL201 dev environment, one zone"``.

A suppressed finding is kept, marked, and not counted for the exit code. A
suppression without a reason, and one that matches no finding, are reported
(rules ``suppression-without-reason`` and ``unused-suppression``).

A baseline is a JSON file of today's findings, matched by fingerprint (rule,
file, resource and property path; never line numbers), so that a check fails
only on new findings and lists the ones that were fixed.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .load import CLOUDFORMATION, TERRAFORM, Document, Span

METADATA_KEY = "wa-lint"
_COMMENT = re.compile(r"wa-lint:\s*ignore\s+([A-Za-z0-9_,\-]+)\s*(.*)")
BASELINE_VERSION = 1


@dataclass(frozen=True)
class Declared:
    """One suppression as written: which rule, for which resource (None: whole file), why."""

    file: str
    resource: str | None
    token: str
    reason: str
    span: Span
    pointer: tuple

    @property
    def where(self) -> str:
        return f"{self.file}:{self.span.line}"


def _entries_from_metadata(metadata: object) -> Iterator[tuple[tuple, object, str]]:
    """(path within Metadata, token, reason) from a ``wa-lint: {ignore: [...]}`` block."""
    if not isinstance(metadata, dict):
        return
    block = metadata.get(METADATA_KEY)
    if not isinstance(block, dict):
        return
    entries = block.get("ignore")
    if isinstance(entries, (str, dict)):
        entries = [entries]
    if not isinstance(entries, list):
        return
    for index, entry in enumerate(entries):
        path = (METADATA_KEY, "ignore", index)
        if isinstance(entry, str):
            yield path, entry, ""
        elif isinstance(entry, dict):
            reason = entry.get("reason")
            yield path, entry.get("rule"), reason if isinstance(reason, str) else ""


def _entries_from_comment(comment: object) -> Iterator[tuple[str, str]]:
    """(token, reason) of each ``wa-lint:ignore`` in a comment (a string or a list of them).

    Each suppression starts on its own line; the lines after it that are not
    suppressions continue its reason (a comment block read as one string has several).
    """
    texts = comment if isinstance(comment, list) else [comment]
    for text in texts:
        if not isinstance(text, str):
            continue
        tokens: list[str] = []
        reason: list[str] = []
        for line in text.splitlines():
            match = _COMMENT.search(line)
            if match:
                yield from _entries(tokens, reason)
                tokens, reason = match.group(1).split(","), [match.group(2)]
            elif tokens:
                reason.append(line)
        yield from _entries(tokens, reason)


def _entries(tokens: list[str], reason: list[str]) -> Iterator[tuple[str, str]]:
    text = " ".join(" ".join(reason).split())
    for token in tokens:
        if token:
            yield token, text


def declared(documents: Iterable[Document]) -> list[Declared]:
    """Every suppression written in the documents."""
    found: list[Declared] = []
    for document in documents:
        def span(pointer: tuple, locations=document.locations) -> Span:
            return locations.nearest(pointer)[0]

        if document.format == CLOUDFORMATION:
            for path, token, reason in _entries_from_metadata(document.data.get("Metadata")):
                pointer = ("Metadata", *path)
                found.append(Declared(document.path, None, str(token), reason.strip(),
                                      span(pointer), pointer))
            for declaration in document.resources:
                metadata = declaration.attributes.get("Metadata")
                for path, token, reason in _entries_from_metadata(metadata):
                    pointer = (*declaration.pointer, "Metadata", *path)
                    found.append(Declared(document.path, declaration.address, str(token),
                                          reason.strip(), span(pointer), pointer))
        elif document.format == TERRAFORM:
            for token, reason in _entries_from_comment(document.data.get("//")):
                found.append(Declared(document.path, None, token, reason, span(("//",)),
                                      ("//",)))
            for declaration in document.resources:
                comment = declaration.attributes.get("//")
                pointer = (*declaration.pointer, "//")
                for token, reason in _entries_from_comment(comment):
                    found.append(Declared(document.path, declaration.address, token, reason,
                                          span(pointer), pointer))
    # a Terraform module called twice is two documents of one file: its file-level
    # suppressions are declared once
    return list(dict.fromkeys(found))


# -- baselines ------------------------------------------------------------------------

def baseline_key(rule_id: str, file: str, resource: str, property_path: str, root: Path) -> str:
    """A finding's identity in a baseline: its file is taken relative to the baseline's folder."""
    try:
        relative = Path(os.path.relpath(Path(file).resolve(), root.resolve())).as_posix()
    except ValueError:
        relative = Path(file).as_posix()
    return "|".join((rule_id, relative, resource, property_path))


@dataclass
class Baseline:
    path: Path
    entries: dict[str, dict]          # key -> recorded finding

    @property
    def root(self) -> Path:
        return self.path.parent


class BaselineError(Exception):
    pass


def read_baseline(path: Path) -> Baseline:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: not a wa-lint baseline (invalid JSON: {exc})") from None
    if not isinstance(document, dict) or document.get("version") != BASELINE_VERSION or \
            not isinstance(document.get("findings"), list):
        raise BaselineError(f"{path}: not a wa-lint baseline (expected version "
                            f"{BASELINE_VERSION} and a findings list)")
    entries = {}
    for entry in document["findings"]:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            entries[entry["key"]] = entry
    return Baseline(path, entries)


def render_baseline(results: Iterable, path: Path, version: str) -> str:
    root = path.parent
    findings = []
    for result in results:
        if result.suppression is not None and result.suppression.kind == "inSource":
            continue
        key = baseline_key(result.rule.id, result.file, result.resource, result.property_path,
                           root)
        findings.append({"key": key, "rule_id": result.rule.id, "rule_name": result.rule.name,
                         "file": key.split("|")[1], "resource": result.resource,
                         "path": result.property_path, "message": result.message})
    findings.sort(key=lambda entry: entry["key"])
    unique = list({entry["key"]: entry for entry in findings}.values())
    return json.dumps({"version": BASELINE_VERSION, "tool": {"name": "wa-lint",
                                                             "version": version},
                       "findings": unique}, indent=2) + "\n"

"""Load stage: files -> Documents.

``load_file`` reads one file, detects its format from its content (not only its
name) and returns a ``Document``, ``None`` for a file that is not a template (a
workflow, a k8s manifest, ``package.json``), or raises ``LoadError``.
``discover`` expands the paths a user gave into candidate files.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from . import cfn, plan, terraform
from .document import (
    CLOUDFORMATION,
    FORMATS,
    TERRAFORM,
    TERRAFORM_PLAN,
    Declaration,
    Document,
    ModuleCall,
)
from .json_source import parse_json
from .modules import expand as expand_modules
from .source import LoadError, Locations, Span, read_text
from .yaml_source import YamlLocations, compose, construct, top_level_keys

__all__ = [
    "CLOUDFORMATION", "FORMATS", "TERRAFORM", "TERRAFORM_PLAN", "Declaration", "Document",
    "LoadError", "Locations", "ModuleCall", "Span", "discover", "display_path", "expand_modules",
    "load_file",
]

TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".tf")
HCL_SUFFIX = ".tf"
SKIPPED_DIRECTORIES = frozenset({".git", "node_modules", ".terraform", ".hg", ".svn", "__pycache__",
                                 ".venv", ".tox", ".aws-sam", "cdk.out"})
_TEMPLATE_HINT = re.compile(
    r'AWSTemplateFormatVersion|^\s*Resources\s*:|"(Resources|resource|format_version)"\s*:', re.M)


def display_path(path: Path) -> str:
    """A path as reported: relative to the working directory when inside it, POSIX slashes."""
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive on Windows
        relative = str(path)
    if relative.startswith(".." + os.sep) or relative == "..":
        relative = str(path)
    return Path(relative).as_posix()


@dataclass(frozen=True)
class Candidate:
    path: Path
    display: str
    explicit: bool          # named on the command line (checked whatever its suffix)


def discover(paths: Iterable[str | Path], errors: list[LoadError]) -> Iterator[Candidate]:
    """Files to check under ``paths``, recursively, each once, in a stable order."""
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        display = display_path(path)
        try:
            if path.is_dir():
                files = sorted(_walk(path, errors))
                for file in files:
                    key = os.path.realpath(file)
                    if key not in seen:
                        seen.add(key)
                        yield Candidate(file, display_path(file), explicit=False)
                continue
            path.stat()
        except OSError as exc:
            errors.append(LoadError(display, f"cannot read: {exc.strerror or exc}"))
            continue
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            yield Candidate(path, display, explicit=True)


def _walk(root: Path, errors: list[LoadError]) -> Iterator[Path]:
    def on_error(exc: OSError) -> None:
        errors.append(LoadError(display_path(Path(exc.filename or root)),
                                f"cannot read: {exc.strerror or exc}"))

    for directory, subdirectories, files in os.walk(root, onerror=on_error):
        subdirectories[:] = sorted(d for d in subdirectories if d not in SKIPPED_DIRECTORIES)
        for name in files:
            if name.lower().endswith(TEMPLATE_SUFFIXES):
                yield Path(directory) / name


def _might_be_template(text: str, display: str) -> bool:
    name = display.lower()
    return name.endswith((".template", ".tf.json")) or bool(_TEMPLATE_HINT.search(text))


def load_file(path: Path, display: str | None = None) -> Document | None:
    """Read, parse and classify one file (see the module docstring)."""
    display = display or display_path(path)
    try:
        return _load_file(path, display)
    except RecursionError:
        raise LoadError(display, "nesting too deep to read") from None


def _load_file(path: Path, display: str) -> Document | None:
    name = display.lower()
    if name.endswith(HCL_SUFFIX):
        return _load_hcl(path, display)
    text = read_text(path, display)
    start = len(text) - len(text.lstrip())
    if start == len(text):
        raise LoadError(display, "file is empty", 1, 1)
    if name.endswith(".tf.json") and text[start] not in "{[":
        from .hcl import looks_like_hcl
        if looks_like_hcl(text):
            raise LoadError(display, "looks like HCL, not JSON; rename it to .tf", 1, 1)
    try:
        if text[start] in "{[":
            return _load_json(text, display)
        return _load_yaml(text, display)
    except LoadError:
        if _might_be_template(text, display):
            raise
        return None  # an unparseable file that does not look like a template at all


def _load_hcl(path: Path, display: str) -> Document:
    from . import hcl  # python-hcl2 and Lark load only when a .tf file is read
    text = read_text(path, display, hcl.MAX_HCL_BYTES)
    return hcl.load(text, display)


def _load_json(text: str, display: str) -> Document | None:
    repeated: list[bool] = []

    def merge(pairs: list) -> dict:
        merged = terraform.merge_duplicate_pairs(pairs)
        if len(merged) < len(pairs):
            repeated.append(True)
        return merged

    data, locations = parse_json(text, display, pairs_hook=merge)
    if plan.looks_like_plan(data):
        return plan.build(display, data, locations)
    if isinstance(data, dict) and ("AWSTemplateFormatVersion" in data or "Resources" in data):
        if repeated:
            # CloudFormation does not allow duplicate keys: parse again, strictly, for the error
            data, locations = parse_json(text, display)
        if cfn.looks_like_template(data, _has_typed_resources(data.get("Resources"))):
            return cfn.build(display, data, locations)
        return None
    if terraform.looks_like_configuration(data) or (
            display.lower().endswith(".tf.json") and isinstance(data, dict)):
        return terraform.build(display, data, locations)
    return None


def _has_typed_resources(resources: object) -> bool:
    return isinstance(resources, dict) and any(
        isinstance(body, dict) and "Type" in body for body in resources.values())


def _load_yaml(text: str, display: str) -> Document | None:
    root, more = compose(text, display)
    keys = top_level_keys(root)
    typed = any("Type" in top_level_keys(body)
                for body in top_level_keys(keys.get("Resources")).values())
    if not cfn.looks_like_template(keys, typed):
        return None
    if more:
        raise LoadError(display, "a CloudFormation template must be a single YAML document "
                                 "(found another one)", more, 1)
    data = construct(root, display)
    locations: Locations = YamlLocations(root)
    return cfn.build(display, data, locations)

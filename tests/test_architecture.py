"""Imports point down the pipeline only: cli -> engine -> graph -> load; rules see only
wa_lint.rule and wa_lint.query; reporters never import rules."""

from __future__ import annotations

import ast
from pathlib import Path

from helpers import ROOT

# module (or package) -> what it may import from wa_lint
ALLOWED = {
    "wa_lint.values": set(),
    "wa_lint.load": {"wa_lint.load"},
    "wa_lint.graph": {"wa_lint.load", "wa_lint.graph", "wa_lint.values"},
    "wa_lint.rule": {"wa_lint.values"},
    "wa_lint.query": {"wa_lint.graph", "wa_lint.rule", "wa_lint.values", "wa_lint.query"},
    "wa_lint.registry": {"wa_lint.rule", "wa_lint.rules"},
    "wa_lint.wellarchitected": set(),
    "wa_lint.suppress": {"wa_lint.load"},
    "wa_lint.config": {"wa_lint.rule", "wa_lint.engine", "wa_lint.suppress"},
    "wa_lint.engine": {"wa_lint.graph", "wa_lint.load", "wa_lint.query", "wa_lint.rule",
                       "wa_lint.values", "wa_lint.suppress"},
    "wa_lint.report": {"wa_lint", "wa_lint.engine", "wa_lint.rule", "wa_lint.report",
                       "wa_lint.graph", "wa_lint.wellarchitected", "wa_lint.reports",
                       "wa_lint.values"},
    "wa_lint.rules": {"wa_lint.rule", "wa_lint.query"},
}
HEAVY = {"networkx", "jinja2", "hcl2", "lark"}


def module_name(path: Path) -> str:
    relative = path.relative_to(ROOT).with_suffix("")
    parts = list(relative.parts)
    if parts[0] in ("rules", "reports"):
        parts = ["wa_lint", *parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path, name: str) -> set[str]:
    tree = ast.parse(path.read_text())
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                found.add(".".join(base + ([node.module] if node.module else [])))
            else:
                found.add(node.module or "")
    return found


def rule_of(name: str) -> str | None:
    for prefix in sorted(ALLOWED, key=len, reverse=True):
        if name == prefix or name.startswith(prefix + "."):
            return prefix
    return None


def sources():
    for folder in ("wa_lint", "rules", "reports"):
        yield from (ROOT / folder).rglob("*.py")


def test_imports_point_down_the_pipeline():
    problems = []
    for path in sources():
        name = module_name(path)
        owner = rule_of(name)
        if owner is None:
            continue  # cli, __main__ and the package root may import anything
        for imported in imports_of(path, name):
            if not imported.startswith("wa_lint"):
                continue
            if rule_of(imported) == owner or imported == owner:
                continue
            allowed = ALLOWED[owner]
            if not any(imported == a or imported.startswith(a + ".") for a in allowed):
                problems.append(f"{name} imports {imported}")
    assert not problems, problems


def test_rule_modules_import_nothing_heavy_at_the_top_level():
    for path in (ROOT / "rules").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in tree.body:
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            assert not {n.split(".")[0] for n in names} & HEAVY, f"{path}: {names}"

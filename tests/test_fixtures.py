"""The one fixture test: every rule's fixture folder, checked by the whole engine.

``fixtures/<rule-name>/expected.txt`` holds one sorted line per finding in the
folder, from every rule: ``file:line:col ID name severity resource``. A line
starting ``todo:`` records a known false negative: it is not required, and the
test fails when it starts to fire, so that it gets promoted. Run
``pytest --update-expected`` to rewrite the files, then review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES, fixture_line, lint_paths
from wa_lint.registry import collect

RULES = {spec.name: spec for spec in collect()}
FIXTURE_DIRS = sorted(path for path in FIXTURES.iterdir() if path.is_dir())
TEMPLATE_SUFFIXES = (".yaml", ".yml", ".json", ".template", ".tf")


def line_order(line: str) -> tuple:
    location, _, rest = line.partition(" ")
    file, _, position = location.partition(":")
    row, _, column = position.partition(":")
    return (file, int(row or 0), int(column or 0), rest)


def read_expected(folder: Path) -> tuple[list[str], list[str]]:
    path = folder / "expected.txt"
    lines = path.read_text().splitlines() if path.exists() else []
    required = [line for line in lines if line and not line.startswith(("todo:", "#"))]
    todo = [line[5:].strip() for line in lines if line.startswith("todo:")]
    return required, todo


def write_expected(folder: Path, got: list[str], todo: list[str]) -> None:
    lines = got + [f"todo: {line}" for line in todo if line not in got]
    (folder / "expected.txt").write_text("\n".join(lines) + "\n")


def templates(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.endswith(TEMPLATE_SUFFIXES) or (
        p.is_dir() and p.name.startswith(("pass", "fail"))))


def lint_folder(folder: Path):
    """Each template alone; each pass*/fail* subfolder as one run (multi-template cases)."""
    runs = [lint_paths([path]) for path in templates(folder)]
    results = [result for run in runs for result in run.results]
    errors = [error for run in runs for error in run.errors]
    return results, errors


def file_of(result, folder: Path) -> str:
    relative = Path(result.file).resolve().relative_to(folder.resolve())
    return relative.parts[0]


def formats_needed(resource_types) -> set[str]:
    needed = set()
    for resource_type in resource_types:
        # .tf twins are generated from .tf.json by tests/tools/tf_json_to_hcl.py
        needed |= {".yaml", ".json"} if resource_type.startswith("AWS::") else {".tf.json", ".tf"}
    return needed


def suffix_of(path: Path) -> str:
    for suffix in (".tf.json", ".plan.json", ".yaml", ".yml", ".json", ".template", ".tf"):
        if path.name.endswith(suffix):
            return suffix
    return path.suffix


@pytest.mark.parametrize("folder", FIXTURE_DIRS, ids=lambda p: p.name)
def test_fixture_folder(folder, update_expected):
    results, errors = lint_folder(folder)
    assert not errors, [str(error) for error in errors]
    got = sorted((fixture_line(result, folder) for result in results), key=line_order)
    expected, todo = read_expected(folder)
    if update_expected:
        write_expected(folder, got, todo)
        expected = got
    fired_todo = [line for line in todo if line in got]
    assert not fired_todo, f"todo lines now fire, promote them: {fired_todo}"
    assert got == expected


@pytest.mark.parametrize("folder", FIXTURE_DIRS, ids=lambda p: p.name)
def test_fixture_invariants(folder):
    spec = RULES.get(folder.name)
    assert spec is not None, f"fixtures/{folder.name} names no rule"
    results, _ = lint_folder(folder)
    by_file: dict[str, list] = {}
    for result in results:
        if result.rule is spec and result.suppression is None:
            by_file.setdefault(file_of(result, folder), []).append(result)
    files = templates(folder)
    for path in files:
        if path.name.startswith("fail"):
            assert by_file.get(path.name), f"{path.name} does not trigger {spec.name}"
        elif path.name.startswith("pass"):
            assert not by_file.get(path.name), f"{path.name} triggers {spec.name}: " + "; ".join(
                f"{r.line}:{r.column} {r.message}" for r in by_file[path.name])
        else:
            pytest.fail(f"{path.name}: fixture files are named pass* or fail*")
    present = {(path.name[:4], suffix_of(path)) for path in files}
    for suffix in formats_needed(spec.resource_types):
        for kind in ("pass", "fail"):
            assert (kind, suffix) in present, f"no {kind}*{suffix} fixture for {spec.name}"


def test_every_rule_has_fixtures():
    missing = [name for name in RULES if not (FIXTURES / name).is_dir()]
    assert not missing, f"rules without fixtures/<name>/: {missing}"

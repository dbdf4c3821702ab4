"""The wheel ships the engine, every rule module and the report templates."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from helpers import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    # build from a copy: an in-tree build/ left by an earlier build would leak deleted modules
    source = tmp_path_factory.mktemp("source") / "wa-lint"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".git", "build", "dist", "*.egg-info", ".venv", ".ci-venv", "test-artifacts",
        "__pycache__", ".pytest_cache", ".ruff_cache"))
    process = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                              "--no-build-isolation", "--wheel-dir", str(out), str(source)],
                             capture_output=True, text=True, timeout=600)
    assert process.returncode == 0, process.stderr
    return next(out.glob("wa_lint-*.whl"))


def test_rule_modules_and_reports_are_inside_the_package(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    rule_files = sorted(p for p in (ROOT / "rules").rglob("*.py"))
    for path in rule_files:
        assert f"wa_lint/rules/{path.relative_to(ROOT / 'rules').as_posix()}" in names
    for path in (ROOT / "reports").rglob("*"):
        if path.is_file() and path.suffix in (".j2", ".css", ".js", ".py"):
            assert f"wa_lint/reports/{path.relative_to(ROOT / 'reports').as_posix()}" in names
    assert "wa_lint/data/wellarchitected-bp.json" in names
    assert not any(name.startswith(("rules/", "reports/", "fixtures/", "tests/")) for name in names)


def test_installed_wheel_works_with_no_checkout_around_it(wheel, tmp_path):
    target = tmp_path / "site"
    process = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                              "--target", str(target), str(wheel)],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr
    template = tmp_path / "elsewhere" / "stack.yaml"
    template.parent.mkdir()
    template.write_text((ROOT / "fixtures" / "single-az" / "fail.yaml").read_text())
    # only the installed copy is importable: no checkout, no editable finder
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONNOUSERSITE="1")
    code = ("import sys, wa_lint, wa_lint.registry as r; "
            "assert '/site/' in wa_lint.__file__, wa_lint.__file__; "
            "print(len(r.collect())); sys.argv=['wa-lint','check','stack.yaml','-q']; "
            "import wa_lint.cli; wa_lint.cli.main()")
    process = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path[:0] = "
                              f"[{str(target)!r}]; " + code],
                             capture_output=True, text=True, cwd=template.parent, env=env)
    assert process.returncode == 1, process.stderr
    count = int(process.stdout.splitlines()[0])
    assert count == len(list((ROOT / "rules").rglob("[!_]*.py")))
    assert "REL101 single-az" in process.stdout
    assert Path(target, "wa_lint", "rules").is_dir()

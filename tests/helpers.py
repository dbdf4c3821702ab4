"""Shared test helpers: run the whole pipeline the way the CLI does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from wa_lint.engine import Results, lint
from wa_lint.registry import collect

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SHARED = ROOT.parent / "shared"


def lint_paths(paths, select=()) -> Results:
    from wa_lint.registry import select as choose
    return lint([str(p) for p in paths], choose(collect(), select))


def lint_text(text: str, tmp_path: Path, name: str = "template.yaml", select=()) -> Results:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return lint_paths([path], select)


def ids(results: Results) -> list[str]:
    return [result.rule.id for result in results.results]


def fixture_line(result, folder: Path) -> str:
    relative = Path(os.path.relpath(Path(result.file).resolve(), folder.resolve())).as_posix()
    return (f"{relative}:{result.line}:{result.column} {result.rule.id} {result.rule.name} "
            f"{result.severity} {result.resource}: {result.message}"
            + (" [suppressed]" if result.suppression is not None else ""))


def run_cli(*args, cwd=None, input=None):
    return subprocess.run([sys.executable, "-m", "wa_lint", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, input=input, timeout=300)

"""The logic of the wa-lint GitHub Action (action.yml runs this; the tests run it too).

Reads the action's inputs from INPUT_* variables, lints once writing SARIF (for
code scanning) and markdown (for the job summary) and the text report to the
log, then sets the step outputs. The exit code is wa-lint's: 0 clean, 1
findings at or above fail-on, 2 errors.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path


def read_input(name: str, default: str = "") -> str:
    return os.environ.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip() or default


def main() -> int:
    paths = shlex.split(read_input("paths", "."))
    sarif = read_input("sarif-file", "wa-lint.sarif")
    with tempfile.TemporaryDirectory() as folder:
        summary = Path(folder) / "summary.md"
        command = [sys.executable, "-m", "wa_lint", "check", *paths,
                   "--format", "sarif", "--output", sarif,
                   "--format", "markdown", "--output", str(summary),
                   "--format", "text", "--no-color"]
        for option in ("fail-on", "config", "baseline", "select", "ignore"):
            value = read_input(option)
            if value:
                command += [f"--{option}", value]
        category = read_input("category")
        if category:
            command += ["--sarif-category", category]
        command += shlex.split(read_input("args"))
        print("+ " + " ".join(shlex.quote(part) for part in command), flush=True)
        code = subprocess.run(command, check=False).returncode
        step_summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if step_summary and summary.exists():
            with open(step_summary, "a", encoding="utf-8") as handle:
                handle.write(summary.read_text(encoding="utf-8"))
    github_output = os.environ.get("GITHUB_OUTPUT")
    if github_output:
        with open(github_output, "a", encoding="utf-8") as handle:
            if Path(sarif).exists():
                handle.write(f"sarif-file={sarif}\n")
            handle.write(f"exit-code={code}\n")
    return code


if __name__ == "__main__":
    sys.exit(main())

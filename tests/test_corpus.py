"""Real public templates (../shared/corpus): no crash, no hang, no file lost."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from helpers import SHARED, run_cli

CORPUS = Path(os.environ.get("WA_LINT_CORPUS", SHARED / "corpus"))


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (set WA_LINT_CORPUS)")
def test_the_corpus_is_checked_without_a_crash():
    process = run_cli("check", CORPUS, "--format", "json", "--fail-on", "none")
    assert "Traceback" not in process.stderr
    report = json.loads(process.stdout)
    rule_crashes = [e for e in report["errors"] if e["kind"] == "rule"]
    assert not rule_crashes, rule_crashes[:5]
    assert not report["errors"], report["errors"][:5]
    assert report["summary"]["files"] > 250
    assert report["summary"]["resources"] > 2000

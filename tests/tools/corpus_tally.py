#!/usr/bin/env python3
"""Count findings per rule over ../shared/corpus, for tests/corpus_review.md.

    python tests/tools/corpus_tally.py [CORPUS]

Prints a markdown table: rule, findings, distinct resources, and the run's
errors (rule crashes and unreadable files), which must stay at zero.
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def main() -> int:
    corpus = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "corpus"
    process = subprocess.run([sys.executable, "-m", "wa_lint", "check", str(corpus), "--format",
                              "json", "--fail-on", "none"], capture_output=True, text=True)
    report = json.loads(process.stdout)
    findings = collections.Counter(f["rule_id"] for f in report["findings"])
    distinct = collections.defaultdict(set)
    for finding in report["findings"]:
        distinct[finding["rule_id"]].add((finding["file"], finding["resource"]))
    rules = json.loads(subprocess.run([sys.executable, "-m", "wa_lint", "rules", "--format",
                                       "json"], capture_output=True, text=True).stdout)["rules"]
    print("| rule | name | findings | distinct resources |")
    print("|---|---|---|---|")
    for rule in sorted(rules, key=lambda r: r["id"]):
        print(f"| {rule['id']} | {rule['name']} | {findings[rule['id']]} | "
              f"{len(distinct[rule['id']])} |")
    summary = report["summary"]
    print(f"\n{summary['files']} files, {summary['resources']} resources, "
          f"{summary['findings']} findings, {len(report['errors'])} errors")
    for error in report["errors"]:
        print("error:", error)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The command line: formats, thresholds, selection, outputs and exit codes."""

from __future__ import annotations

import json
import os
import stat

import pytest

from helpers import FIXTURES, ROOT, run_cli
from wa_lint import __version__
from wa_lint.registry import collect

SINGLE_AZ = FIXTURES / "single-az"


def test_version():
    process = run_cli("--version")
    assert process.returncode == 0 and process.stdout.strip() == f"wa-lint {__version__}"


def test_text_lines_have_the_documented_shape():
    process = run_cli("check", "fixtures/single-az/fail.yaml", "--select", "single-az",
                      cwd=ROOT)
    assert process.returncode == 1
    first = process.stdout.splitlines()[0]
    assert first.startswith("fixtures/single-az/fail.yaml:4:3: REL101 single-az [reliability] ")
    assert "Found 7 findings in 1 file" in process.stdout


@pytest.mark.parametrize("threshold, code", [("error", 1), ("warning", 1), ("note", 1),
                                             ("none", 0)])
def test_fail_on_thresholds(threshold, code):
    process = run_cli("check", SINGLE_AZ / "fail.yaml", "--fail-on", threshold)
    assert process.returncode == code


def test_fail_on_counts_only_findings_at_or_above_the_threshold():
    # REL201 reports errors and notes on fail.yaml and nothing on single-az/pass.yaml
    path = FIXTURES / "s3-missing-cross-region-replication" / "fail.yaml"
    assert run_cli("check", path, "--select", "REL201", "--fail-on", "error").returncode == 1
    assert run_cli("check", FIXTURES / "single-az" / "pass.yaml", "--select", "REL201",
                   "--fail-on", "note").returncode == 0
    assert run_cli("check", path, "--select", "REL201", "--fail-on", "none").returncode == 0


def test_json_report_shape():
    process = run_cli("check", SINGLE_AZ / "fail.tf.json", "--format", "json", cwd=ROOT)
    report = json.loads(process.stdout)
    assert report["tool"] == {"name": "wa-lint", "version": __version__}
    finding = report["findings"][0]
    assert set(finding) >= {"rule_id", "rule_name", "pillar", "severity", "message", "file", "line",
                            "column", "resource", "resource_type", "path", "best_practices"}
    assert finding["file"] == "fixtures/single-az/fail.tf.json"
    assert finding["resource"].startswith("aws_")
    assert finding["path"].startswith("/resource/")
    assert report["summary"]["findings"] == len(report["findings"])
    assert report["errors"] == []


def selected(token):
    process = run_cli("check", FIXTURES, "--select", token, "--format", "json", "--fail-on",
                      "none")
    return {(f["rule_id"], f["pillar"]) for f in json.loads(process.stdout)["findings"]}


@pytest.mark.parametrize("token", ["REL101", "single-az", "rel101"])
def test_select_one_rule_by_id_or_name(token):
    assert {rule for rule, _ in selected(token)} == {"REL101"}


def test_select_by_pillar_or_prefix():
    by_pillar, by_prefix = selected("security"), selected("SEC")
    assert {pillar for _, pillar in by_pillar} == {"security"}
    assert {"SEC101", "SEC201"} <= {rule for rule, _ in by_pillar}
    assert by_prefix == by_pillar
    assert {rule for rule, _ in selected("REL101,SEC101")} == {"REL101", "SEC101"}


def test_ignore_removes_rules():
    process = run_cli("check", SINGLE_AZ, "--ignore", "reliability", "--format", "json")
    pillars = {finding["pillar"] for finding in json.loads(process.stdout)["findings"]}
    assert pillars and "reliability" not in pillars


def test_unknown_rule_is_a_usage_error():
    process = run_cli("check", SINGLE_AZ, "--select", "no-such-rule")
    assert process.returncode == 2
    assert "unknown rule" in process.stderr and "Traceback" not in process.stderr


@pytest.mark.parametrize("args", [["check"], ["check", "--no-such-option", "x"],
                                  ["check", "x", "--format", "pdf"], ["nope"]])
def test_usage_errors_exit_2(args):
    process = run_cli(*args)
    assert process.returncode == 2 and "Traceback" not in process.stderr


def test_output_file_is_written(tmp_path):
    target = tmp_path / "report.sarif"
    process = run_cli("check", SINGLE_AZ / "fail.yaml", "-f", "sarif", "-o", target)
    assert process.returncode == 1 and process.stdout == ""
    assert json.loads(target.read_text())["version"] == "2.1.0"
    assert [p.name for p in tmp_path.iterdir()] == ["report.sarif"]  # no temporary left


def test_output_file_gets_the_usual_permissions(tmp_path):
    target = tmp_path / "report.json"
    run_cli("check", SINGLE_AZ / "fail.yaml", "-f", "json", "-o", target)
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask   # not mkstemp's 0600


def test_output_to_a_missing_directory_is_an_error(tmp_path):
    process = run_cli("check", SINGLE_AZ / "fail.yaml", "-o", tmp_path / "no" / "such" / "x")
    assert process.returncode == 2 and "cannot write" in process.stderr


def test_rules_json_lists_every_rule():
    process = run_cli("rules", "--format", "json")
    rules = json.loads(process.stdout)["rules"]
    assert {rule["id"] for rule in rules} == {spec.id for spec in collect()}
    for rule in rules:
        assert set(rule) >= {"id", "name", "pillar", "severity", "title", "description",
                             "best_practices", "resource_types"}


def test_rules_markdown_is_the_docstrings():
    process = run_cli("rules", "--format", "markdown")
    assert "## reliability" in process.stdout and "## How to fix" in process.stdout


@pytest.mark.parametrize("token", ["single-az", "REL101", "rel101"])
def test_explain(token):
    process = run_cli("explain", token)
    assert process.returncode == 0
    assert process.stdout.startswith("# REL101 single-az")
    assert "## How to fix" in process.stdout and "REL10-BP01" in process.stdout


def test_explain_unknown_rule():
    process = run_cli("explain", "nope")
    assert process.returncode == 2 and "no rule 'nope'" in process.stderr


def test_graph_json_and_dot():
    process = run_cli("graph", "examples/cloudformation", "--format", "json", cwd=ROOT)
    graph = json.loads(process.stdout)
    edges = {(e["source"].split("#")[1], e["target"].split("#")[1], e["kind"])
             for e in graph["edges"]}
    assert ("LoadBalancer", "PublicSubnetA", "Fn::ImportValue") in edges
    assert ("PublicSubnetA", "Vpc", "Ref") in edges
    dot = run_cli("graph", "examples/cloudformation", cwd=ROOT).stdout
    assert dot.startswith("digraph wa_lint {") and '-> "examples/cloudformation/network' in dot


def test_the_rule_reference_in_docs_is_current():
    """docs/rules.md is `wa-lint rules --format markdown`; regenerate it when a rule changes."""
    process = run_cli("rules", "--format", "markdown")
    assert process.returncode == 0
    assert (ROOT / "docs" / "rules.md").read_text() == process.stdout, \
        "run: wa-lint rules --format markdown > docs/rules.md"


def test_the_readme_counts_rules_right():
    import collections
    import re
    readme = (ROOT / "README.md").read_text()
    specs = collect()
    by_pillar = collections.Counter(spec.pillar for spec in specs)
    assert f"\n{len(specs)} rules, " in readme
    names = {"Reliability": "reliability", "Security": "security",
             "Operational excellence": "operational-excellence",
             "Cost optimisation": "cost-optimization",
             "Performance efficiency": "performance-efficiency", "Sustainability": "sustainability"}
    for title, pillar in names.items():
        assert re.search(rf"^\| {title} \| {by_pillar[pillar]} \|", readme, re.M), title

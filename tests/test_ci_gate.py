"""Configuration, suppressions, baselines, CI report formats, several outputs, changed-since,
progress and the GitHub Action script."""

from __future__ import annotations

import json
import os
import pty
import shutil
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import jsonschema
import pytest

from helpers import FIXTURES, ROOT, run_cli

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())
FAIL = FIXTURES / "single-az" / "fail.yaml"


def findings(process):
    assert process.returncode in (0, 1), process.stderr
    return json.loads(process.stdout)["findings"]


@pytest.fixture
def project(tmp_path):
    (tmp_path / ".git").mkdir()  # the repository root stops the config search
    (tmp_path / "stacks").mkdir()
    shutil.copy(FAIL, tmp_path / "stacks" / "web.yaml")
    (tmp_path / "legacy").mkdir()
    shutil.copy(FAIL, tmp_path / "legacy" / "old.yaml")
    return tmp_path


# -- configuration ----------------------------------------------------------------------

def test_config_is_found_walking_up_and_applied(project):
    (project / ".wa-lint.yaml").write_text(textwrap.dedent("""
        select: [reliability]
        ignore: [s3-missing-cross-region-replication]
        fail-on: error
        severity: {single-az: note}
        exclude: ["legacy/**"]
    """))
    process = run_cli("check", ".", "--format", "json", cwd=project / "stacks")
    found = findings(process)
    assert {f["rule_id"] for f in found} == {"REL101"}
    assert {f["severity"] for f in found} == {"note"}
    assert process.returncode == 0  # notes only, fail-on error


def test_exclude_and_per_path(project):
    (project / ".wa-lint.yaml").write_text(textwrap.dedent("""
        exclude: ["legacy/"]
        per-path:
          "stacks/**": {ignore: [REL101], severity: {SEC101: note}}
    """))
    found = findings(run_cli("check", ".", "--format", "json", "--fail-on", "none", cwd=project))
    assert {f["file"] for f in found} <= {"stacks/web.yaml"}
    assert "REL101" not in {f["rule_id"] for f in found}


def test_pyproject_section_and_explicit_config(project):
    (project / "pyproject.toml").write_text('[tool.wa-lint]\nselect = ["SEC101"]\n')
    found = findings(run_cli("check", "stacks", "--format", "json", "--fail-on", "none",
                             cwd=project))
    assert {f["rule_id"] for f in found} <= {"SEC101"}
    other = project / "other.yaml"
    other.write_text("select: [REL101]\n")
    found = findings(run_cli("check", "stacks", "--format", "json", "--fail-on", "none",
                             "--config", other, cwd=project))
    assert {f["rule_id"] for f in found} == {"REL101"}


@pytest.mark.parametrize("text, words", [
    ("selct: [REL101]\n", "unknown key 'selct'"),
    ("fail-on: sometimes\n", "'fail-on' must be one of"),
    ("severity: {REL101: critical}\n", "'severity.REL101' must be one of"),
    ("per-path: {'a/**': {ignor: [x]}}\n", "unknown key 'per-path.a/**.ignor'"),
    ("rules: {single-az: {min-zone: 3}}\n", "unknown key 'rules.single-az.min-zone'"),
    ("rules: {single-az: {min-zones: three}}\n", "'rules.single-az.min-zones' must be a int"),
    ("select: [no-such-rule]\n", "unknown rule"),
    ("select: [REL101\n", "invalid YAML"),
])
def test_bad_configuration_names_the_key_and_the_file(project, text, words):
    (project / ".wa-lint.yaml").write_text(text)
    process = run_cli("check", "stacks", cwd=project)
    assert process.returncode == 2, process.stdout
    assert ".wa-lint.yaml" in process.stderr and words in process.stderr
    assert "Traceback" not in process.stderr


def test_rule_parameters_change_what_a_rule_requires(project):
    (project / ".wa-lint.yaml").write_text("rules: {single-az: {min-zones: 3}}\n")
    shutil.copy(FIXTURES / "single-az" / "pass.yaml", project / "stacks" / "web.yaml")
    found = findings(run_cli("check", "stacks", "--select", "single-az", "--format", "json",
                             cwd=project))
    assert {f["resource"] for f in found} == {"LoadBalancer", "DatabaseSubnets", "Files", "Vpc"}
    assert "only 2 Availability Zones" in found[0]["message"]


def test_show_config_and_config_command(project):
    (project / ".wa-lint.yaml").write_text("fail-on: note\nselect: [security]\n")
    for args in (("check", "--show-config"), ("config",)):
        process = run_cli(*args, cwd=project)
        assert process.returncode == 0, process.stderr
        shown = json.loads(process.stdout)
        assert shown["fail-on"] == "note" and shown["select"] == ["security"]
        assert shown["source"].endswith(".wa-lint.yaml")


# -- suppressions -----------------------------------------------------------------------

SUPPRESSED = """
    AWSTemplateFormatVersion: "2010-09-09"
    Resources:
      Database:
        Type: AWS::RDS::DBInstance
        Metadata:
          wa-lint:
            ignore:
              - rule: unencrypted-storage
                reason: synthetic data only
        Properties:
          Engine: postgres
          DBInstanceClass: db.t4g.micro
          AllocatedStorage: "20"
          MasterUsername: app
          ManageMasterUserPassword: true
"""


def test_suppressed_findings_are_kept_marked_and_do_not_fail(tmp_path):
    (tmp_path / "db.yaml").write_text(textwrap.dedent(SUPPRESSED))
    json_run = run_cli("check", "db.yaml", "--format", "json", "--select", "SEC101", cwd=tmp_path)
    assert json_run.returncode == 0
    report = json.loads(json_run.stdout)
    (finding,) = report["findings"]
    assert finding["suppressed"]["reason"] == "synthetic data only"
    assert finding["suppressed"]["kind"] == "inSource"
    assert report["summary"]["findings"] == 0 and report["summary"]["suppressed"] == 1
    sarif = json.loads(run_cli("check", "db.yaml", "-f", "sarif", "--select", "SEC101",
                               cwd=tmp_path).stdout)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["suppressions"] == [{"kind": "inSource",
                                       "justification": "synthetic data only"}]
    text = run_cli("check", "db.yaml", "--select", "SEC101", cwd=tmp_path)
    assert "SEC101" not in text.stdout.split("No findings")[0]
    assert "1 suppressed" in text.stdout
    shown = run_cli("check", "db.yaml", "--select", "SEC101", "--show-suppressed", cwd=tmp_path)
    assert "(suppressed: synthetic data only)" in shown.stdout


# -- baselines ----------------------------------------------------------------------------

def test_baseline_records_and_fails_only_on_new_findings(tmp_path):
    stack = tmp_path / "stack.yaml"
    shutil.copy(FAIL, stack)
    made = run_cli("baseline", "stack.yaml", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    baseline = json.loads((tmp_path / ".wa-lint-baseline.json").read_text())
    assert len(baseline["findings"]) >= 7
    assert run_cli("check", "stack.yaml", "--baseline", ".wa-lint-baseline.json",
                   cwd=tmp_path).returncode == 0
    # moving code around does not resurrect old findings
    text = stack.read_text().replace("Resources:\n", "# moved\n\n\nResources:\n", 1)
    # ... a new finding fails, and a removed resource is listed as fixed
    text = text.replace("  CacheSubnets:\n", "  NewCache:\n    Type: AWS::ElastiCache::SubnetGroup\n"
                        "    Properties:\n      Description: x\n      SubnetIds: [!Ref SubnetA]\n"
                        "  CacheSubnets:\n", 1)
    start, end = text.index("  Service:\n"), text.index("  Files:\n")
    stack.write_text(text[:start] + text[end:])
    process = run_cli("check", "stack.yaml", "--baseline", ".wa-lint-baseline.json",
                      "--format", "json", cwd=tmp_path)
    assert process.returncode == 1
    report = json.loads(process.stdout)
    new = [f for f in report["findings"] if not f["suppressed"]]
    assert {f["resource"] for f in new} == {"NewCache"}
    assert {entry["resource"] for entry in report["fixed"]} == {"Service"}
    text_run = run_cli("check", "stack.yaml", "--baseline", ".wa-lint-baseline.json",
                       cwd=tmp_path)
    fixed = len(report["fixed"])    # every rule's findings on Service (more as rules are added)
    assert f"{fixed} baseline finding{'' if fixed == 1 else 's'} fixed" in text_run.stdout


def test_baseline_paths_are_relative_to_the_baseline(tmp_path):
    (tmp_path / "infra").mkdir()
    shutil.copy(FAIL, tmp_path / "infra" / "stack.yaml")
    assert run_cli("baseline", "infra", "-o", "infra/baseline.json", cwd=tmp_path).returncode == 0
    # the same check from inside the folder still matches
    assert run_cli("check", "stack.yaml", "--baseline", "baseline.json",
                   cwd=tmp_path / "infra").returncode == 0


def test_a_broken_baseline_is_a_clear_error(tmp_path):
    (tmp_path / "b.json").write_text("{}")
    process = run_cli("check", FAIL, "--baseline", tmp_path / "b.json")
    assert process.returncode == 2 and "not a wa-lint baseline" in process.stderr


# -- formats and outputs -----------------------------------------------------------------

def test_several_outputs_from_one_run(tmp_path):
    process = run_cli("check", FAIL, "-f", "sarif", "-o", tmp_path / "a.sarif", "-f", "junit",
                      "-o", tmp_path / "a.xml", "-f", "gitlab", "-o", tmp_path / "a.json",
                      "-f", "markdown", "-o", tmp_path / "a.md", "-f", "text", "-q")
    assert process.returncode == 1
    assert "REL101 single-az" in process.stdout
    jsonschema.Draft4Validator(SCHEMA).validate(json.loads((tmp_path / "a.sarif").read_text()))
    suites = ElementTree.parse(tmp_path / "a.xml").getroot()
    assert suites.tag == "testsuites" and int(suites.get("failures")) >= 7
    issues = json.loads((tmp_path / "a.json").read_text())
    assert issues[0]["location"]["lines"]["begin"] >= 1
    assert {issue["severity"] for issue in issues} <= {"info", "minor", "major", "critical",
                                                       "blocker"}
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    markdown = (tmp_path / "a.md").read_text()
    assert "| reliability |" in markdown and "<details>" in markdown


def test_two_formats_cannot_share_standard_output():
    process = run_cli("check", FAIL, "-f", "json", "-f", "sarif")
    assert process.returncode == 2 and "standard output" in process.stderr


def test_markdown_escapes_template_text(tmp_path):
    (tmp_path / "x.yaml").write_text(textwrap.dedent("""
        Resources:
          "<script>alert(1)</script>": {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
          Subnet:
            Type: AWS::EC2::Subnet
            Properties: {VpcId: !Ref "<script>alert(1)</script>", CidrBlock: 10.0.0.0/24,
                         AvailabilityZone: us-east-1a}
    """))
    markdown = run_cli("check", "x.yaml", "-f", "markdown", cwd=tmp_path).stdout
    assert "<script>" not in markdown and r"\<script\>" in markdown


# -- changed-since -------------------------------------------------------------------------

def test_changed_since_reports_only_changed_templates(tmp_path):
    def git(*args):
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True,
                       env={**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@e",
                            "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@e"})
    shutil.copy(FAIL, tmp_path / "a.yaml")
    shutil.copy(FAIL, tmp_path / "b.yaml")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-qm", "one")
    (tmp_path / "b.yaml").write_text(FAIL.read_text() + "\n")
    found = findings(run_cli("check", ".", "--changed-since", "HEAD", "--format", "json",
                             cwd=tmp_path))
    assert {f["file"] for f in found} == {"b.yaml"}
    bad = run_cli("check", ".", "--changed-since", "no-such-ref", cwd=tmp_path)
    assert bad.returncode == 2 and "no-such-ref" in bad.stderr


# -- progress ------------------------------------------------------------------------------

def test_progress_only_on_a_terminal(tmp_path):
    piped = run_cli("check", FIXTURES, "--fail-on", "none", "-q")
    assert "\r" not in piped.stderr
    env = {key: value for key, value in os.environ.items() if key not in
           ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")}
    env["TERM"] = "xterm"
    pid, fd = pty.fork()
    if pid == 0:  # the child runs wa-lint on a pseudo-terminal
        os.chdir(ROOT)
        os.execve(sys.executable, [sys.executable, "-m", "wa_lint", "check", "fixtures",
                                   "--fail-on", "none", "-q"], env)
    output = b""
    while True:
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.waitpid(pid, 0)
    assert b"wa-lint: checking [" in output and b"\r\x1b[K" in output


# -- the GitHub Action -----------------------------------------------------------------------

def test_github_action_script(tmp_path):
    shutil.copy(FAIL, tmp_path / "stack.yaml")
    outputs, summary = tmp_path / "outputs", tmp_path / "summary.md"
    env = dict(os.environ, INPUT_PATHS="stack.yaml", INPUT_FAIL_ON="error",
               INPUT_SARIF_FILE="out.sarif", INPUT_CATEGORY="wa-lint/infra",
               GITHUB_OUTPUT=str(outputs), GITHUB_STEP_SUMMARY=str(summary),
               PYTHONPATH=str(ROOT))
    process = subprocess.run([sys.executable, str(ROOT / "scripts" / "github_action.py")],
                             cwd=tmp_path, env=env, capture_output=True, text=True)
    assert process.returncode == 1, process.stderr
    assert "stack.yaml:24:7: REL101 single-az" in process.stdout   # the log shows findings
    assert "sarif-file=out.sarif" in outputs.read_text()
    assert "exit-code=1" in outputs.read_text()
    assert summary.read_text().startswith("## wa-lint:")
    sarif = json.loads((tmp_path / "out.sarif").read_text())
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    assert sarif["runs"][0]["automationDetails"]["id"] == "wa-lint/infra/"
    action = (ROOT / "action.yml").read_text()
    assert "scripts/github_action.py" in action and "upload-sarif" in action

"""Bad input: one clear line per bad file (file:line), exit 2, no traceback, no hang,
and every other file of the run still checked."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, run_cli

GOOD = (FIXTURES / "unencrypted-storage" / "fail.yaml").read_text()


def alias_bomb() -> str:
    lines = ['AWSTemplateFormatVersion: "2010-09-09"', 'a: &a ["lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        previous, name = chr(96 + level), chr(97 + level)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]")
    lines += ["Resources:", "  X:", "    Type: AWS::S3::Bucket", "    Properties:",
              "      Tags: *j"]
    return "\n".join(lines) + "\n"


# name -> (content, expected line, words the one-line message must contain)
BAD_FILES = {
    "malformed.yaml": ("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A: [unclosed\n",
                       4, "invalid YAML"),
    "malformed.json": ('{"Resources": {"A": {"Type": "AWS::S3::Bucket",}}}', 1, "invalid JSON"),
    "latin1.yaml": (b"Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n"
                    b"      BucketName: caf\xe9\n", 5, "not valid UTF-8"),
    "empty.yaml": ("", 1, "empty"),
    "bomb.yaml": (alias_bomb(), 8, "alias"),
    "deep.json": ('{"Resources": ' + "[" * 10000 + "]" * 10000 + "}", 1, "nesting deeper"),
    "deep.yaml": ("AWSTemplateFormatVersion: x\nResources: " + "[" * 10000 + "]" * 10000 + "\n",
                  2, "nesting deeper"),
    "duplicate.yaml": ("AWSTemplateFormatVersion: x\nResources:\n  A:\n    Type: AWS::S3::Bucket\n"
                       "  A:\n    Type: AWS::SQS::Queue\n", 5, "duplicate key 'A'"),
    "duplicate.json": ('{"Resources": {\n "A": {"Type": "AWS::S3::Bucket"},\n'
                       ' "A": {"Type": "AWS::SQS::Queue"}}}', 3, "duplicate key 'A'"),
    "two-docs.yaml": ("AWSTemplateFormatVersion: x\nResources: {}\n---\nResources: {}\n", 3,
                      "single YAML document"),
    "future.plan.json": ('{"format_version": "2.0", "planned_values": {}}', 1,
                         "unsupported Terraform JSON format_version"),
    "binary.template": (b"\x00\x01Resources:\x00", 1, "NUL"),
}
QUIET_FILES = {
    "k8s.yaml": "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n---\napiVersion: v1\nkind: Service\n",
    "workflow.yml": "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n",
    "package.json": '{"name": "x", "version": "1.0.0", "dependencies": {}}',
    "helm.yaml": "metadata:\n  name: {{ .Values.name }}\n  labels: [\n",
    "empty-resources.yaml": "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n",
    "rain-module.yaml": "Resources:\n  M:\n    Type: !Rain::Module ./m.yaml\n",
    "foreach.yaml": ("AWSTemplateFormatVersion: '2010-09-09'\nTransform: AWS::LanguageExtensions\n"
                     "Resources:\n  Fn::ForEach::Buckets:\n    - Name\n    - [a, b]\n"
                     "    - ${Name}Bucket:\n        Type: AWS::S3::Bucket\n"),
}


@pytest.fixture
def tree(tmp_path):
    for name, (content, _, _) in BAD_FILES.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    for name, content in QUIET_FILES.items():
        (tmp_path / name).write_text(content)
    (tmp_path / "good.yaml").write_text(GOOD)
    return tmp_path


def test_every_bad_file_is_one_clear_error_and_the_rest_is_checked(tree):
    process = run_cli("check", tree, "--format", "json", cwd=tree)
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stdout + process.stderr
    report = json.loads(process.stdout)
    errors = {error["file"]: error for error in report["errors"]}
    assert set(errors) == set(BAD_FILES), errors
    for name, (_, line, words) in BAD_FILES.items():
        error = errors[name]
        assert words in error["message"], (name, error)
        assert error["line"] == line, (name, error)
        assert "\n" not in error["message"]
    # the good template is still checked, and nothing else produced findings
    assert {finding["file"] for finding in report["findings"]} == {"good.yaml"}
    # templates read: good, empty-resources, rain-module, foreach; the rest skipped quietly
    assert report["summary"]["files"] == 4
    assert report["summary"]["files_skipped"] == 4


def test_text_errors_are_one_line_each_with_file_and_line(tree):
    process = run_cli("check", tree, "-q", cwd=tree)
    assert process.returncode == 2
    error_lines = [line for line in process.stderr.splitlines() if line.startswith("error:")]
    assert len(error_lines) == len(BAD_FILES)
    assert any(line.startswith("error: malformed.yaml:4:") for line in error_lines)


def test_non_templates_are_skipped_silently(tmp_path):
    for name, content in QUIET_FILES.items():
        if name.startswith(("k8s", "workflow", "package", "helm")):
            (tmp_path / name).write_text(content)
    process = run_cli("check", tmp_path, "-q", cwd=tmp_path)
    assert process.returncode == 0, process.stdout + process.stderr
    assert process.stdout == "" and process.stderr == ""


def test_unreadable_paths(tmp_path):
    (tmp_path / "loop1").symlink_to(tmp_path / "loop2")
    (tmp_path / "loop2").symlink_to(tmp_path / "loop1")
    process = run_cli("check", tmp_path / "missing.yaml", tmp_path / "loop1", tmp_path,
                      cwd=tmp_path)
    assert process.returncode == 2
    assert "Traceback" not in process.stderr
    assert "missing.yaml: cannot read" in process.stderr
    assert "loop1: cannot read" in process.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_named_pipe_is_not_read_and_does_not_hang(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    (tmp_path / "good.yaml").write_text(GOOD)
    process = run_cli("check", tmp_path, "-q", cwd=tmp_path)
    assert process.returncode == 2
    assert "pipe.yaml: is not a regular file" in process.stderr
    assert "good.yaml:" in process.stdout


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0,
                    reason="permissions do not stop root from reading")
def test_permission_denied(tmp_path):
    path = tmp_path / "secret.yaml"
    path.write_text(GOOD)
    path.chmod(0)
    process = run_cli("check", path, cwd=tmp_path)
    assert process.returncode == 2 and "cannot read" in process.stderr


def test_utf16_plan_with_bom(tmp_path):
    plan = Path(__file__).parent / "data" / "example-plan.json"
    path = tmp_path / "plan.json"
    path.write_bytes(plan.read_text().encode("utf-16"))
    process = run_cli("check", path, "--format", "json", cwd=tmp_path)
    report = json.loads(process.stdout)
    assert report["summary"]["files_by_format"] == {"terraform-plan": 1}
    assert report["summary"]["resources"] == 4


def test_huge_file_is_refused(tmp_path, monkeypatch):
    from wa_lint.load import source
    path = tmp_path / "big.json"
    path.write_text('{"Resources": {}}' + " " * 2048)
    monkeypatch.setattr(source, "MAX_FILE_BYTES", 1024)
    with pytest.raises(source.LoadError, match="over the 1,024-byte limit"):
        source.read_text(path, "big.json", max_bytes=source.MAX_FILE_BYTES)

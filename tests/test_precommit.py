"""The pre-commit hook, exercised with `pre-commit try-repo` over a fixture repository."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from helpers import FIXTURES, ROOT


def git(*args, cwd):
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                   env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
                        "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com",
                        "PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(cwd)})


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory):
    """A committed copy of this repository, as a user's .pre-commit-config would fetch it."""
    target = tmp_path_factory.mktemp("hook") / "wa-lint"
    files = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard"],
                           cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    for name in files:
        source = ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git("init", "-q", cwd=target)
    git("add", "-A", cwd=target)
    git("commit", "-qm", "snapshot", cwd=target)
    return target


def try_repo(hook_repo, user_repo, hook="wa-lint"):
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), hook,
                           "--all-files", "--color", "never"],
                          cwd=user_repo, capture_output=True, text=True, timeout=900,
                          env={"PATH": "/usr/bin:/bin:/usr/local/bin", "HOME": str(user_repo),
                               "PRE_COMMIT_HOME": str(hook_repo.parent / "cache")})


@pytest.fixture
def user_repo(tmp_path):
    # a template no rule has anything to say about (pass fixtures may draw other rules' findings)
    (tmp_path / "network.yaml").write_text(
        'AWSTemplateFormatVersion: "2010-09-09"\nResources:\n'
        "  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text("on: push\njobs: {}\n")
    (tmp_path / "package.json").write_text('{"name": "x"}')
    git("init", "-q", cwd=tmp_path)
    git("add", "-A", cwd=tmp_path)
    return tmp_path


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed by pre-commit")
def test_hook_passes_on_clean_templates_and_ignores_other_files(hook_repo, user_repo):
    process = try_repo(hook_repo, user_repo)
    assert process.returncode == 0, process.stdout + process.stderr
    assert "Passed" in process.stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is needed by pre-commit")
def test_hook_fails_on_findings_and_shows_them(hook_repo, user_repo):
    shutil.copy(FIXTURES / "single-az" / "fail.yaml", user_repo / "web.template")
    git("add", "-A", cwd=user_repo)
    process = try_repo(hook_repo, user_repo)
    assert process.returncode == 1, process.stdout + process.stderr
    assert "web.template:24:7: REL101 single-az" in process.stdout
    project = try_repo(hook_repo, user_repo, "wa-lint-project")
    assert project.returncode == 1 and "web.template" in project.stdout

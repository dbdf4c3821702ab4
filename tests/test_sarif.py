"""SARIF: valid against the 2.1.0 schema and fit for GitHub code scanning."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from helpers import FIXTURES, run_cli

SCHEMA = json.loads((Path(__file__).parent / "data" / "sarif-schema-2.1.0.json").read_text())


def sarif_of(*paths, cwd=None, extra=()):
    process = run_cli("check", *paths, "--format", "sarif", "--fail-on", "none", *extra, cwd=cwd)
    assert process.returncode in (0, 2), process.stderr
    return json.loads(process.stdout)


@pytest.fixture(scope="module")
def fixtures_sarif():
    return sarif_of("fixtures", cwd=FIXTURES.parent)


def test_valid_against_the_schema(fixtures_sarif):
    jsonschema.Draft4Validator(SCHEMA).validate(fixtures_sarif)


def test_github_essentials(fixtures_sarif):
    assert fixtures_sarif["version"] == "2.1.0" and len(fixtures_sarif["runs"]) == 1
    run = fixtures_sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"] == "wa-lint" and driver["semanticVersion"]
    rules = driver["rules"]
    assert run["automationDetails"]["id"] == "wa-lint/"
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"].endswith("/")
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["help"]["markdown"].startswith(f"# {rule['id']}")
        tags = rule["properties"]["tags"]
        assert tags[0] in {"reliability", "security", "operational-excellence",
                           "performance-efficiency", "cost-optimization", "sustainability"}
        assert len(tags) <= 10
        severity = rule["properties"].get("security-severity")
        if tags[0] == "security":
            assert isinstance(severity, str) and 0 < float(severity) <= 10
            assert "security" in tags
        else:
            assert severity is None
    assert run["results"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in ("error", "warning", "note")
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["artifactLocation"]["uri"].startswith("fixtures/")
        region = location["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
        assert region["endLine"] >= region["startLine"]
        assert result["partialFingerprints"]["primaryLocationLineHash"]


def test_fingerprints_survive_unrelated_edits(tmp_path):
    original = FIXTURES / "single-az" / "fail.yaml"
    shutil.copy(original, tmp_path / "stack.yaml")
    before = sarif_of("stack.yaml", cwd=tmp_path)["runs"][0]["results"]
    text = original.read_text().replace("Resources:\n", "# a comment\n\nResources:\n", 1)
    text = text.replace("  Workers:\n", "  Extra:\n    Type: AWS::SNS::Topic\n  Workers:\n", 1)
    (tmp_path / "stack.yaml").write_text(text)
    after = sarif_of("stack.yaml", cwd=tmp_path)["runs"][0]["results"]

    def by_print(results):
        return {r["partialFingerprints"]["waLint/v1"]: r for r in results}

    # every finding keeps its fingerprint (the added resource may bring findings of its own)
    assert by_print(before).keys() <= by_print(after).keys()
    moved = [key for key in by_print(before) if by_print(before)[key]["locations"][0][
        "physicalLocation"]["region"]["startLine"] != by_print(after)[key]["locations"][0][
        "physicalLocation"]["region"]["startLine"]]
    assert moved, "the edit should have moved the findings"


def test_paths_are_percent_encoded(tmp_path):
    folder = tmp_path / "my stacks"
    folder.mkdir()
    shutil.copy(FIXTURES / "single-az" / "fail.yaml", folder / "web tier.yaml")
    sarif = sarif_of("my stacks", cwd=tmp_path)
    uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert uri["uri"] == "my%20stacks/web%20tier.yaml"


def test_load_errors_become_notifications_and_the_log_stays_valid(tmp_path):
    (tmp_path / "bad.yaml").write_text("AWSTemplateFormatVersion: x\nResources:\n  A: [\n")
    shutil.copy(FIXTURES / "single-az" / "fail.yaml", tmp_path / "good.yaml")
    sarif = sarif_of(".", cwd=tmp_path)
    jsonschema.Draft4Validator(SCHEMA).validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    notification = invocation["toolExecutionNotifications"][0]
    assert "bad.yaml" in notification["message"]["text"]
    assert notification["locations"][0]["physicalLocation"]["region"]["startLine"] == 4


def test_category_option():
    sarif = sarif_of(FIXTURES / "single-az" / "fail.yaml", extra=("--sarif-category", "cfn"))
    assert sarif["runs"][0]["automationDetails"]["id"] == "cfn/"

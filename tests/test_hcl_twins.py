"""Every Terraform JSON fixture has an HCL twin that gives the same findings.

The twins are written by ``tests/tools/tf_json_to_hcl.py`` (rerun it after
adding or changing a ``.tf.json`` fixture). Findings are compared on rule,
resource, severity, message and suppression, not on line numbers: the same
module written in HCL must be judged exactly as in JSON.
"""

from __future__ import annotations

import importlib.util
from collections import Counter
from pathlib import Path

import pytest

from helpers import FIXTURES, ROOT, lint_paths

_spec = importlib.util.spec_from_file_location("tf_json_to_hcl",
                                               ROOT / "tests" / "tools" / "tf_json_to_hcl.py")
converter = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(converter)

SOURCES = converter.sources(FIXTURES)
FOLDERS = sorted({path.parent for path in SOURCES if path.parent.parent == FIXTURES})
SUBFOLDERS = sorted({path.relative_to(FIXTURES).parts[:2] for path in SOURCES
                     if len(path.relative_to(FIXTURES).parts) > 2})


def verdicts(results, stem_of=None) -> Counter:
    return Counter((stem_of(result.file) if stem_of else "", result.rule.id, result.resource,
                    result.severity, result.message,
                    result.suppression.kind if result.suppression else "")
                   for result in results.results)


def test_every_tf_json_fixture_has_a_current_twin():
    problems = []
    for source in SOURCES:
        twin = converter.twin_path(source, FIXTURES)
        if not twin.exists():
            problems.append(f"{twin.relative_to(ROOT)} is missing")
        elif twin.read_text(encoding="utf-8") != converter.convert_file(source):
            problems.append(f"{twin.relative_to(ROOT)} is stale")
    assert not problems, "run `python tests/tools/tf_json_to_hcl.py`: " + "; ".join(problems)


@pytest.mark.parametrize("folder", FOLDERS, ids=lambda p: p.name)
def test_twins_give_the_same_findings(folder):
    for source in sorted(folder.glob("*.tf.json")):
        twin = converter.twin_path(source, FIXTURES)
        if not twin.exists():
            continue  # reported by the test above
        original, rendered = lint_paths([source]), lint_paths([twin])
        assert not rendered.errors, [str(error) for error in rendered.errors]
        assert verdicts(rendered) == verdicts(original), \
            f"{twin.name} and {source.name} are judged differently"


@pytest.mark.parametrize("parts", SUBFOLDERS, ids="/".join)
def test_twin_folders_give_the_same_findings(parts):
    """A multi-template subfolder and its ``-hcl`` mirror, Terraform findings by file stem."""
    folder = FIXTURES.joinpath(*parts)
    mirror = folder.with_name(folder.name + converter.MIRROR_SUFFIX)
    if not mirror.is_dir():
        pytest.fail(f"{mirror.relative_to(ROOT)} is missing")

    def stem(file: str) -> str:
        name = Path(file).name
        return name[:-len(".tf.json")] if name.endswith(".tf.json") else name[:-len(".tf")]

    original = lint_paths([folder])
    kept = [r for r in original.results if r.file.endswith(".tf.json")]
    rendered = lint_paths([mirror])
    assert not rendered.errors, [str(error) for error in rendered.errors]
    original.results = kept
    assert verdicts(rendered, stem) == verdicts(original, stem)


def test_converter_renders_blocks_expressions_comments_and_heredocs():
    data = {
        "//": "wa-lint:ignore REL201 demo",
        "variable": {"zones": {"type": "list(string)", "default": ["a", "b"]}},
        "locals": {"name": "web-${var.env}"},
        "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "west", "region": "us-west-2"}]},
        "resource": {"aws_instance": {"web": {
            "//": "wa-lint:ignore SEC101 scratch box",
            "provider": "aws.west",
            "depends_on": ["aws_vpc.main"],
            "count": "${length(var.zones)}",
            "user_data": "#!/bin/sh\necho \"${var.x}\"\n",
            "tags": {"Name": "web", "aws:x": "y"},
            "ebs_block_device": [{"device_name": "/dev/sdb"}, {"device_name": "/dev/sdc"}],
            "lifecycle": {"ignore_changes": ["tags"]},
            "quoted": "say \"${lookup(var.m, \"k\")}\" and $${literal}",
        }}},
        "module": {"vpc": {"source": "./modules/vpc", "providers": {"aws": "aws.west"}}},
        "output": {"id": {"value": "${aws_instance.web[0].id}"}},
    }
    text = converter.convert(data)
    for expected in (
            "# wa-lint:ignore REL201 demo", 'variable "zones" {', "type    = list(string)",
            'name = "web-${var.env}"', 'provider "aws" {', "alias  = \"west\"",
            "  # wa-lint:ignore SEC101 scratch box", "provider   = aws.west",
            "depends_on = [aws_vpc.main]", "count      = length(var.zones)",
            "user_data  = <<EOT\n#!/bin/sh\necho \"${var.x}\"\nEOT", '"aws:x" = "y"',
            "ebs_block_device {", "ignore_changes = [tags]",
            'quoted = "say \\"${lookup(var.m, "k")}\\" and $${literal}"',
            "providers = {\n    aws = aws.west\n  }", "value = aws_instance.web[0].id"):
        assert expected in text, (expected, text)
    assert text.count("ebs_block_device {") == 2
    # and it reads back as the same values
    from wa_lint.load.hcl import load
    document = load(text, "twin.tf")
    web = document.resources[0]
    original = data["resource"]["aws_instance"]["web"]
    for key in ("user_data", "quoted", "tags", "count"):
        assert web.properties[key] == original[key], key
    assert web.attributes["//"] == original["//"]
    assert web.properties["ebs_block_device"] == original["ebs_block_device"]
    assert web.properties["lifecycle"] == [original["lifecycle"]]
    assert document.data["//"] == data["//"]

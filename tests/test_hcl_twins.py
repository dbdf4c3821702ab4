"""Every Terraform JSON fixture has an HCL twin that gives the same findings.

The twins are written by ``tests/tools/tf_json_to_hcl.py`` (rerun it after
adding or changing a ``.tf.json`` fixture). Findings are compared on rule,
resource, severity, message and suppression, not on line numbers: the same
module written in HCL must be judged exactly as in JSON.
"""

from __future__ import annotations

import importlib.util
import json
import re
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


def _unwrap(value):
    """Compare JSON and HCL readings: a block written as an object is a one-item list in HCL."""
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        return _unwrap(value[0])
    if isinstance(value, dict):
        return {key: _unwrap(item) for key, item in value.items() if key != "//"}
    if isinstance(value, list):
        return [_unwrap(item) for item in value]
    return value.rstrip("\n") if isinstance(value, str) else value


ODD_SHAPES = {
    "//": ["first line", "wa-lint:ignore REL201 second line"],
    "terraform": {"required_providers": {"aws": {"source": "hashicorp/aws"}},
                  "backend": {"s3": {"bucket": "b"}}},
    "provider": [{"aws": {"region": "eu-west-1"}}, {"aws": {"alias": "us", "region": "us-east-1"}}],
    "variable": {"v": {"type": "map(object({a = string}))", "default": {"k": {"a": "x"}}}},
    "locals": [{"a": 1.5, "b": -2, "c": 1e21}, {"d": "%{ if var.x }yes%{ else }no%{ endif }"}],
    "resource": [
        {"aws_instance": {"w": {
            "user_data": "#!/bin/bash\nEOT\necho \"$HOME\" \\\\ done\nvalue=${var.v}\n",
            "weird": "ends with $", "trimmed": "a  ${~ var.x ~}  b",
            "nested": "${lookup(var.m, \"a}b\")}-x", "back": "C:\\path\\n",
            "uni": "caf\u00e9 \u2603 \t tab", "empty": "", "list_of_lists": [[1, 2], []],
            "maps_list": [{"Key": "a", "Value": "b"}], "root_block_device": {},
            "ebs_block_device": [{"device_name": "a", "tags": {"X": "1"}}],
            "provisioner": [{"local-exec": {"command": "echo ${self.id}"}}],
            "count": "${var.on ? 1 : 0}", "provider": "aws.us",
            "depends_on": ["aws_vpc.x", "module.m"],
            "lifecycle": {"ignore_changes": ["tags"], "create_before_destroy": True}}}},
        {"aws_sns_topic": {"t": {}}},
    ],
    "data": {"aws_ami": {"x": {"filter": [{"name": "n", "values": ["a"]},
                                          {"name": "m", "values": ["b"]}]}}},
    "module": {"m": {"source": "./m", "providers": {"aws": "aws.us"}}},
    "output": {"o": {"value": "${aws_instance.w[*].id}", "depends_on": ["aws_sns_topic.t"]}},
    "moved": [{"from": "aws_instance.old", "to": "aws_instance.w"}],
}


def test_converter_handles_odd_shapes_and_reads_back_the_same(tmp_path):
    from wa_lint.load import load_file
    from wa_lint.load.hcl import load
    source = tmp_path / "odd.tf.json"
    source.write_text(json.dumps(ODD_SHAPES))
    text = converter.convert_file(source)
    assert "default = {" in text and "root_block_device {}" in text
    assert 'provisioner "local-exec" {' in text and 'backend "s3" {' in text
    assert re.search(r'trimmed += "a\$\{ ?var\.x ?\}b"', text)   # strip markers applied, dropped
    hcl, original = load(text, "odd.tf"), load_file(source)
    assert {d.address: _unwrap(d.properties) for d in hcl.resources} == \
        {d.address: {key: value for key, value in _unwrap(d.properties).items()
                     if key != "trimmed"} | ({"trimmed": "a${var.x}b"}
                                             if "trimmed" in d.properties else {})
         for d in original.resources}
    assert _unwrap(hcl.data["variable"]) == _unwrap(original.data["variable"])
    assert hcl.data["//"][1:] == ODD_SHAPES["//"]   # after the "Generated from" header


def test_converter_writes_and_checks_twins_beside_files_and_in_mirror_folders(tmp_path, capsys):
    rule = tmp_path / "some-rule"
    (rule / "pass-two-files").mkdir(parents=True)
    resource = {"resource": {"aws_sns_topic": {"t": {"name": "t"}}}}
    (rule / "fail.tf.json").write_text(json.dumps(resource))
    (rule / "pass-two-files" / "a.tf.json").write_text(json.dumps(resource))
    (rule / "pass-two-files" / "b.tf.json").write_text('{"output": {"o": {"value": "x"}}}')
    assert converter.main(["--check", "--root", str(tmp_path)]) == 1
    assert "missing" in capsys.readouterr().err
    assert converter.main(["--root", str(tmp_path)]) == 0
    assert (rule / "fail.tf").is_file()
    assert sorted(p.name for p in (rule / "pass-two-files-hcl").iterdir()) == ["a.tf", "b.tf"]
    assert converter.main(["--check", "--root", str(tmp_path)]) == 0
    (rule / "fail.tf.json").write_text(json.dumps({"resource": {"aws_sns_topic": {"u": {}}}}))
    assert converter.main(["--check", "--root", str(tmp_path)]) == 1
    assert "stale" in capsys.readouterr().err
    # mirror folders are not sources themselves
    assert all("-hcl" not in str(path) for path in converter.sources(tmp_path))

"""Terraform HCL (``.tf``): the same documents as ``.tf.json``, exact lines, bad input,
suppressions written as comments, and counted resources across zones."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from helpers import ROOT, lint_paths, lint_text, run_cli
from wa_lint.load import LoadError, load_file
from wa_lint.load.hcl import load

SUBNETS_HCL = """
    provider "aws" {
      region = "eu-west-1"
    }

    data "aws_availability_zones" "available" {
      state = "available"
    }

    resource "aws_vpc" "main" {
      cidr_block = "10.0.0.0/16"
    }

    resource "aws_subnet" "private" {
      count             = COUNT
      vpc_id            = aws_vpc.main.id
      cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)
      availability_zone = data.aws_availability_zones.available.names[count.index]
    }

    resource "aws_lb" "web" {
      internal = true
      subnets  = aws_subnet.private[*].id
    }
"""

SUBNETS_JSON = {
    "provider": {"aws": {"region": "eu-west-1"}},
    "data": {"aws_availability_zones": {"available": {"state": "available"}}},
    "resource": {
        "aws_vpc": {"main": {"cidr_block": "10.0.0.0/16"}},
        "aws_subnet": {"private": {
            "count": "COUNT",
            "vpc_id": "${aws_vpc.main.id}",
            "cidr_block": "${cidrsubnet(aws_vpc.main.cidr_block, 8, count.index)}",
            "availability_zone": "${data.aws_availability_zones.available.names[count.index]}"}},
        "aws_lb": {"web": {"internal": True, "subnets": "${aws_subnet.private[*].id}"}},
    },
}


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


# -- the loader ---------------------------------------------------------------------

def test_hcl_gives_the_documents_of_the_json_form(tmp_path):
    hcl = load_file(write(tmp_path, "hcl/main.tf", SUBNETS_HCL.replace("COUNT", "3")))
    text = json.dumps(SUBNETS_JSON).replace('"COUNT"', "3")
    original = load_file(write(tmp_path, "json/main.tf.json", text))
    assert [(d.address, d.type, d.mode, d.pointer) for d in hcl.resources] == \
        [(d.address, d.type, d.mode, d.pointer) for d in original.resources]
    for mine, theirs in zip(hcl.resources, original.resources, strict=True):
        assert mine.properties == theirs.properties
        assert mine.attributes == theirs.attributes
    assert hcl.data["provider"] == original.data["provider"]


def test_values_blocks_heredocs_and_expressions():
    document = load(textwrap.dedent('''
        variable "env" {
          default = "prod"
        }
        locals {
          name = "web-${var.env}"
        }
        locals {
          other = 1
        }
        resource "aws_security_group" "web" {
          name = "a \\"quoted\\" name"
          ingress {
            from_port   = 443
            cidr_blocks = ["0.0.0.0/0"]
          }
          ingress {
            from_port = 80
          }
          tags = {
            Name          = local.name
            "aws:team"    = "core"
          }
          description = <<-EOT
            two
              lines
          EOT
          enabled  = !var.disabled
          literal  = "$${not.interpolated}"
          nothing  = null
        }
    '''), "main.tf")
    web = document.resources[0].properties
    assert web["name"] == 'a "quoted" name'
    assert web["ingress"] == [{"from_port": 443, "cidr_blocks": ["0.0.0.0/0"]}, {"from_port": 80}]
    assert web["tags"] == {"Name": "${local.name}", "aws:team": "core"}
    assert web["description"] == "two\n  lines\n"
    assert web["enabled"] == "${!var.disabled}"
    assert web["literal"] == "$${not.interpolated}"
    assert web["nothing"] is None
    assert document.data["locals"] == [{"name": "web-${var.env}"}, {"other": 1}]
    assert document.data["variable"] == {"env": {"default": "prod"}}


def test_several_files_are_one_module(tmp_path):
    write(tmp_path, "network.tf", '''
        resource "aws_subnet" "a" {
          vpc_id            = "vpc-1"
          availability_zone = "eu-west-1a"
        }
    ''')
    write(tmp_path, "web.tf", '''
        resource "aws_lb" "web" {
          subnets = [aws_subnet.a.id]
        }
    ''')
    write(tmp_path, "db.tf.json", json.dumps({"resource": {"aws_db_subnet_group": {
        "db": {"subnet_ids": ["${aws_subnet.a.id}"]}}}}))
    results = lint_paths([tmp_path], select=["REL101"])
    found = {(result.file.rsplit("/", 1)[-1], result.resource) for result in results.results}
    assert found == {("web.tf", "aws_lb.web"), ("db.tf.json", "aws_db_subnet_group.db")}
    model = results.model
    web = next(node for node in model.nodes.values() if node.address == "aws_lb.web")
    assert [target[1] for target, _ in model.out_edges(web.id)] == ["aws_subnet.a"]


# -- positions ----------------------------------------------------------------------

def test_findings_point_at_the_attribute_line(tmp_path):
    results = lint_text(SUBNETS_HCL.replace("COUNT", "1"), tmp_path, "main.tf",
                        select=["REL101"])
    lines = {result.resource: (result.line, result.column) for result in results.results}
    assert lines["aws_lb.web"] == (23, 3)          # subnets = ... (line 1 is blank)
    assert lines["aws_vpc.main"] == (10, 1)        # the resource block
    sarif = json.loads(run_cli("check", tmp_path / "main.tf", "--format", "sarif",
                               "--select", "REL101").stdout)
    regions = {result["locations"][0]["physicalLocation"]["region"]["startLine"]
               for result in sarif["runs"][0]["results"]}
    assert regions == {23, 10}


def test_nested_block_and_object_positions():
    document = load(textwrap.dedent('''
        resource "aws_instance" "web" {
          ebs_block_device {
            encrypted = false
          }
          ebs_block_device {
            encrypted = true
          }
          tags = {
            Name = "web"
          }
          security_groups = [
            "a",
            "b",
          ]
        }
    '''), "main.tf")
    find = document.locations.find
    base = ("resource", "aws_instance", "web")
    assert find((*base, "ebs_block_device", 1, "encrypted")).line == 7
    assert find((*base, "tags", "Name")).line == 10
    assert find((*base, "security_groups", 1)).line == 14


# -- bad input ------------------------------------------------------------------------

BAD = {
    "broken.tf": ('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n  acl =\n}\n', "3:",
                  "invalid HCL"),
    "unclosed.tf": ('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n', "3:1",
                    "unexpected end of file"),
    "latin1.tf": (b'resource "aws_s3_bucket" "b" {\n  bucket = "caf\xe9"\n}\n', "2:",
                  "not valid UTF-8"),
    "hcl.tf.json": ('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n', "1:1",
                    "looks like HCL, not JSON; rename it to .tf"),
    "deep.tf": ("locals {\n  x = " + "[" * 5000 + "]" * 5000 + "\n}\n", "", "nesting deeper"),
}


def test_bad_hcl_is_one_line_per_file_and_the_rest_is_checked(tmp_path):
    for name, (content, _, _) in BAD.items():
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    write(tmp_path, "good/main.tf", '''
        resource "aws_db_instance" "db" {
          engine = "postgres"
        }
    ''')
    process = run_cli("check", tmp_path, "--select", "SEC101")
    assert process.returncode == 2, process.stderr
    assert "Traceback" not in process.stderr
    errors = [line for line in process.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == len(BAD), errors
    for name, (_, where, words) in BAD.items():
        line = next(line for line in errors if f"{name}:" in line)
        assert words in line and f"{name}:{where}" in line, line
    assert "aws_db_instance.db" in process.stdout


def test_load_errors_carry_the_line(tmp_path):
    path = write(tmp_path, "x.tf", 'resource "a" "b" {\n  x = [1, 2\n  y = 3\n}\n')
    with pytest.raises(LoadError) as raised:
        load_file(path)
    assert (raised.value.line, raised.value.column) == (3, 3)
    assert "\n" not in str(raised.value)


def test_odd_but_parseable_hcl_is_noted_not_fatal(tmp_path):
    write(tmp_path, "odd.tf", '''
        resource "aws_s3_bucket" "b" {
          bucket = "x"
        }
        resource "aws_s3_bucket" "b" {}
        resource "x" {}
        foo = 1
    ''')
    write(tmp_path, "empty.tf", "")
    results = lint_paths([tmp_path])
    assert not results.errors
    assert len(results.warnings) == 3
    assert [node.address for node in results.model.nodes.values()] == ["aws_s3_bucket.b"]


def test_discovery_finds_tf_and_skips_dot_terraform(tmp_path):
    write(tmp_path, "main.tf", 'resource "aws_s3_bucket" "b" {}\n')
    write(tmp_path, ".terraform/modules/x/main.tf", 'resource "aws_s3_bucket" "c" {}\n')
    results = lint_paths([tmp_path])
    assert [document.path.rsplit("/", 1)[-1] for document in results.documents] == ["main.tf"]


def test_cloudformation_runs_do_not_import_python_hcl2(tmp_path):
    template = ROOT / "fixtures" / "single-az" / "fail.yaml"
    code = ("import sys; from wa_lint.engine import lint; from wa_lint.registry import collect; "
            f"lint([{str(template)!r}], collect()); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('hcl2', 'lark')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout
    assert output.strip() == "[]"


# -- suppressions ---------------------------------------------------------------------

def test_comment_suppressions_above_and_inside_a_block(tmp_path):
    results = lint_text('''
        # wa-lint:ignore REL201 the whole file: scratch buckets

        # wa-lint:ignore SEC101 synthetic data only
        resource "aws_db_instance" "above" {
          engine = "postgres"
        }

        resource "aws_db_instance" "inside" {
          engine = "postgres" // wa-lint:ignore unencrypted-storage test database
        }

        /* wa-lint:ignore SEC101 */
        resource "aws_db_instance" "block_comment" {
          engine = "postgres"
        }

        # a plain comment, then a blank line: not a suppression

        resource "aws_db_instance" "plain" {
          engine = "postgres"
        }

        resource "aws_s3_bucket" "scratch" {}
    ''', tmp_path, "main.tf", select=["SEC101", "REL201", "OPS901", "OPS902"])
    by_resource = {(result.resource, result.rule.id): result for result in results.results}
    assert by_resource[("aws_db_instance.above", "SEC101")].suppression.reason == \
        "synthetic data only"
    assert by_resource[("aws_db_instance.above", "SEC101")].suppression.where.endswith(":4")
    assert by_resource[("aws_db_instance.inside", "SEC101")].suppression.reason == \
        "test database"
    assert by_resource[("aws_db_instance.block_comment", "SEC101")].suppression is not None
    assert by_resource[("aws_db_instance.plain", "SEC101")].suppression is None
    assert by_resource[("aws_s3_bucket.scratch", "REL201")].suppression.kind == "inSource"
    no_reason = by_resource[("aws_db_instance.block_comment", "OPS901")]
    assert no_reason.line == 13


# -- counted resources and zones ------------------------------------------------------------

@pytest.mark.parametrize("count,fires", [(3, False), (2, False), (1, True)])
@pytest.mark.parametrize("form", ["main.tf", "main.tf.json"])
def test_counted_subnets_span_one_zone_per_index(tmp_path, form, count, fires):
    if form == "main.tf":
        text = SUBNETS_HCL.replace("COUNT", str(count))
    else:
        text = json.dumps(SUBNETS_JSON).replace('"COUNT"', str(count))
    results = lint_text(text, tmp_path, form, select=["REL101"])
    fired = {result.resource for result in results.results}
    assert ("aws_lb.web" in fired) is fires
    assert ("aws_vpc.main" in fired) is fires


@pytest.mark.parametrize("form", ["main.tf", "main.tf.json"])
def test_count_from_a_variable_and_for_each(tmp_path, form):
    hcl = SUBNETS_HCL.replace("COUNT", "var.zones") + textwrap.dedent('''
        variable "zones" {
          default = 2
        }
        resource "aws_subnet" "each" {
          for_each          = toset(["a", "b"])
          vpc_id            = aws_vpc.main.id
          availability_zone = "eu-west-1${each.key}"
        }
        resource "aws_db_subnet_group" "db" {
          subnet_ids = [for subnet in aws_subnet.each : subnet.id]
        }
    ''')
    if form == "main.tf.json":
        data = json.loads(json.dumps(SUBNETS_JSON).replace('"COUNT"', '"${var.zones}"'))
        data["variable"] = {"zones": {"default": 2}}
        data["resource"]["aws_subnet"]["each"] = {
            "for_each": '${toset(["a", "b"])}', "vpc_id": "${aws_vpc.main.id}",
            "availability_zone": "eu-west-1${each.key}"}
        data["resource"]["aws_db_subnet_group"] = {"db": {
            "subnet_ids": "${[for subnet in aws_subnet.each : subnet.id]}"}}
        text = json.dumps(data)
    else:
        text = hcl
    results = lint_text(text, tmp_path, form, select=["REL101"])
    assert not results.results   # two zones; a for expression's subnets stay unknown
    model = results.model
    each = next(node for node in model.nodes.values() if node.address == "aws_subnet.each")
    assert each.scope.instance_count(each) == 2


def test_resource_prefixed_references(tmp_path):
    """``resource.aws_x.y`` (Terraform 1.7+) is the same reference as ``aws_x.y``."""
    results = lint_text('''
        resource "aws_subnet" "a" {
          availability_zone = "eu-west-1a"
        }
        resource "aws_lb" "web" {
          subnets = [resource.aws_subnet.a.id]
        }
    ''', tmp_path, "main.tf", select=["REL101"])
    assert [result.resource for result in results.results] == ["aws_lb.web"]
    assert [(s[1], t[1]) for s, t in results.model.graph.edges()] == [("aws_lb.web",
                                                                        "aws_subnet.a")]


def test_huge_hcl_files_are_refused_before_parsing(tmp_path, monkeypatch):
    from wa_lint.load import hcl
    monkeypatch.setattr(hcl, "MAX_HCL_BYTES", 100)
    path = write(tmp_path, "big.tf", 'resource "aws_s3_bucket" "b" {\n' + "  # pad\n" * 30 + "}\n")
    with pytest.raises(LoadError, match="over the 100-byte limit"):
        load_file(path)


def test_positions_fall_back_to_the_key_in_the_block_text(monkeypatch):
    """Where the parse tree has no position for an attribute, the key is searched for in the
    lines of its block."""
    from wa_lint.load import hcl
    real = hcl._Walker._span
    monkeypatch.setattr(hcl._Walker, "_span", lambda self, node, key=None: None if type(
        node).__name__ == "AttributeRule" else real(self, node, key))
    document = load(textwrap.dedent('''
        resource "aws_s3_bucket" "a" {
          bucket = "a"
        }
        resource "aws_s3_bucket" "b" {
          acl    = "private"
          bucket = "b"
        }
    '''), "main.tf")
    find = document.locations.find
    assert find(("resource", "aws_s3_bucket", "b", "bucket")).line == 7
    assert find(("resource", "aws_s3_bucket", "a", "bucket")).line == 3


@pytest.mark.parametrize("zones,fires", [('["eu-west-1a", "eu-west-1b"]', False),
                                         ('["eu-west-1a"]', True),
                                         ('{ a = "eu-west-1a", b = "eu-west-1a" }', True)])
def test_for_each_subnets_are_one_instance_per_element(tmp_path, zones, fires):
    key = "each.value" if zones.startswith("{") else "each.key"
    results = lint_text(f'''
        resource "aws_vpc" "main" {{
          cidr_block = "10.0.0.0/16"
        }}
        resource "aws_subnet" "private" {{
          for_each          = {"toset(" + zones + ")" if zones.startswith("[") else zones}
          vpc_id            = aws_vpc.main.id
          availability_zone = {key}
        }}
    ''', tmp_path, "main.tf", select=["REL101"])
    assert ("aws_vpc.main" in {result.resource for result in results.results}) is fires


def test_two_suppressions_in_one_comment_block_are_two(tmp_path):
    results = lint_text('''
        # wa-lint:ignore SEC101 synthetic data only,
        #   regenerated nightly
        # wa-lint:ignore REL105 a throwaway copy
        resource "aws_db_instance" "copy" {
          engine = "postgres"
        }
    ''', tmp_path, "main.tf", select=["SEC101", "REL105", "OPS902"])
    by_rule = {result.rule.id: result for result in results.results}
    assert by_rule["SEC101"].suppression.reason == "synthetic data only, regenerated nightly"
    assert by_rule["REL105"].suppression.reason == "a throwaway copy"
    assert "OPS902" not in by_rule

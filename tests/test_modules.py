"""Terraform modules: a folder is one module, local child modules join the graph under
``module.<name>``, remote ones are a note and never fetched."""

from __future__ import annotations

import json
import textwrap

import pytest

from helpers import lint_paths, run_cli


def write(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) if not name.endswith(".json") else text)


def addresses(results) -> set[str]:
    return {node.address for node in results.model.nodes.values()}


def edge_set(results) -> set[tuple[str, str]]:
    return {(source[1], target[1]) for source, target in results.model.graph.edges()}


NETWORK = {
    "modules/net/main.tf": '''
        variable "zones" {
          default = 3
        }

        data "aws_availability_zones" "available" {
          state = "available"
        }

        resource "aws_vpc" "main" {
          cidr_block = "10.0.0.0/16"
        }
    ''',
    "modules/net/subnets.tf": '''
        resource "aws_subnet" "private" {
          count             = var.zones
          vpc_id            = aws_vpc.main.id
          availability_zone = data.aws_availability_zones.available.names[count.index]
        }

        output "subnet_ids" {
          value = aws_subnet.private[*].id
        }
    ''',
    "modules/db/main.tf.json": json.dumps({
        "variable": {"subnet_ids": {}},
        "resource": {"aws_db_subnet_group": {"db": {"subnet_ids": "${var.subnet_ids}"}}},
    }),
}


def root_module(zones: int) -> str:
    return f'''
        provider "aws" {{
          region = "eu-west-1"
        }}

        module "net" {{
          source = "./modules/net"
          zones  = {zones}
        }}

        module "db" {{
          source     = "./modules/db"
          subnet_ids = module.net.subnet_ids
        }}

        resource "aws_lb" "web" {{
          subnets = module.net.subnet_ids
        }}
    '''


def test_local_modules_join_the_graph_under_module_addresses(tmp_path):
    write(tmp_path, {**NETWORK, "main.tf": root_module(3)})
    results = lint_paths([tmp_path], select=["REL101"])
    assert not results.errors and not results.warnings
    assert addresses(results) == {
        "aws_lb.web", "module.net.aws_vpc.main", "module.net.aws_subnet.private",
        "module.net.data.aws_availability_zones.available", "module.db.aws_db_subnet_group.db"}
    edges = edge_set(results)
    # an output read by the caller, and an input passed to another module, are edges
    assert ("aws_lb.web", "module.net.aws_subnet.private") in edges
    assert ("module.db.aws_db_subnet_group.db", "module.net.aws_subnet.private") in edges
    # within the module, local addresses resolve to the module's resources
    assert ("module.net.aws_subnet.private", "module.net.aws_vpc.main") in edges
    assert not results.results     # three zones, through the input, the count and the output


def test_inputs_and_the_callers_region_reach_the_module(tmp_path):
    write(tmp_path, {**NETWORK, "main.tf": root_module(1)})
    results = lint_paths([tmp_path], select=["REL101"])
    found = {(result.resource, result.file.rsplit("/", 1)[-1]) for result in results.results}
    assert found == {("aws_lb.web", "main.tf"),
                     ("module.net.aws_vpc.main", "main.tf"),
                     ("module.db.aws_db_subnet_group.db", "main.tf.json")}
    messages = " ".join(result.message for result in results.results)
    assert "AZ[0]@eu-west-1" in messages    # the provider Region is inherited


def test_module_findings_point_into_the_module_file(tmp_path):
    write(tmp_path, {**NETWORK, "main.tf": root_module(1)})
    results = lint_paths([tmp_path], select=["REL101"])
    vpc = next(result for result in results.results
               if result.resource == "module.net.aws_vpc.main")
    assert vpc.file.endswith("modules/net/main.tf") and vpc.line == 10


def test_json_modules_are_followed_too(tmp_path):
    write(tmp_path, {
        "main.tf.json": json.dumps({"module": {"store": {"source": "./store",
                                                         "encrypted": False}}}),
        "store/main.tf.json": json.dumps({
            "variable": {"encrypted": {"default": True}},
            "resource": {"aws_db_instance": {"db": {
                "engine": "postgres", "storage_encrypted": "${var.encrypted}"}}}}),
    })
    results = lint_paths([tmp_path], select=["SEC101"])
    assert [result.resource for result in results.results] == ["module.store.aws_db_instance.db"]


def test_nested_modules(tmp_path):
    write(tmp_path, {
        "main.tf": 'module "app" {\n  source = "./app"\n}\n',
        "app/main.tf": 'module "store" {\n  source = "../store"\n  name = "x"\n}\n',
        "store/main.tf": 'variable "name" {}\nresource "aws_s3_bucket" "b" {\n'
                         '  bucket = var.name\n}\n',
    })
    results = lint_paths([tmp_path])
    assert addresses(results) == {"module.app.module.store.aws_s3_bucket.b"}
    node = next(iter(results.model.nodes.values()))
    assert node.properties["bucket"] == "x"


def test_a_called_folder_is_not_checked_again_as_a_root(tmp_path):
    write(tmp_path, {**NETWORK, "main.tf": root_module(3)})
    results = lint_paths([tmp_path])
    assert not any(address.startswith("aws_vpc") for address in addresses(results))
    alone = lint_paths([tmp_path / "modules" / "net"])   # checked on its own, it is a root
    assert "aws_vpc.main" in addresses(alone)


@pytest.mark.parametrize("source", [
    "terraform-aws-modules/vpc/aws", "git::https://example.com/vpc.git?ref=v1",
    "github.com/acme/modules//vpc", "https://example.com/vpc.zip", "s3::https://bucket/vpc.zip"])
def test_remote_modules_are_a_note_and_never_fetched(tmp_path, source):
    write(tmp_path, {"main.tf": f'module "vpc" {{\n  source = "{source}"\n}}\n'
                                'resource "aws_lb" "web" {\n  subnets = module.vpc.private_subnets\n}\n'})
    results = lint_paths([tmp_path])
    assert not results.errors
    assert len(results.warnings) == 1
    warning = results.warnings[0]
    assert "main.tf:1:1: module.vpc" in warning and "never fetched" in warning
    assert source in warning


def test_remote_module_note_is_a_warning_line_not_an_error(tmp_path):
    write(tmp_path, {"main.tf": 'module "vpc" {\n  source = "terraform-aws-modules/vpc/aws"\n}\n'})
    process = run_cli("check", tmp_path)
    assert process.returncode == 0, process.stderr
    assert process.stderr.startswith("warning:") and "remote" in process.stderr


def test_missing_cyclic_and_broken_modules(tmp_path):
    write(tmp_path, {
        "main.tf": 'module "gone" {\n  source = "./nowhere"\n}\n'
                   'module "loop" {\n  source = "./loop"\n}\n'
                   'module "broken" {\n  source = "./broken"\n}\n'
                   'module "dynamic" {\n  source = "${var.where}"\n}\n',
        "loop/main.tf": 'module "again" {\n  source = "./"\n}\n'
                        'resource "aws_s3_bucket" "b" {}\n',
        "broken/main.tf": 'resource "aws_s3_bucket" "b" {\n',
    })
    results = lint_paths([tmp_path])
    text = "\n".join(results.warnings)
    assert "module.gone" in text and "not a folder" in text
    assert "module.loop.module.again" in text and "cycle" in text
    assert "module.dynamic has no literal source" in text
    assert [error.file.rsplit("/", 1)[-1] for error in results.errors] == ["main.tf"]
    assert "broken" in results.errors[0].file
    assert "module.loop.aws_s3_bucket.b" in addresses(results)


def test_cross_file_references_in_one_folder_mixing_hcl_and_json(tmp_path):
    write(tmp_path, {
        "vpc.tf": 'resource "aws_vpc" "main" {\n  cidr_block = "10.0.0.0/16"\n}\n',
        "subnets.tf.json": json.dumps({"resource": {"aws_subnet": {"a": {
            "vpc_id": "${aws_vpc.main.id}", "availability_zone": "eu-west-1a"}}}}),
        "lb.tf": 'resource "aws_lb" "web" {\n  subnets = [aws_subnet.a.id]\n}\n',
    })
    results = lint_paths([tmp_path], select=["REL101"])
    assert edge_set(results) == {("aws_subnet.a", "aws_vpc.main"), ("aws_lb.web", "aws_subnet.a")}
    assert {result.resource for result in results.results} == {"aws_lb.web", "aws_vpc.main"}


def test_a_module_named_by_one_of_its_files_is_read_whole(tmp_path):
    """pre-commit passes only changed files: the called module still gets all of its files."""
    write(tmp_path, {**NETWORK, "main.tf": root_module(3)})
    results = lint_paths([tmp_path / "main.tf", tmp_path / "modules" / "net" / "main.tf"],
                         select=["REL101"])
    assert "module.net.aws_subnet.private" in addresses(results)
    assert not results.results


def test_a_module_called_twice_is_two_instances_with_one_file_suppression(tmp_path):
    write(tmp_path, {
        "main.tf": 'module "a" {\n  source = "./db"\n}\nmodule "b" {\n  source = "./db"\n}\n',
        "db/main.tf": '# wa-lint:ignore REL201 nothing to replicate here\n\n'
                      'resource "aws_db_instance" "db" {\n  engine = "postgres"\n}\n',
    })
    results = lint_paths([tmp_path], select=["SEC101", "REL201", "OPS902"])
    found = sorted((result.rule.id, result.resource) for result in results.results)
    assert found == [("OPS902", "(template)"), ("SEC101", "module.a.aws_db_instance.db"),
                     ("SEC101", "module.b.aws_db_instance.db")]

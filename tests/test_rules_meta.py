"""Rule metadata, the registry, third-party packs and crash isolation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from helpers import FIXTURES, ROOT, run_cli
from wa_lint.engine import lint
from wa_lint.registry import RegistryError, collect, select
from wa_lint.rule import PILLARS, RuleDefinitionError, rule
from wa_lint.wellarchitected import best_practice

RULES = collect()


def test_every_rule_cites_existing_best_practices():
    for spec in RULES:
        for identifier in spec.best_practices:
            assert best_practice(identifier), f"{spec.id} cites unknown {identifier}"


def test_ids_and_names_are_unique_and_pillars_valid():
    assert len({spec.id for spec in RULES}) == len(RULES)
    assert len({spec.name for spec in RULES}) == len(RULES)
    assert {spec.pillar for spec in RULES} <= set(PILLARS)


def test_rule_modules_are_named_after_their_rule():
    for spec in RULES:
        assert spec.module.rsplit(".", 1)[-1] == spec.name.replace("-", "_")
        assert spec.function.__name__ == spec.name.replace("-", "_")
        folder = spec.pillar.replace("-", "_")
        assert spec.module == f"wa_lint.rules.{folder}.{spec.name.replace('-', '_')}"


def test_docstrings_have_the_fixed_sections():
    for spec in RULES:
        assert spec.sections["How to fix"].count("```") >= 2, spec.id
        assert spec.description and not spec.title.endswith(".")


DOC = '''Title of the problem

    ## What it checks
    x

    ## Why it matters
    y

    ## How to fix
    z
    '''


def make(doc=DOC, **overrides):
    metadata = dict(id="REL999", name="example-rule", pillar="reliability", severity="warning",
                    resource_types=("AWS::S3::Bucket",), bp="REL10-BP01")
    metadata.update(overrides)

    def example_rule(view):
        yield from ()
    example_rule.__doc__ = doc
    return rule(**metadata)(example_rule)


@pytest.mark.parametrize("overrides, message", [
    ({"id": "R1"}, "id must be"), ({"id": "SEC999"}, "does not match pillar"),
    ({"name": "Bad_Name"}, "kebab-case"), ({"pillar": "speed"}, "pillar must be"),
    ({"severity": "critical"}, "severity must be"), ({"bp": "REL10_BP01"}, "bp must name"),
    ({"resource_types": ()}, "resource_types"),
    ({"doc": "Title.\n\n## What it checks\nx"}, "first line"),
    ({"doc": "Title\n\n## What it checks\nx\n## How to fix\nz"}, "Why it matters"),
])
def test_the_decorator_validates_eagerly(overrides, message):
    with pytest.raises(RuleDefinitionError, match=message):
        make(**overrides)


def test_a_valid_declaration_attaches_a_spec_and_registers_nothing():
    function = make()
    assert function.__wa_rule__.id == "REL999"
    assert "REL999" not in {spec.id for spec in collect()}


def test_a_rule_that_crashes_on_one_resource_costs_neither_the_rule_nor_the_run():
    from wa_lint.rule import Finding  # noqa: F401

    @rule(id="REL998", name="crashes-on-one", pillar="reliability", severity="warning",
          resource_types=("AWS::EC2::Subnet",), bp="REL10-BP01")
    def crashes_on_one(view):
        """Crashes on one subnet

        ## What it checks
        x
        ## Why it matters
        y
        ## How to fix
        z
        """
        for subnet in view.resources():
            if subnet.address == "SubnetAlsoA":
                raise ValueError("boom")
            yield subnet.finding(None, f"seen {subnet}")

    results = lint([FIXTURES / "single-az" / "fail.yaml"],
                   [crashes_on_one.__wa_rule__, *select(RULES, ["single-az"])])
    assert [e.rule_id for e in results.errors] == ["REL998"]
    assert results.errors[0].resource == "SubnetAlsoA" and "boom" in results.errors[0].message
    assert {r.message for r in results.results if r.rule.id == "REL998"} == {"seen SubnetA"}
    assert any(r.rule.id == "REL101" for r in results.results)


def test_select_rejects_unknown_tokens():
    with pytest.raises(RegistryError, match="unknown rule"):
        select(RULES, ["typo-rule"])


PACK = {
    "pyproject.toml": """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"
        [project]
        name = "acme-wa-rules"
        version = "1.0"
        [project.entry-points."wa_lint.rules"]
        acme = "acme_wa_rules"
        [tool.setuptools]
        packages = ["acme_wa_rules"]
    """,
    "acme_wa_rules/__init__.py": '''
        from wa_lint.rule import rule

        @rule(id="ACME-REL001", name="acme-bucket-tag", pillar="reliability", severity="error",
              resource_types=("AWS::S3::Bucket",), bp="REL09-BP01")
        def acme_bucket_tag(view):
            """Bucket has no backup tag

            ## What it checks
            Buckets without a `backup` tag.

            ## Why it matters
            Our backup plans select by tag.

            ## How to fix
            Tag it.
            """
            for bucket in view.resources():
                if not bucket.get("Tags"):
                    yield bucket.finding("Tags", f"Bucket {bucket} has no backup tag")
    ''',
}


@pytest.fixture(scope="module")
def installed_pack(tmp_path_factory):
    source = tmp_path_factory.mktemp("pack-src")
    for name, text in PACK.items():
        path = source / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    target = tmp_path_factory.mktemp("pack-site")
    process = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                              "--no-build-isolation", "--target", str(target), str(source)],
                             capture_output=True, text=True, timeout=300)
    assert process.returncode == 0, process.stderr
    return target


def test_a_third_party_pack_is_installed_and_its_rule_runs(installed_pack):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(installed_pack),
                                                        os.environ.get("PYTHONPATH", "")]))
    rules = subprocess.run([sys.executable, "-m", "wa_lint", "rules", "--format", "json"],
                           capture_output=True, text=True, env=env, cwd=ROOT)
    assert "ACME-REL001" in {r["id"] for r in json.loads(rules.stdout)["rules"]}
    check = subprocess.run([sys.executable, "-m", "wa_lint", "check",
                            "fixtures/s3-missing-cross-region-replication/fail.yaml",
                            "--select", "ACME-REL001", "--format", "json"],
                           capture_output=True, text=True, env=env, cwd=ROOT)
    findings = json.loads(check.stdout)["findings"]
    assert {f["resource"] for f in findings} == {"Uploads", "AccessLogs", "Invoices",
                                                 "InvoicesCopy"}
    assert check.returncode == 1


def test_a_broken_pack_stops_the_run_with_one_line(tmp_path):
    dist = tmp_path / "broken_pack-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: broken-pack\nVersion: 1.0\n")
    (dist / "entry_points.txt").write_text("[wa_lint.rules]\nbroken = broken_pack_module\n")
    (tmp_path / "broken_pack_module.py").write_text("raise ImportError('missing dependency')\n")
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    process = subprocess.run([sys.executable, "-m", "wa_lint", "check", "fixtures"],
                             capture_output=True, text=True, env=env, cwd=ROOT)
    assert process.returncode == 2
    assert "broken-pack" in process.stderr and "missing dependency" in process.stderr
    assert "Traceback" not in process.stderr
    assert run_cli("rules").returncode == 0  # without the pack all is well

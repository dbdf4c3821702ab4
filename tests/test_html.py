"""The HTML review report: one self-contained, escaped, deterministic file."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from helpers import ROOT, lint_paths, run_cli
from wa_lint.report import render, write_atomically
from wa_lint.report.html import doc_blocks, script_json

EXAMPLES = ROOT / "examples"
PAYLOADS = ("<script>alert(1)</script>", '"><img src=x onerror=alert(1)>')

EVIL_YAML = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  "<script>alert(1)</script>":
    Type: AWS::SQS::Queue
    Properties:
      QueueName: '"><img src=x onerror=alert(1)>'
  Uploads:
    Type: AWS::S3::Bucket
    Metadata:
      wa-lint:
        ignore:
          - rule: s3-missing-cross-region-replication
            reason: '<script>alert(1)</script> thumbnails, regenerated'
    Properties:
      BucketName: '"><img src=x onerror=alert(1)>'
  Consumer:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      Role: arn:aws:iam::123456789012:role/consumer
      Code: {ZipFile: "def handler(e, c): pass"}
  Mapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !GetAtt "<script>alert(1)</script>.Arn"
      FunctionName: !Ref Consumer
"""
EVIL_TF = {"resource": {
    "aws_sqs_queue": {'q"><img src=x onerror=alert(1)>': {"name": "<script>alert(1)</script>"}},
    "aws_lambda_event_source_mapping": {"m": {"event_source_arn": "${aws_sqs_queue.q.arn}",
                                              "function_name": "f"}}}}


def write_evil(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "evil.yaml").write_text(EVIL_YAML)
    (folder / "evil.tf.json").write_text(json.dumps(EVIL_TF))
    return folder


class _Collector(HTMLParser):
    """Tags, attributes and script bodies of a page, as a browser's tokenizer sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._script: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = attributes

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        if self._script is not None:
            self.scripts.append((self._script, data))

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None


def parse(page: str) -> _Collector:
    collector = _Collector()
    collector.feed(page)
    return collector


def report_data(page: str) -> dict:
    collector = parse(page)
    body = [text for attrs, text in collector.scripts if attrs.get("id") == "report-data"]
    assert len(body) == 1
    return json.loads(body[0])


@pytest.fixture(scope="module")
def examples_page() -> str:
    return render(lint_paths([EXAMPLES]), "html")


def test_cli_writes_one_self_contained_file(tmp_path):
    output = tmp_path / "review.html"
    process = run_cli("check", EXAMPLES, "--format", "html", "--output", output, cwd=ROOT)
    assert process.returncode == 1, process.stderr          # the examples have findings
    assert process.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.html"]   # no temp files left
    page = output.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    collector = parse(page)
    for tag, attributes in collector.tags:
        assert tag not in ("link", "iframe", "object", "embed", "img", "base"), tag
        for name in ("src", "href", "action", "srcset", "poster"):
            value = attributes.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (tag, name, value)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", page)
    assert "@import" not in page


def test_cli_pairs_html_with_other_formats(tmp_path):
    process = run_cli("check", EXAMPLES, "-f", "html", "-o", tmp_path / "r.html", "-f", "json",
                      "-o", tmp_path / "r.json", "--fail-on", "none", cwd=ROOT)
    assert process.returncode == 0, process.stderr
    summary = json.loads((tmp_path / "r.json").read_text())["summary"]
    data = report_data((tmp_path / "r.html").read_text())
    assert len(data["findings"]) == summary["findings"]


def test_page_structure(examples_page):
    results = lint_paths([EXAMPLES])
    collector = parse(examples_page)
    ids = {attributes.get("id") for _, attributes in collector.tags}
    assert {"scorecard", "architecture", "diagram-0", "findings", "suppressed", "filters",
            "f-pillar", "f-file", "f-text", "node-panel", "report-data"} <= ids
    cards = [a for t, a in collector.tags if t == "button" and "data-pillar" in a]
    assert [a["data-pillar"] for a in cards] == ["operational-excellence", "security",
                                                 "reliability", "performance-efficiency",
                                                 "cost-optimization", "sustainability"]
    nodes = [a for t, a in collector.tags if t == "g" and "node" in a.get("class", "").split()]
    assert len(nodes) == results.resource_count
    # the header says what was scanned and the totals
    counts = results.count_by_severity()
    assert f"{results.resource_count} resources" in examples_page
    assert f"<b>{counts['error']}</b> errors" in examples_page
    assert "generated" not in examples_page.split("</header>")[0]
    data = report_data(examples_page)
    assert len(data["findings"]) == len(results.active)
    assert len(data["nodes"]) == results.resource_count
    finding = next(f for f in data["findings"] if f["r"] == "REL101")
    rule = data["rules"]["REL101"]
    assert rule["pillar"] == "reliability" and rule["bps"][0][0].startswith("REL")
    assert any(block[0] == "code" for block in rule["fix"])          # how to fix, with code
    start, lines = data["snippets"][finding["x"]]
    source = Path(data["files"][finding["f"]]).read_text().splitlines()
    assert lines == source[start - 1:start - 1 + len(lines)]
    assert start <= finding["l"] < start + len(lines)


def test_diagram_groups_by_vpc_and_zone(examples_page):
    data = report_data(examples_page)
    where = {node[0]: node[6] for node in data["nodes"]}
    # network.yaml puts both private subnets in the first zone: the diagram shows it
    assert where["PrivateSubnetA"] == where["PrivateSubnetB"] == "VPC Vpc · AZ[0]"
    assert where["PublicSubnetB"] == "VPC Vpc · AZ[1]"
    # the load balancer in web.yaml reaches the subnets through Fn::ImportValue
    assert where["LoadBalancer"] == "VPC Vpc · across zones"
    assert where["Uploads"] == "outside a VPC · S3"
    by_name = {node[0]: index for index, node in enumerate(data["nodes"])}
    assert by_name["Vpc"] in data["nodes"][by_name["PublicSubnetA"]][5]


def test_content_security_policy_allows_only_the_inline_script(examples_page):
    collector = parse(examples_page)
    policy = next(a["content"] for t, a in collector.tags
                  if t == "meta" and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in policy
    code = [text for attrs, text in collector.scripts if "type" not in attrs]
    assert len(code) == 1
    digest = base64.b64encode(hashlib.sha256(code[0].encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


def test_template_text_is_escaped_everywhere(tmp_path):
    folder = write_evil(tmp_path / "evil")
    results = lint_paths([folder])
    assert any(r.resource == PAYLOADS[0] for r in results.active)     # the payload is a finding
    assert any(r.suppression and PAYLOADS[0] in r.suppression.reason for r in results.results)
    page = render(results, "html")
    for payload in PAYLOADS:
        assert payload not in page
    assert "onerror=alert" not in page.replace("onerror=alert(1)&gt;", "") \
                                      .replace("onerror=alert(1)\\u003e", "")
    collector = parse(page)
    assert [t for t, _ in collector.tags].count("script") == 2        # data and code, no more
    assert not any(t == "img" for t, _ in collector.tags)
    assert not any(name.startswith("on") for _, a in collector.tags for name in a)
    # ... and the data still round-trips to the exact text
    data = report_data(page)
    assert PAYLOADS[0] in {node[0] for node in data["nodes"]}
    assert any(PAYLOADS[1] in line for _, lines in data["snippets"] for line in lines)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; thumbnails, regenerated" in page


def test_script_json_is_safe_inside_a_script_element():
    text = str(script_json({"a": "</script><script>x()</script>", "b": "\u2028\u2029&<>"}))
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"a": "</script><script>x()</script>", "b": "\u2028\u2029&<>"}


def test_how_to_fix_becomes_plain_blocks():
    blocks = doc_blocks(textwrap.dedent("""\
        Set `MultiAZ` to true.

        ```yaml
        Db:
          Type: AWS::RDS::DBInstance
        ```
        Then redeploy."""))
    assert blocks == [["p", "Set `MultiAZ` to true."],
                      ["code", "yaml", "Db:\n  Type: AWS::RDS::DBInstance"],
                      ["p", "Then redeploy."]]


def test_same_input_same_bytes(tmp_path):
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    for output in (first, second):
        run_cli("check", EXAMPLES, "-f", "html", "-o", output, cwd=ROOT)
    assert first.read_bytes() == second.read_bytes()
    stamped = tmp_path / "c.html"
    run_cli("check", EXAMPLES, "-f", "html", "-o", stamped, "--report-timestamp", cwd=ROOT)
    assert re.search(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", stamped.read_text())


def test_suppressed_findings_are_shown_apart(tmp_path):
    folder = write_evil(tmp_path / "evil")
    page = render(lint_paths([folder]), "html")
    data = report_data(page)
    assert not any(f["res"] == "Uploads" and f["r"] == "REL201" for f in data["findings"])
    table = page.split('id="suppressed"', 1)[1].split("</section>", 1)[0]
    assert "REL201" in table and "Uploads" in table
    assert "thumbnails, regenerated" in table and "in the template" in table
    assert "(1)" in table.split("</h2>", 1)[0]


def test_a_report_with_no_findings_and_no_resources(tmp_path):
    empty = tmp_path / "empty.yaml"
    empty.write_text('AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n')
    page = render(lint_paths([empty]), "html")
    assert report_data(page)["findings"] == []
    assert "No finding is suppressed." in page


def test_atomic_write_keeps_the_old_report_when_the_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "review.html"
    target.write_text("old report")
    page = render(lint_paths([EXAMPLES]), "html")

    def broken(source, destination):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken)
    with pytest.raises(OSError):
        write_atomically(target, page)
    assert target.read_text() == "old report"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["review.html"]
    monkeypatch.undo()
    write_atomically(target, page)
    assert target.read_text(encoding="utf-8") == page


def test_findings_are_rendered_lazily_not_in_the_markup(tmp_path):
    template = tmp_path / "many.yaml"
    template.write_text("Resources:\n" + "".join(
        f"  Volume{i}:\n    Type: AWS::EC2::Volume\n    Properties:\n      Size: 10\n"
        f"      AvailabilityZone: us-east-1a\n" for i in range(600)))
    results = lint_paths([template])
    assert len(results.active) >= 600
    page = render(results, "html")
    assert page.count('class="finding ') == 0            # built by the script, a page at a time
    assert len(report_data(page)["findings"]) == len(results.active)
    assert 'class="node dot' in page                     # 600 resources: a mosaic, not boxes


def many_templates(folder: Path, templates: int = 30) -> Path:
    """About 330 resources in small templates: every group is labelled, the whole is tall."""
    folder.mkdir(parents=True, exist_ok=True)
    for t in range(templates):
        body = ["Resources:"]
        for i in range(4):
            body += [f"  Queue{i}:", "    Type: AWS::SQS::Queue", f"  Topic{i}:",
                     "    Type: AWS::SNS::Topic"]
        for i in range(3):
            body += [f"  Table{i}:", "    Type: AWS::DynamoDB::Table", "    Properties:",
                     "      BillingMode: PAY_PER_REQUEST"]
        (folder / f"service-{t:02d}.yaml").write_text("\n".join(body) + "\n")
    return folder


def test_a_tall_diagram_gets_a_mosaic_overview_first(tmp_path):
    results = lint_paths([many_templates(tmp_path / "many")])
    assert 300 <= results.resource_count <= 400
    collector = parse(render(results, "html"))
    svgs = [a for t, a in collector.tags if t == "svg" and "diagram" in a.get("class", "")]
    assert [a["id"] for a in svgs] == ["diagram-0", "diagram-1"]
    assert "hidden" not in svgs[0] and "hidden" in svgs[1]
    assert float(svgs[0]["height"]) < float(svgs[1]["height"])
    nodes = [a for t, a in collector.tags if t == "g" and "node" in a.get("class", "").split()]
    assert len(nodes) == 2 * results.resource_count

"""The HTML review report in a real browser (Playwright driving Debian's chromium).

Skips when playwright or /usr/bin/chromium is missing, unless WA_LINT_REQUIRE_BROWSER=1
(CI sets it), in which case it fails. Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from test_html import PAYLOADS, many_templates, write_evil

from helpers import ROOT, lint_paths
from wa_lint.report import render, write_atomically

CHROMIUM = os.environ.get("WA_LINT_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
VIEWPORT = {"width": 1440, "height": 1000}


def _missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install -e '.[test]')"
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        return f"no chromium at {CHROMIUM} (apt-get install -y chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    reason = _missing()
    if reason:
        if os.environ.get("WA_LINT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"WA_LINT_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM,
                                             args=["--no-sandbox", "--disable-gpu"])
        yield browser
        browser.close()
    ARTIFACTS.mkdir(exist_ok=True)


class Visit:
    """A page on a report file that records console errors, page errors, dialogs and any
    request that is not for the file itself (all of them are aborted)."""

    def __init__(self, browser, path: Path, hash: str = "") -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport=VIEWPORT)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", self._dialog)
        self.page.route("**/*", self._route)
        started = time.perf_counter()
        self.page.goto(path.as_uri() + hash)
        self.page.wait_for_selector("html[data-ready='1']")
        self.load_seconds = time.perf_counter() - started

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _route(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:")):
            route.continue_()
        else:
            self.requests.append(url)
            route.abort()

    def clean(self) -> None:
        assert self.errors == []
        assert self.requests == []
        assert self.dialogs == []

    def shot(self, name: str, selector: str | None = None) -> None:
        ARTIFACTS.mkdir(exist_ok=True)
        target = self.page.locator(selector) if selector else self.page
        target.screenshot(path=str(ARTIFACTS / name))


def report(tmp_path: Path, paths, name: str = "review.html") -> Path:
    output = tmp_path / name
    write_atomically(output, render(lint_paths(paths), "html"))
    return output


def test_examples_report_filters_and_diagram(browser, tmp_path):
    path = report(tmp_path, [ROOT / "examples"])
    visit = Visit(browser, path)
    page = visit.page
    visit.shot("html-overview.png")
    total = page.locator("#finding-list .finding").count()
    assert total > 0

    # a pillar card filters the findings list, and the URL hash says so
    page.click(".card[data-pillar='security']")
    assert "pillar=security" in page.evaluate("location.hash")
    assert page.locator("#f-pillar").input_value() == "security"
    heads = page.locator("#finding-list .pillar-head").all_text_contents()
    assert heads == ["Security"]
    shown = page.locator("#finding-list .finding").count()
    assert 0 < shown < total
    assert "match the filters" in page.locator("#f-count").text_content()
    visit.shot("html-filtered.png", "#findings")

    # a diagram node shows that resource's findings in the panel
    node = page.locator("svg.diagram:not([hidden]) .node", has=page.locator("title", has_text="Database ·"))
    node.click()
    panel = page.locator("#node-panel")
    assert panel.locator("h3").text_content() == "Database"
    assert "finding" in panel.text_content() and "SEC101" in panel.text_content()
    assert "node=" in page.evaluate("location.hash")
    assert page.locator("svg.diagram:not([hidden]) .node.neighbour").count() >= 1
    assert page.locator("svg.diagram:not([hidden]) :is(.edge.hot, .selected-edges path)").count() >= 1
    visit.shot("html-diagram.png", "#architecture")

    # "show in the findings list" narrows the list to that resource
    panel.locator("button", has_text="Show in the findings list").click()
    heads = page.locator("#finding-list .resource-head").all_text_contents()
    assert heads and all(text.startswith("Database AWS::RDS::DBInstance") for text in heads)
    assert "res=" in page.evaluate("location.hash")

    # the "how to fix" text is built when opened
    first = page.locator("#finding-list details.fix").first
    first.locator("summary").click()
    first.locator("p, pre").first.wait_for(timeout=5000)    # the toggle event is asynchronous
    assert first.locator("pre code").count() >= 1
    visit.clean()

    # a shared link restores the filters
    link = "#pillar=reliability&sev=error&q=zone"
    again = Visit(browser, path, link)
    assert again.page.locator("#f-pillar").input_value() == "reliability"
    assert again.page.locator("#f-text").input_value() == "zone"
    assert not again.page.locator(".sevs input[value='warning']").is_checked()
    chips = again.page.locator("#finding-list .finding .chip").all_text_contents()
    assert chips and set(chips) == {"error"}
    again.clean()


def test_hostile_template_text_never_runs(browser, tmp_path):
    path = report(tmp_path, [write_evil(tmp_path / "evil")])
    visit = Visit(browser, path)
    page = visit.page
    assert page.locator("img").count() == 0
    assert page.locator("script").count() == 2
    node = page.locator(f"svg.diagram .node[aria-label^='{PAYLOADS[0]}']")
    node.click()
    assert page.locator("#node-panel h3").text_content() == PAYLOADS[0]
    messages = page.locator("#finding-list .finding .msg").all_text_contents()
    assert any(PAYLOADS[0] in message for message in messages)
    snippet = page.locator("#finding-list .snippet").first.text_content()
    assert "onerror" in snippet or PAYLOADS[0] in snippet
    assert "thumbnails, regenerated" in page.locator("#suppressed").text_content()
    page.fill("#f-text", PAYLOADS[1])
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.pwned") == "undefined"
    visit.shot("html-hostile.png")
    visit.clean()


def test_five_thousand_findings_do_not_freeze_the_page(browser, tmp_path):
    from playwright.sync_api import expect
    template = tmp_path / "big.yaml"
    lines = ["Resources:"]
    for i in range(500):
        lines += [f"  Bucket{i}:", "    Type: AWS::S3::Bucket"]
    for i in range(4500):
        lines += [f"  Volume{i}:", "    Type: AWS::EC2::Volume", "    Properties:",
                  "      Size: 10", "      AvailabilityZone: us-east-1a"]
    template.write_text("\n".join(lines) + "\n")
    results = lint_paths([template])
    assert len(results.active) >= 5000
    started = time.perf_counter()
    text = render(results, "html")
    generated = time.perf_counter() - started
    path = tmp_path / "big.html"
    write_atomically(path, text)
    visit = Visit(browser, path)
    page = visit.page
    print(f"\n5,000 findings: html {generated:.2f}s, {len(text) / 1e6:.1f} MB, "
          f"page ready in {visit.load_seconds:.2f}s")
    assert page.locator("#finding-list .finding").count() == 100
    page.click("#f-more")
    assert page.locator("#finding-list .finding").count() == 200
    page.fill("#f-text", "Volume4499")
    one_volume = sum(1 for result in results.active if result.resource == "Volume4499")
    expect(page.locator("#finding-list .finding")).to_have_count(one_volume)
    page.fill("#f-text", "")
    expect(page.locator("#finding-list .finding")).to_have_count(100)
    page.locator("svg.diagram:not([hidden]) .node").last.click()
    assert page.locator("#node-panel h3").text_content().startswith(("Volume", "Bucket"))
    visit.shot("html-5000.png")
    visit.clean()


def test_a_tall_diagram_switches_between_overview_and_names(browser, tmp_path):
    path = report(tmp_path, [many_templates(tmp_path / "many")])
    visit = Visit(browser, path)
    page = visit.page
    assert page.locator("svg.diagram:not([hidden])").get_attribute("id") == "diagram-0"
    visit.shot("html-300-overview.png", "#architecture")
    page.click(".views button[data-view='1']")
    assert page.locator("svg.diagram:not([hidden])").get_attribute("id") == "diagram-1"
    assert "view=1" in page.evaluate("location.hash")
    page.locator("#diagram-1 .node", has=page.locator("title", has_text="Queue0 ·")).first.click()
    assert page.locator("#node-panel h3").text_content() == "Queue0"
    assert page.locator("#diagram-0 .node.selected").count() == 1     # both views agree
    visit.shot("html-300-names.png", "#architecture")
    visit.clean()

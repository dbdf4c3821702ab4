#!/usr/bin/env python3
"""Regenerate the README's HTML-report screenshots from the bundled examples.

    python scripts/docs_screenshots.py      # needs playwright and Debian's chromium

Writes docs/html-report-overview.png (header and scorecard) and
docs/html-report-diagram.png (the architecture diagram with one resource
selected), both 1440x900.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    from playwright.sync_api import sync_playwright

    from wa_lint.engine import lint
    from wa_lint.registry import collect
    from wa_lint.report import render, write_atomically

    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "review.html"
        write_atomically(report, render(lint([str(ROOT / "examples")], collect()), "html"))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium")
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(report.as_uri())
            page.screenshot(path=str(ROOT / "docs" / "html-report-overview.png"))
            page.locator("#architecture").scroll_into_view_if_needed()
            node = page.locator("svg.diagram:not([hidden]) .node",
                                has=page.locator("title", has_text="WebServers ·"))
            node.click()
            page.locator("#architecture").evaluate("element => element.scrollIntoView()")
            page.screenshot(path=str(ROOT / "docs" / "html-report-diagram.png"))
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The AWS Well-Architected best-practice index bundled with wa-lint.

``data/wellarchitected-bp.json`` holds ids, titles, risk levels and links of
the framework edition named in its ``meta`` (content (c) Amazon Web Services;
see the file's ``derived_from``). Rules cite only ids found there; a test
checks that.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources


@lru_cache(maxsize=1)
def index() -> dict:
    text = resources.files("wa_lint").joinpath("data/wellarchitected-bp.json").read_text("utf-8")
    return json.loads(text)


def best_practice(identifier: str) -> dict | None:
    return index()["best_practices"].get(identifier)


def edition() -> str:
    return index()["meta"].get("edition_note", "")

"""Report stage: Results -> text, JSON, SARIF, HTML ... (bytes a reporter returns).

Reporters never import rules; everything they show comes from ``Results``.
``write_atomically`` puts a report in place with a rename, so a reader never
sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

FORMATS = ("text", "json", "sarif", "junit", "gitlab", "markdown", "html")


def render(results, fmt: str, **options) -> str:
    """Render results in one of the known formats (imports only what that format needs)."""
    if fmt == "text":
        from .text import render_text
        return render_text(results, **options)
    if fmt == "json":
        from .json import render_json
        return render_json(results)
    if fmt == "sarif":
        from .sarif import render_sarif
        return render_sarif(results, **options)
    if fmt == "junit":
        from .junit import render_junit
        return render_junit(results)
    if fmt == "gitlab":
        from .gitlab import render_gitlab
        return render_gitlab(results)
    if fmt == "markdown":
        from .markdown import render_markdown
        return render_markdown(results)
    if fmt == "html":
        from .html import render_html
        return render_html(results, **options)
    raise ValueError(f"unknown report format {fmt!r}")


def write_atomically(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same directory and a rename."""
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                                         dir=directory)
    try:
        os.chmod(temporary, 0o666 & ~_umask())   # mkstemp makes 0600; a report is a normal file
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current

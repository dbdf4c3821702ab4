"""Command line: click commands only; the work happens in the pipeline modules.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 a usage error, or a file that could not be read or parsed, or a rule crash.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable

import click

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_ON = ("error", "warning", "note", "none")


class _Group(click.Group):
    def main(self, *args, **kwargs):  # one-line errors, never a traceback, exit 2
        try:
            return super().main(*args, **kwargs)
        except (KeyboardInterrupt, BrokenPipeError):
            sys.exit(130 if sys.exc_info()[0] is KeyboardInterrupt else EXIT_ERROR)


def _fail(message: str) -> None:
    click.echo(f"wa-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _tokens(values: Iterable[str]) -> list[str]:
    return [token.strip() for value in values for token in value.split(",") if token.strip()]


def _rules(select: Iterable[str] = (), ignore: Iterable[str] = ()):
    from .registry import RegistryError, collect
    from .registry import select as choose
    try:
        return choose(collect(), _tokens(select), _tokens(ignore))
    except RegistryError as exc:
        _fail(str(exc))


def _emit(text: str, output: str | None) -> None:
    if output:
        from .report import write_atomically
        try:
            write_atomically(output, text)
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
    else:
        click.echo(text, nl=False)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="wa-lint",
                      message="%(prog)s %(version)s")
def main() -> None:
    """Architecture linter: checks CloudFormation, SAM and Terraform against AWS
    Well-Architected practice, pillar by pillar."""


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "sarif"]),
              default="text", show_default=True, help="Report format.")
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              help="Write the report to FILE (atomically) instead of standard output.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default="warning", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids, id prefixes, names or pillars (comma-separated or "
                   "repeated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (same forms).")
@click.option("--sarif-category", metavar="ID",
              help="SARIF automationDetails category, for several uploads per commit.")
@click.option("--quiet", "-q", is_flag=True, help="Text format: findings only, no summary.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: on a "
                                                       "terminal, unless NO_COLOR is set).")
def check(paths, fmt, output, fail_on, select, ignore, sarif_category, quiet, color) -> None:
    """Check templates under PATHS (files or folders, searched recursively)."""
    from .engine import lint
    from .report import render

    rules = _rules(select, ignore)
    results = lint(paths, rules)
    options: dict = {}
    if fmt == "text":
        use_color = color if color is not None else (
            output is None and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
        options = {"color": use_color, "quiet": quiet}
    elif fmt == "sarif":
        options = {"category": sarif_category}
    _emit(render(results, fmt, **options), output)
    if fmt == "text" or output:
        for warning in results.warnings:
            click.echo(f"warning: {warning}", err=True)
        for error in results.errors:
            click.echo(f"error: {error}", err=True)
    if results.errors:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if results.fails(fail_on) else EXIT_CLEAN)


@main.command()
@click.option("--format", "-f", "fmt", type=click.Choice(["text", "json", "markdown"]),
              default="text", show_default=True)
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules.")
def rules(fmt, select) -> None:
    """List the rules."""
    from .report.catalog import render_rules
    click.echo(render_rules(_rules(select), fmt), nl=False)


@main.command()
@click.argument("rule")
def explain(rule) -> None:
    """Show a rule's documentation (by id or name)."""
    from .registry import find
    spec = find(_rules(), rule)
    if spec is None:
        _fail(f"no rule {rule!r}; `wa-lint rules` lists them")
    click.echo(spec.explain(), nl=False)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--format", "-f", "fmt", type=click.Choice(["dot", "json"]), default="dot",
              show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False))
def graph(paths, fmt, output) -> None:
    """Print the resource graph built from PATHS."""
    from .engine import RunError, load_documents
    from .graph import build_graph
    from .report.graph import to_dot, to_json

    errors: list[RunError] = []
    documents, _, _ = load_documents(paths, errors)
    model = build_graph(documents)
    text = to_dot(model) if fmt == "dot" else json.dumps(to_json(model), indent=2) + "\n"
    _emit(text, output)
    for error in errors:
        click.echo(f"error: {error}", err=True)
    sys.exit(EXIT_ERROR if errors else EXIT_CLEAN)


if __name__ == "__main__":  # pragma: no cover
    main()

"""Command line: click commands only; the work happens in the pipeline modules.

Exit codes: 0 nothing at or above ``--fail-on``; 1 findings at or above it;
2 a usage or configuration error, a file that could not be read or parsed, or
a rule crash.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import click

from . import __version__

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FAIL_ON = ("error", "warning", "note", "none")
REPORT_FORMATS = ("text", "json", "sarif", "junit", "gitlab", "markdown", "html")
CI_VARIABLES = ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "BUILDKITE", "JENKINS_URL", "TF_BUILD")


class _Group(click.Group):
    def main(self, *args, **kwargs):  # one-line errors, never a traceback
        try:
            return super().main(*args, **kwargs)
        except KeyboardInterrupt:
            sys.exit(130)
        except BrokenPipeError:
            sys.exit(EXIT_ERROR)


def _fail(message: str) -> None:
    click.echo(f"wa-lint: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _tokens(values: Iterable[str]) -> list[str]:
    return [token.strip() for value in values for token in value.split(",") if token.strip()]


def _all_rules():
    from .registry import RegistryError, collect
    try:
        return collect()
    except RegistryError as exc:
        _fail(str(exc))


def _rules(select: Iterable[str] = (), ignore: Iterable[str] = (), where: str = ""):
    from .registry import RegistryError
    from .registry import select as choose
    try:
        return choose(_all_rules(), _tokens(select), _tokens(ignore))
    except RegistryError as exc:
        _fail(f"{where}: {exc}" if where else str(exc))


def _config(path: str | None):
    from .config import ConfigError, find_config, load_config
    try:
        return load_config(Path(path) if path else find_config(Path.cwd()))
    except ConfigError as exc:
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


class _Progress:
    """A one-line progress display on an interactive terminal; silent anywhere else."""

    def __init__(self) -> None:
        self.last = 0.0
        self.shown = False

    @staticmethod
    def wanted() -> bool:
        return (sys.stderr.isatty() and os.environ.get("TERM") != "dumb"
                and not any(os.environ.get(name) for name in CI_VARIABLES))

    def __call__(self, stage: str, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.last < 0.1 and done != total:
            return
        self.last = now
        width = 24
        filled = int(width * done / max(total, 1))
        sys.stderr.write(f"\r\033[Kwa-lint: {stage} [{'#' * filled}{'.' * (width - filled)}] "
                         f"{done}/{total}")
        sys.stderr.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"],
                                           "max_content_width": 100})
@click.version_option(__version__, "--version", "-V", prog_name="wa-lint",
                      message="%(prog)s %(version)s")
def main() -> None:
    """Architecture linter: checks CloudFormation, SAM and Terraform against AWS
    Well-Architected practice, pillar by pillar."""


def _run(paths, config, select, ignore, baseline_path=None, changed_since=None):
    """Configuration -> rules and settings -> results (shared by `check` and `baseline`)."""
    from .config import ConfigError, build_settings, changed_files
    from .engine import lint
    from .suppress import BaselineError, read_baseline

    all_rules = _all_rules()
    if config.source:  # name the file when its select/ignore lists are wrong
        _rules(config.select, config.ignore, where=f"{config.source}: 'select'/'ignore'")
    selected = _tokens(select) or list(config.select)
    rules = _rules(selected, [*config.ignore, *_tokens(ignore)])
    progress = _Progress() if _Progress.wanted() else None
    try:
        baseline = read_baseline(Path(baseline_path)) if baseline_path else None
        report_only = changed_files(changed_since, Path.cwd()) if changed_since else None
        settings = build_settings(config, rules, all_rules, baseline, report_only, progress)
    except (ConfigError, BaselineError) as exc:
        _fail(str(exc))
    try:
        return lint(paths, rules, settings)
    finally:
        if progress is not None:
            progress.clear()


def _pair_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str]]:
    formats = formats or ("text",)
    if len(outputs) > len(formats):
        raise click.UsageError("more --output files than --format options")
    pairs = list(zip(formats, outputs, strict=False))
    rest = formats[len(outputs):]
    if len(rest) > 1:
        raise click.UsageError("only one --format can go to standard output; give each of the "
                               "others an --output file (paired in order)")
    return pairs + [(fmt, "") for fmt in rest]


@main.command()
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--format", "-f", "formats", type=click.Choice(REPORT_FORMATS), multiple=True,
              help="Report format (default text). Repeat with --output to write several.")
@click.option("--output", "-o", "outputs", type=click.Path(dir_okay=False), multiple=True,
              help="Write the report to FILE (atomically). Pairs with --format, in order.")
@click.option("--fail-on", type=click.Choice(FAIL_ON), default=None,
              help="Exit 1 when a finding is at or above this severity [default: warning, or "
                   "the configuration's fail-on].")
@click.option("--select", multiple=True, metavar="RULES",
              help="Only these rules: ids, id prefixes, names or pillars (comma-separated or "
                   "repeated).")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules (same forms).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="Configuration file [default: the nearest .wa-lint.yaml or pyproject.toml "
                   "[tool.wa-lint]].")
@click.option("--baseline", "baseline_path", type=click.Path(dir_okay=False),
              help="Report and fail only on findings not recorded in this baseline.")
@click.option("--changed-since", metavar="GIT_REF",
              help="Report only on templates changed since GIT_REF (the rest is read as "
                   "context).")
@click.option("--sarif-category", metavar="ID",
              help="SARIF automationDetails category, for several uploads per commit.")
@click.option("--report-timestamp", is_flag=True,
              help="HTML format: say when the report was generated (off by default, so the "
                   "same input gives the same bytes).")
@click.option("--show-suppressed", is_flag=True, help="Text format: list suppressed findings too.")
@click.option("--show-config", is_flag=True, help="Print the effective configuration and exit.")
@click.option("--quiet", "-q", is_flag=True, help="Text format: findings only, no summary.")
@click.option("--color/--no-color", default=None, help="Colour the text report (default: on a "
                                                       "terminal, unless NO_COLOR is set).")
def check(paths, formats, outputs, fail_on, select, ignore, config_path, baseline_path,
          changed_since, sarif_category, report_timestamp, show_suppressed, show_config, quiet,
          color) -> None:
    """Check templates under PATHS (files or folders, searched recursively)."""
    from .config import dump
    from .report import render

    config = _config(config_path)
    if show_config:
        click.echo(dump(config), nl=False)
        return
    if not paths:
        raise click.UsageError("give at least one file or folder to check")
    destinations = _pair_outputs(formats, outputs)
    results = _run(paths, config, select, ignore, baseline_path or config.baseline,
                   changed_since)
    for fmt, output in destinations:
        options: dict = {}
        if fmt == "text":
            use_color = color if color is not None else (
                not output and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
            options = {"color": use_color, "quiet": quiet, "show_suppressed": show_suppressed}
        elif fmt == "sarif":
            options = {"category": sarif_category or config.sarif_category}
        elif fmt == "html":
            options = {"timestamp": report_timestamp}
        _emit(render(results, fmt, **options), output)
    for warning in results.warnings:
        click.echo(f"warning: {warning}", err=True)
    for error in results.errors:
        click.echo(f"error: {error}", err=True)
    if results.errors:
        sys.exit(EXIT_ERROR)
    threshold = fail_on or config.fail_on or "warning"
    sys.exit(EXIT_FINDINGS if results.fails(threshold) else EXIT_CLEAN)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--output", "-o", type=click.Path(dir_okay=False),
              default=".wa-lint-baseline.json", show_default=True)
@click.option("--select", multiple=True, metavar="RULES")
@click.option("--ignore", multiple=True, metavar="RULES")
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
def baseline(paths, output, select, ignore, config_path) -> None:
    """Record today's findings, so that `check --baseline` fails only on new ones."""
    from .suppress import render_baseline

    config = _config(config_path)
    results = _run(paths, config, select, ignore)
    for error in results.errors:
        click.echo(f"error: {error}", err=True)
    if results.errors:
        _fail("not writing a baseline from a run with errors (fix or exclude those files)")
    text = render_baseline(results.results, Path(output).resolve(), __version__)
    _emit(text, output)
    recorded = len(json.loads(text)["findings"])
    click.echo(f"Recorded {recorded} finding{'s' if recorded != 1 else ''} in {output}.",
               err=True)


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False))
def config(config_path) -> None:
    """Print the effective configuration (and the file it comes from)."""
    from .config import ConfigError, build_settings, dump
    loaded = _config(config_path)
    try:  # validate rule names, severities and parameters against the rules
        build_settings(loaded, _rules(loaded.select, loaded.ignore), _all_rules())
    except ConfigError as exc:
        _fail(str(exc))
    click.echo(dump(loaded), nl=False)


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

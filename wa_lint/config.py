"""Configuration: ``.wa-lint.yaml`` or ``[tool.wa-lint]`` in ``pyproject.toml``.

Found by walking up from the working directory (stopping at the repository
root); ``--config FILE`` overrides. Unknown keys and bad values are errors that
name the key and the file. Paths in the file (``exclude``, ``per-path``,
``baseline``) are relative to the file's directory.

    select: [reliability, SEC101]      # rule ids, id prefixes, names or pillars
    ignore: [s3-missing-cross-region-replication]
    fail-on: warning                   # error | warning | note | none
    severity: {REL202: error}          # per rule (id or name)
    exclude: ["legacy/**", "**/cdk.out/**"]
    per-path:
      "sandbox/**": {ignore: [REL101], severity: {SEC101: note}}
    rules:                             # rule parameters
      rds-backup-retention: {min-days: 14}
    baseline: .wa-lint-baseline.json
    sarif-category: wa-lint/infra
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .engine import Settings
from .rule import SEVERITIES, RuleSpec
from .suppress import Baseline

CONFIG_NAMES = (".wa-lint.yaml", ".wa-lint.yml")
FAIL_ON = (*SEVERITIES, "none")
KEYS = ("select", "ignore", "fail-on", "severity", "exclude", "per-path", "rules", "baseline",
        "sarif-category")
PER_PATH_KEYS = ("ignore", "severity")


class ConfigError(Exception):
    """A configuration file that cannot be used (exit code 2)."""


@dataclass(frozen=True)
class PathSettings:
    pattern: str
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    source: str | None = None                    # the file it came from (None: defaults)
    root: Path = Path(".")
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: str | None = None
    severity: dict[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    per_path: tuple[PathSettings, ...] = ()
    rules: dict[str, dict] = field(default_factory=dict)
    baseline: str | None = None
    sarif_category: str | None = None

    def as_dict(self) -> dict:
        """The effective configuration, as `wa-lint config` prints it."""
        return {
            "source": self.source,
            "select": list(self.select), "ignore": list(self.ignore),
            "fail-on": self.fail_on or "warning",
            "severity": dict(self.severity), "exclude": list(self.exclude),
            "per-path": {p.pattern: {"ignore": list(p.ignore), "severity": dict(p.severity)}
                         for p in self.per_path},
            "rules": {name: dict(options) for name, options in self.rules.items()},
            "baseline": self.baseline, "sarif-category": self.sarif_category,
        }


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start`` (up to the repository root)."""
    directory = start.resolve()
    while True:
        for name in CONFIG_NAMES:
            if (directory / name).is_file():
                return directory / name
        pyproject = directory / "pyproject.toml"
        if pyproject.is_file() and "[tool.wa-lint]" in pyproject.read_text(errors="replace"):
            return pyproject
        if (directory / ".git").exists() or directory.parent == directory:
            return None
        directory = directory.parent


def load_config(path: Path | None) -> Config:
    if path is None:
        return Config()
    display = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display}: cannot read: {getattr(exc, 'strerror', None) or exc}") \
            from None
    if path.name == "pyproject.toml":
        data = _toml_section(text, display)
    else:
        import yaml
        try:
            data = yaml.safe_load(text) if text.strip() else {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f":{mark.line + 1}" if mark else ""
            raise ConfigError(f"{display}{where}: invalid YAML: "
                              f"{getattr(exc, 'problem', None) or exc}") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{display}: the configuration must be a mapping of settings")
    return _validate(data, display, path.parent)


def _toml_section(text: str, display: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{display}: invalid TOML: {exc}") from None
    return document.get("tool", {}).get("wa-lint", {})


def _strings(value: object, key: str, display: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",")]
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        raise ConfigError(f"{display}: '{key}' must be a list of strings")
    return tuple(value)


def _severities(value: object, key: str, display: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"{display}: '{key}' must map rules to a severity")
    for rule, severity in value.items():
        if severity not in SEVERITIES:
            raise ConfigError(f"{display}: '{key}.{rule}' must be one of "
                              f"{', '.join(SEVERITIES)}, not {severity!r}")
    return {str(rule): severity for rule, severity in value.items()}


def _validate(data: dict, display: str, root: Path) -> Config:
    unknown = [key for key in data if key not in KEYS]
    if unknown:
        raise ConfigError(f"{display}: unknown key '{unknown[0]}' (known keys: {', '.join(KEYS)})")
    fail_on = data.get("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(f"{display}: 'fail-on' must be one of {', '.join(FAIL_ON)}, "
                          f"not {fail_on!r}")
    per_path = []
    raw_per_path = data.get("per-path", {})
    if not isinstance(raw_per_path, dict):
        raise ConfigError(f"{display}: 'per-path' must map path globs to settings")
    for pattern, settings in raw_per_path.items():
        if not isinstance(settings, dict):
            raise ConfigError(f"{display}: 'per-path.{pattern}' must be a mapping")
        bad = [key for key in settings if key not in PER_PATH_KEYS]
        if bad:
            raise ConfigError(f"{display}: unknown key 'per-path.{pattern}.{bad[0]}' "
                              f"(known keys: {', '.join(PER_PATH_KEYS)})")
        per_path.append(PathSettings(
            pattern=str(pattern),
            ignore=_strings(settings.get("ignore", []), f"per-path.{pattern}.ignore", display),
            severity=_severities(settings.get("severity", {}), f"per-path.{pattern}.severity",
                                 display)))
    rules = data.get("rules", {})
    if not isinstance(rules, dict) or not all(isinstance(v, dict) for v in rules.values()):
        raise ConfigError(f"{display}: 'rules' must map rule names to their parameters")
    for key in ("baseline", "sarif-category"):
        if key in data and not isinstance(data[key], str):
            raise ConfigError(f"{display}: '{key}' must be a string")
    baseline = data.get("baseline")
    return Config(
        source=display, root=root,
        select=_strings(data.get("select", []), "select", display),
        ignore=_strings(data.get("ignore", []), "ignore", display),
        fail_on=fail_on,
        severity=_severities(data.get("severity", {}), "severity", display),
        exclude=_strings(data.get("exclude", []), "exclude", display),
        per_path=tuple(per_path),
        rules={str(name): dict(options) for name, options in rules.items()},
        baseline=str(root / baseline) if baseline else None,
        sarif_category=data.get("sarif-category"),
    )


def glob_to_regex(pattern: str) -> re.Pattern:
    """A path glob: ``*`` within a folder, ``**`` across folders, a trailing ``/`` a folder."""
    pattern = pattern.strip()
    if pattern.startswith("./"):
        pattern = pattern[2:]
    if pattern.endswith("/"):
        pattern += "**"
    parts, position = [], 0
    while position < len(pattern):
        if pattern.startswith("**/", position):
            parts.append("(?:.*/)?")
            position += 3
        elif pattern.startswith("**", position):
            parts.append(".*")
            position += 2
        elif pattern[position] == "*":
            parts.append("[^/]*")
            position += 1
        elif pattern[position] == "?":
            parts.append("[^/]")
            position += 1
        else:
            parts.append(re.escape(pattern[position]))
            position += 1
    return re.compile("^" + "".join(parts) + "(?:/.*)?$")


def relative_to_root(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return Path(path).as_posix()


def dump(config: Config) -> str:
    return json.dumps(config.as_dict(), indent=2) + "\n"


# -- from configuration to a run ------------------------------------------------------

def resolve_tokens(tokens: Iterable[str], rules: Sequence[RuleSpec], where: str) -> set[str]:
    """Rule ids named by tokens (ids, prefixes, names, pillars); an unknown token is an error."""
    ids: set[str] = set()
    for token in tokens:
        matched = {spec.id for spec in rules if spec.matches(token)}
        if not matched:
            raise ConfigError(f"{where}: unknown rule, rule id prefix or pillar {token!r}")
        ids |= matched
    return ids


def rule_options(config: Config, rules: Sequence[RuleSpec]) -> dict[str, dict[str, object]]:
    """Validated rule parameters by rule id."""
    options: dict[str, dict[str, object]] = {}
    for token, values in config.rules.items():
        spec = next((s for s in rules if token in (s.id, s.name) or token in s.replaces), None)
        if spec is None:
            raise ConfigError(f"{config.source}: 'rules.{token}' names no rule")
        for name, value in values.items():
            if name not in spec.options:
                known = ", ".join(spec.options) or "none"
                raise ConfigError(f"{config.source}: unknown key 'rules.{token}.{name}' "
                                  f"(parameters of {spec.name}: {known})")
            default = spec.options[name]
            if type(value) is not type(default) and not (
                    isinstance(default, float) and isinstance(value, int)
                    and not isinstance(value, bool)):
                raise ConfigError(f"{config.source}: 'rules.{token}.{name}' must be a "
                                  f"{type(default).__name__}, not {value!r}")
            options.setdefault(spec.id, {})[name] = value
    return options


def build_settings(config: Config, rules: Sequence[RuleSpec], all_rules: Sequence[RuleSpec],
                   baseline: Baseline | None = None, report_only: frozenset[str] | None = None,
                   progress=None) -> Settings:
    where = config.source or "configuration"
    severity = {}
    for token, level in config.severity.items():
        for rule_id in resolve_tokens([token], all_rules, f"{where}: 'severity'"):
            severity[rule_id] = level
    excludes = [glob_to_regex(pattern) for pattern in config.exclude]
    per_path = [(glob_to_regex(p.pattern),
                 frozenset(resolve_tokens(p.ignore, all_rules, f"{where}: 'per-path'")),
                 {rule_id: level for token, level in p.severity.items()
                  for rule_id in resolve_tokens([token], all_rules, f"{where}: 'per-path'")})
                for p in config.per_path]
    root = config.root.resolve()

    @functools.cache
    def relative_path(path: str) -> str:       # asked once per candidate and per finding
        return relative_to_root(path, root)

    def excluded(path: str) -> bool:
        relative = relative_path(path)
        return any(pattern.match(relative) for pattern in excludes)

    def per_path_settings(path: str) -> tuple[frozenset, dict[str, str]]:
        relative = relative_path(path)
        ignored: set[str] = set()
        levels: dict[str, str] = {}
        for pattern, ids, severities in per_path:
            if pattern.match(relative):
                ignored |= ids
                levels.update(severities)
        return frozenset(ignored), levels

    return Settings(severity=severity, options=rule_options(config, all_rules),
                    exclude=excluded if excludes else None,
                    per_path=per_path_settings if per_path else None,
                    baseline=baseline, report_only=report_only, all_rules=tuple(all_rules),
                    progress=progress)


def changed_files(reference: str, cwd: Path) -> frozenset[str]:
    """Files changed since a git reference (committed, staged, unstaged or new), resolved."""
    import subprocess

    def git(*args: str) -> str:
        process = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True)
        if process.returncode:
            message = (process.stderr.strip().splitlines() or ["git failed"])[-1]
            raise ConfigError(f"--changed-since {reference}: {message}")
        return process.stdout

    try:
        top = Path(git("rev-parse", "--show-toplevel").strip())
        names = git("diff", "--name-only", "--diff-filter=ACMRT", reference, "--").splitlines()
        names += git("ls-files", "--others", "--exclude-standard").splitlines()
    except FileNotFoundError:
        raise ConfigError("--changed-since needs git, which is not installed") from None
    return frozenset(str((top / name).resolve()) for name in names if name)

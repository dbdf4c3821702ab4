"""Collecting rules: the built-in ``wa_lint.rules`` package plus third-party packs.

A pack declares one entry point in the group ``wa_lint.rules`` whose value is a
module or a package; every object carrying ``__wa_rule__`` that is defined in
a scanned module counts (re-exports do not count twice). A pack that fails to
import, or a duplicate id or name, stops the run with a one-line error.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.metadata import entry_points
from types import ModuleType

from .rule import PILLARS, RuleSpec

ENTRY_POINT_GROUP = "wa_lint.rules"
BUILTIN_PACKAGE = "wa_lint.rules"


class RegistryError(Exception):
    """Rules could not be collected or selected (exit code 2)."""


def _modules(package_name: str) -> Iterator[ModuleType]:
    package = importlib.import_module(package_name)
    yield package
    for info in pkgutil.walk_packages(getattr(package, "__path__", ()), prefix=package_name + "."):
        yield importlib.import_module(info.name)


def _specs_in(module: ModuleType) -> Iterator[RuleSpec]:
    for value in vars(module).values():
        spec = getattr(value, "__wa_rule__", None)
        if isinstance(spec, RuleSpec) and spec.module == module.__name__:
            yield spec


def _scan(package_name: str, origin: str) -> list[RuleSpec]:
    specs = []
    try:
        for module in _modules(package_name):
            specs.extend(_specs_in(module))
    except Exception as exc:  # any import failure of a pack is reported, never swallowed
        raise RegistryError(f"rules from {origin} failed to import: "
                            f"{type(exc).__name__}: {exc}") from None
    return specs


@lru_cache(maxsize=1)
def collect(include_packs: bool = True) -> tuple[RuleSpec, ...]:
    """Every rule, sorted by id. Raises ``RegistryError`` on any problem."""
    specs = _scan(BUILTIN_PACKAGE, "wa-lint (built-in)")
    if include_packs:
        for entry_point in entry_points(group=ENTRY_POINT_GROUP):
            distribution = getattr(getattr(entry_point, "dist", None), "name", None) or "?"
            specs.extend(_scan(entry_point.value.split(":", 1)[0],
                               f"rule pack {entry_point.name!r} (distribution {distribution})"))
    seen_ids: dict[str, RuleSpec] = {}
    seen_names: dict[str, RuleSpec] = {}
    for spec in specs:
        if spec.id in seen_ids:
            raise RegistryError(f"duplicate rule id {spec.id}: {spec.module} and "
                                f"{seen_ids[spec.id].module}")
        seen_ids[spec.id] = spec
        for name in (spec.name, *spec.replaces):
            if name in seen_names:
                raise RegistryError(f"duplicate rule name {name!r}: {spec.module} and "
                                    f"{seen_names[name].module}")
            seen_names[name] = spec
    return tuple(sorted(specs, key=lambda spec: spec.id))


def matches(spec: RuleSpec, token: str) -> bool:
    """Whether a --select/--ignore token names this rule: id, id prefix, name or pillar."""
    return spec.matches(token)


def select(specs: Iterable[RuleSpec], selected: Iterable[str] = (),
           ignored: Iterable[str] = ()) -> list[RuleSpec]:
    """The rules a run uses. Unknown tokens are an error (a typo must not disable a gate)."""
    specs = list(specs)
    selected, ignored = [t for t in selected if t], [t for t in ignored if t]
    for token in (*selected, *ignored):
        if not any(matches(spec, token) for spec in specs):
            raise RegistryError(f"unknown rule, rule id prefix or pillar {token!r} "
                                f"(pillars: {', '.join(PILLARS)}; see `wa-lint rules`)")
    chosen = [spec for spec in specs if not selected or any(matches(spec, t) for t in selected)]
    return [spec for spec in chosen if not any(matches(spec, t) for t in ignored)]


def find(specs: Iterable[RuleSpec], token: str) -> RuleSpec | None:
    """One rule by id or name (``wa-lint explain``)."""
    for spec in specs:
        if token in (spec.id, spec.name) or token.upper() == spec.id or token in spec.replaces:
            return spec
    return None

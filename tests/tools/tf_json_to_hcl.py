#!/usr/bin/env python3
"""Write an HCL (``.tf``) twin of every Terraform JSON fixture (``fixtures/**/*.tf.json``).

    python tests/tools/tf_json_to_hcl.py            # write or refresh the twins
    python tests/tools/tf_json_to_hcl.py --check    # list missing or stale twins, exit 1 if any
    python tests/tools/tf_json_to_hcl.py FILE.tf.json ...   # print the HCL of these files

A twin is a readable rendering, as a person would write the same module:
blocks with their labels, attributes, ``"${expr}"`` strings as bare
expressions, other strings as quoted templates (interpolations kept), multi-line
strings as heredocs, ``"//"`` comments as ``#`` comments (so
``wa-lint:ignore`` suppressions carry over). ``tests/test_hcl_twins.py``
checks that each twin gives the same findings as its JSON original.

Where a twin goes: ``fail.tf.json`` -> ``fail.tf`` beside it. Files in a
multi-template subfolder (``fixtures/x/pass-multi/``) are one module together,
so their twins go to a mirror folder ``fixtures/x/pass-multi-hcl/``, where
they form the same module without clashing with the JSON files.

JSON cannot tell a nested block from an attribute holding an object: an
object is written as a block when its keys are lower-case identifiers and the
name is not a known map attribute (``tags``, ``variables`` ...), else as an
``= { ... }`` map.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from wa_lint.load.terraform import bare_expression, interpolation_end

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
HEADER = "# Generated from {name} by tests/tools/tf_json_to_hcl.py: edit the JSON, then rerun it."
MIRROR_SUFFIX = "-hcl"

LABELS = {"resource": 2, "data": 2, "ephemeral": 2, "variable": 1, "output": 1, "module": 1,
          "provider": 1, "check": 1, "locals": 0, "terraform": 0, "import": 0, "moved": 0,
          "removed": 0}
LABELLED_NESTED = {"provisioner": 1, "backend": 1, "dynamic": 1}
# attributes whose value is an object (a map), never a nested block
MAP_ATTRIBUTES = frozenset({
    "tags", "tags_all", "default_tags_all", "variables", "environment_variables", "triggers",
    "labels", "parameters", "dimensions", "request_parameters", "response_parameters",
    "request_templates", "response_templates", "response_models", "metadata", "attributes",
    "providers", "required_providers", "context", "settings", "properties", "options",
    "annotations", "environment", "policy", "assume_role_policy", "values", "map",
    "stage_variables", "capacity_provider_strategy_map", "inputs", "config", "extra",
    "target_tags", "tags_to_add",
})
# ``environment`` is a block on Lambda but a map elsewhere; blocks whose name is in the set
# above but whose keys are all identifiers are still maps: harmless for the linter.
NESTED_BLOCKS_FORCED = frozenset({"environment"})
# arguments that are always attributes, whatever their value looks like
NEVER_BLOCKS = {"": frozenset({"default", "value", "inputs"}), "variable": frozenset({"type"})}
# meta-arguments whose strings are expressions, not templates
BARE_STRINGS = {"provider": ("resource", "data", "ephemeral"), "type": ("variable",),
                "to": ("import", "moved", "removed"), "from": ("moved", "removed")}
BARE_LISTS = frozenset({"depends_on", "ignore_changes", "replace_triggered_by"})
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_BLOCK_KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
INDENT = "  "


class ConversionError(Exception):
    pass


def _pairs(pairs: list) -> dict:
    """Keep repeated keys (HCL JSON: several blocks) as a list of their values."""
    result: dict = {}
    repeated: set = set()
    for key, value in pairs:
        if key in result:
            if key not in repeated:
                result[key] = [result[key]]
                repeated.add(key)
            result[key].append(value)
        else:
            result[key] = value
    return result


# -- strings --------------------------------------------------------------------------


def _parts(text: str) -> list[tuple[bool, str]]:
    """Split a template into (is_interpolation, text) parts; ``$${`` stays literal."""
    parts: list[tuple[bool, str]] = []
    literal: list[str] = []
    position = 0
    while position < len(text):
        if text.startswith(("$${", "%%{"), position):
            literal.append(text[position:position + 3])
            position += 3
            continue
        if text.startswith(("${", "%{"), position):
            end = interpolation_end(text, position)
            if end < 0:
                literal.append(text[position:])
                break
            if literal:
                parts.append((False, "".join(literal)))
                literal = []
            parts.append((True, text[position:end + 1]))
            position = end + 1
            continue
        literal.append(text[position])
        position += 1
    if literal:
        parts.append((False, "".join(literal)))
    return parts


def _escape(literal: str) -> str:
    out = []
    for char in literal:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\r":
            out.append("\\r")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20:
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


def _strip_markers(parts: list[tuple[bool, str]]) -> list[tuple[bool, str]]:
    """Apply ``${~`` / ``~}`` (strip the whitespace next to them) and drop the markers:
    python-hcl2 does not read them in quoted strings. The value is the same."""
    parts = list(parts)
    for index, (is_expr, part) in enumerate(parts):
        if not is_expr or part[1] != "{":
            continue
        left, right = part[2:3] == "~", part.endswith("~}")
        if left and index > 0 and not parts[index - 1][0]:
            parts[index - 1] = (False, parts[index - 1][1].rstrip())
        if right and index + 1 < len(parts) and not parts[index + 1][0]:
            parts[index + 1] = (False, parts[index + 1][1].lstrip())
        parts[index] = (True, part[0] + "{" + part[2 + left:len(part) - 1 - right] + "}")
    return [(is_expr, part) for is_expr, part in parts if is_expr or part]


def render_string(text: str, indent: str) -> str:
    parts = _strip_markers(_parts(text))
    if not parts:
        return '""'
    text = "".join(part for _, part in parts)
    if len(parts) == 1 and parts[0][0] and parts[0][1].startswith("${"):
        return parts[0][1][2:-1].strip()       # "${expr}" -> expr
    if "\n" in text.rstrip("\n") and not any("\n" in part for is_expr, part in parts if is_expr):
        marker = "EOT"
        lines = text.split("\n")
        while any(line.strip() == marker for line in lines):
            marker += "X"
        body = text if text.endswith("\n") else text + "\n"
        return f"<<{marker}\n{body}{marker}"
    return '"' + "".join(part if is_expr else _escape(part) for is_expr, part in parts) + '"'


def render_bare(text: str) -> str:
    return bare_expression(text.strip())


# -- values ---------------------------------------------------------------------------

def render_key(key: str) -> str:
    return key if _IDENTIFIER.match(key) and key not in ("true", "false", "null") else \
        json.dumps(key, ensure_ascii=False)


def render_value(value: object, indent: str, bare: bool = False) -> str:
    if isinstance(value, str):
        return render_bare(value) if bare else render_string(value, indent)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, list):
        items = [render_value(item, indent + INDENT, bare) for item in value]
        if not items:
            return "[]"
        one_line = "[" + ", ".join(items) + "]"
        if len(one_line) <= 80 and "\n" not in one_line:
            return one_line
        inner = indent + INDENT
        return "[\n" + "".join(f"{inner}{item},\n" for item in items) + indent + "]"
    if isinstance(value, dict):
        entries = [(key, item) for key, item in value.items() if key != "//"]
        if not entries:
            return "{}"
        inner = indent + INDENT
        lines = ["{"]
        for key, item in entries:
            lines.append(f"{inner}{render_key(str(key))} = {render_value(item, inner, bare)}")
        lines.append(indent + "}")
        return "\n".join(lines)
    raise ConversionError(f"cannot render a {type(value).__name__}")


def _comment_lines(comment: object, indent: str) -> list[str]:
    texts = comment if isinstance(comment, list) else [comment]
    lines = []
    for text in texts:
        for line in str(text).splitlines() or [""]:
            lines.append(f"{indent}# {line}".rstrip())
    return lines


def _is_block(key: str, value: object, block_type: str = "") -> bool:
    if key in NEVER_BLOCKS.get(block_type, ()) or key in NEVER_BLOCKS[""]:
        return False
    if isinstance(value, list):
        return bool(value) and all(isinstance(item, dict) for item in value) and all(
            _is_block(key, item, block_type) for item in value)
    if not isinstance(value, dict):
        return False
    if key in MAP_ATTRIBUTES and key not in NESTED_BLOCKS_FORCED:
        return False
    if key in NESTED_BLOCKS_FORCED and "variables" not in value:
        return False
    return all(_BLOCK_KEY.match(str(name)) or name == "//" for name in value)


def render_body(body: dict, indent: str, lines: list[str], block_type: str = "") -> None:
    if "//" in body:
        lines.extend(_comment_lines(body["//"], indent))
    for key, value in body.items():
        if key == "//":
            continue
        key = str(key)
        if key in LABELLED_NESTED and isinstance(value, (dict, list)):
            _render_blocks(key, value, LABELLED_NESTED[key], indent, lines)
        elif block_type == "terraform" and key == "required_providers":
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"{indent}required_providers {{")
                for name, spec in (item.items() if isinstance(item, dict) else ()):
                    if name == "//":
                        lines.extend(_comment_lines(spec, indent + INDENT))
                        continue
                    rendered = render_value(spec, indent + INDENT)
                    lines.append(f"{indent}{INDENT}{render_key(name)} = {rendered}")
                lines.append(f"{indent}}}")
        elif _is_block(key, value, block_type) and _IDENTIFIER.match(key):
            for item in value if isinstance(value, list) else [value]:
                if not any(name != "//" for name in item):
                    lines.extend(_comment_lines(item["//"], indent) if "//" in item else [])
                    lines.append(f"{indent}{key} {{}}")
                    continue
                lines.append(f"{indent}{key} {{")
                render_body(item, indent + INDENT, lines, key)
                lines.append(f"{indent}}}")
        elif not _IDENTIFIER.match(key):
            lines.append(f"{indent}# not an HCL attribute name, left out: {json.dumps(key)}")
        else:
            bare = (isinstance(value, str) and block_type in BARE_STRINGS.get(key, ())) or (
                key in BARE_LISTS and isinstance(value, list))
            if key == "providers" and block_type == "module" and isinstance(value, dict):
                bare = True
            lines.append(f"{indent}{key} = {render_value(value, indent, bare)}")


def _render_blocks(block_type: str, value: object, labels: int, indent: str,
                   lines: list[str], names: tuple = (), top: bool = False) -> None:
    if isinstance(value, list):
        for item in value:
            _render_blocks(block_type, item, labels, indent, lines, names, top)
        return
    if not isinstance(value, dict):
        raise ConversionError(f"{block_type} {' '.join(names)}: expected an object")
    if labels == 0:
        if top and lines and lines[-1] != "":
            lines.append("")
        header = " ".join([block_type, *(json.dumps(name, ensure_ascii=False) for name in names)])
        lines.append(f"{indent}{header} {{")
        kind = block_type if top else ""
        render_body(value, indent + INDENT, lines, kind)
        lines.append(f"{indent}}}")
        return
    for name, item in value.items():
        if name == "//":
            if top:
                if lines and lines[-1] != "":
                    lines.append("")
                lines.extend(_comment_lines(item, indent))
            continue
        _render_blocks(block_type, item, labels - 1, indent, lines, (*names, str(name)), top)


def convert(data: object, name: str = "") -> str:
    """A Terraform JSON configuration -> HCL text."""
    if isinstance(data, list):  # a top-level array of configuration objects
        merged_lines: list[str] = []
        for item in data:
            merged_lines.append(convert(item).rstrip("\n"))
        return "\n\n".join(merged_lines) + "\n"
    if not isinstance(data, dict):
        raise ConversionError("not a Terraform JSON configuration (expected an object)")
    lines: list[str] = []
    if name:
        lines.extend([HEADER.format(name=name), ""])
    if "//" in data:
        lines.extend(_comment_lines(data["//"], ""))
        lines.append("")
    for block_type, value in data.items():
        if block_type == "//":
            continue
        labels = LABELS.get(block_type, 0)
        if block_type == "locals":
            for item in value if isinstance(value, list) else [value]:
                _render_blocks("locals", item, 0, "", lines, top=True)
            continue
        _render_blocks(str(block_type), value, labels, "", lines, top=True)
    return "\n".join(align(lines)).strip("\n") + "\n"


_ATTRIBUTE_LINE = re.compile(r'^(\s*)([A-Za-z_][A-Za-z0-9_-]*|"(?:[^"\\]|\\.)*") = ')
_HEREDOC_START = re.compile(r"<<-?([A-Za-z][A-Za-z0-9._-]*)$")


def align(lines: list[str]) -> list[str]:
    """Align the ``=`` of consecutive attributes at one indentation, as ``terraform fmt`` does."""
    out: list[str] = []
    run: list[tuple[str, str, str]] = []

    def flush() -> None:
        width = max((len(key) for _, key, _ in run), default=0)
        out.extend(f"{indent}{key.ljust(width)} = {rest}" for indent, key, rest in run)
        run.clear()

    marker = None
    for line in "\n".join(lines).split("\n"):
        if marker is not None:          # inside a heredoc: copied as is
            out.append(line)
            if line.strip() == marker:
                marker = None
            continue
        match = _ATTRIBUTE_LINE.match(line)
        if match and (not run or run[-1][0] == match.group(1)):
            run.append((match.group(1), match.group(2), line[match.end():]))
        else:
            flush()
            if match:
                run.append((match.group(1), match.group(2), line[match.end():]))
            else:
                out.append(line)
        heredoc = _HEREDOC_START.search(line)
        if heredoc:
            flush()
            marker = heredoc.group(1)
    flush()
    return out


def convert_file(path: Path) -> str:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"), object_pairs_hook=_pairs)
    except (OSError, ValueError) as exc:
        raise ConversionError(f"cannot read: {exc}") from None
    return convert(data, path.name)


# -- twins ----------------------------------------------------------------------------

def twin_path(source: Path, root: Path = FIXTURES) -> Path:
    """Where the HCL twin of a ``.tf.json`` fixture goes (see the module docstring)."""
    name = source.name[:-len(".tf.json")] + ".tf"
    relative = source.parent.relative_to(root)
    if len(relative.parts) >= 2:   # fixtures/<rule>/<subfolder>/...: a mirror folder
        folder = root / relative.parts[0] / (relative.parts[1] + MIRROR_SUFFIX)
        return folder.joinpath(*relative.parts[2:], name)
    return source.with_name(name)


def sources(root: Path = FIXTURES) -> list[Path]:
    return sorted(path for path in root.rglob("*.tf.json")
                  if not any(part.endswith(MIRROR_SUFFIX) for part in
                             path.relative_to(root).parts[:-1]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="convert these and print the HCL")
    parser.add_argument("--check", action="store_true", help="list missing or stale twins")
    parser.add_argument("--root", type=Path, default=FIXTURES, help="fixtures folder")
    args = parser.parse_args(argv)
    if args.files:
        status = 0
        for path in args.files:
            try:
                sys.stdout.write(convert_file(path))
            except ConversionError as exc:
                print(f"{path}: {exc}", file=sys.stderr)
                status = 1
        return status
    problems = []
    written = 0
    for source in sources(args.root):
        target = twin_path(source, args.root)
        try:
            text = convert_file(source)
        except ConversionError as exc:
            problems.append(f"{source}: cannot convert: {exc}")
            continue
        current = target.read_text(encoding="utf-8") if target.exists() else None
        if current == text:
            continue
        if args.check:
            problems.append(f"{target}: {'missing' if current is None else 'stale'} twin of "
                            f"{source.name}")
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            written += 1
    for problem in problems:
        print(problem, file=sys.stderr)
    if not args.check:
        print(f"wrote {written} twin{'s' if written != 1 else ''}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""Terraform child modules: follow local ``module`` calls, never fetch remote ones.

A ``module "vpc" { source = "./modules/vpc" }`` block in a module of the run
loads the ``.tf`` and ``.tf.json`` files of that folder as the module
``module.vpc``: its resources join the graph as ``module.vpc.aws_subnet.a``,
its variables take the call's inputs, and its outputs can be read by the
caller (the graph stage resolves those). Calls nest (``module.app.module.vpc``).

Only local paths (``./`` or ``../``, as Terraform defines them) are followed.
Registry, Git, HTTP, S3 ... sources are reported in a note and not fetched.

A folder that some module of the run calls is checked through that call (with
its inputs), not also on its own as a root module.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from .document import TERRAFORM, Document, ModuleCall
from .source import LoadError
from .terraform import iter_blocks

MAX_MODULE_DEPTH = 16
TERRAFORM_SUFFIXES = (".tf", ".tf.json")
LOCAL_PREFIXES = ("./", "../", ".\\", "..\\")


def is_local(source: str) -> bool:
    return source.startswith(LOCAL_PREFIXES) or source in (".", "..")


def _directory_files(directory: str) -> list[Path]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [Path(directory) / name for name in names
            if name.lower().endswith(TERRAFORM_SUFFIXES) and (Path(directory) / name).is_file()]


def _line(document: Document, pointer: tuple) -> str:
    span = document.locations.find(pointer)
    return f":{span.line}:{span.column}" if span else ""


def expand(documents: list[Document], load: Callable[[Path, str], Document | None],
           display: Callable[[Path], str], excluded: Callable[[str], bool] | None = None,
           unreadable: Iterable[str] = ()) -> tuple[list[Document], list[LoadError], list[str]]:
    """The run's documents with local child modules added; root folders that are called
    by another module of the run are left out as roots. Returns (documents, errors, notes).

    ``unreadable``: files the run already failed to load (not loaded, nor reported, again).
    """
    errors: list[LoadError] = []
    notes: list[str] = []
    by_dir: dict[str, list[Document]] = {}
    for document in documents:
        if document.format == TERRAFORM:
            by_dir.setdefault(document.module_dir, []).append(document)
    if not any(next(_calls(group), None) for group in by_dir.values()):   # no module calls
        return documents, errors, notes

    known = {document.path: document for group in by_dir.values() for document in group}
    loaded: dict[str, list[Document]] = {}
    failed: set[str] = set(unreadable)

    def documents_of(directory: str) -> list[Document]:
        if directory not in loaded:
            group = []
            for path in _directory_files(directory):
                name = display(path)
                if (excluded is not None and excluded(name)) or name in failed:
                    continue
                if name in known:      # already read by the run (found in a folder it checks)
                    group.append(known[name])
                    continue
                try:
                    document = load(path, name)
                except LoadError as exc:
                    failed.add(name)
                    errors.append(exc)
                    continue
                if document is not None and document.format == TERRAFORM:
                    group.append(document)
            loaded[directory] = group
        return loaded[directory]

    # folders some other folder of the run calls are not roots of their own
    called = {target for directory, group in by_dir.items()
              for target in _local_targets(directory, group, display) if target != directory}
    reached: set[str] = set()
    children: list[Document] = []

    def follow(root: str, parent: str, directory: str, group: Iterable[Document],
               chain: tuple[str, ...]) -> None:
        for document, name, body, pointer in _calls(group):
            address = f"{parent}.module.{name}" if parent else f"module.{name}"
            where = f"{document.path}{_line(document, pointer)}"
            source = body.get("source")
            if not isinstance(source, str) or "${" in source:
                notes.append(f"{where}: {address} has no literal source; not followed")
                continue
            if not is_local(source):
                notes.append(f"{where}: {address} comes from {source!r}, a remote source; "
                             "remote modules are never fetched, so its resources are not checked")
                continue
            target = _target(directory, source, display)
            if target in chain:
                notes.append(f"{where}: {address} calls {source!r}, which is already being "
                             "expanded (a cycle); not followed")
                continue
            if len(chain) > MAX_MODULE_DEPTH:
                notes.append(f"{where}: {address} nests more than {MAX_MODULE_DEPTH} modules "
                             "deep; not followed")
                continue
            if not os.path.isdir(target):
                notes.append(f"{where}: {address} source {source!r} is not a folder; "
                             "not followed")
                continue
            module_documents = documents_of(target)
            if not module_documents:
                notes.append(f"{where}: {address} source {source!r} has no Terraform files")
                continue
            reached.add(target)
            call = ModuleCall(address=address, root=root, parent=parent, name=name, body=body)
            children.extend(_instance(child, call) for child in module_documents)
            follow(root, address, target, module_documents, (*chain, target))

    roots = [directory for directory in by_dir if directory not in called]
    for directory in roots:
        follow(directory, "", directory, by_dir[directory], (directory,))
    for directory in by_dir:   # called only from within a cycle: check it as a root after all
        if directory in called and directory not in reached:
            roots.append(directory)
            follow(directory, "", directory, by_dir[directory], (directory,))
    kept = set(roots)
    documents = [document for document in documents
                 if document.format != TERRAFORM or document.module_dir in kept]
    return documents + children, errors, notes


def _target(directory: str, source: str, display: Callable[[Path], str]) -> str:
    return display(Path(os.path.normpath(os.path.join(directory, source.replace("\\", "/")))))


def _local_targets(directory: str, group: Iterable[Document],
                   display: Callable[[Path], str]) -> set[str]:
    targets = set()
    for _, _, body, _ in _calls(group):
        source = body.get("source")
        if isinstance(source, str) and "${" not in source and is_local(source):
            targets.add(_target(directory, source, display))
    return targets


def _calls(group: Iterable[Document]):
    for document in group:
        for (name,), body, pointer in iter_blocks(document.data.get("module"), 1, ("module",)):
            if isinstance(body, dict):
                yield document, name, body, pointer


def _instance(document: Document, call: ModuleCall) -> Document:
    """A child module's document as seen through one call: addresses under ``module.x``."""
    prefix = call.address + "."
    resources = tuple(replace(declaration, address=prefix + declaration.address)
                      for declaration in document.resources)
    return replace(document, resources=resources, module=call, notes=())

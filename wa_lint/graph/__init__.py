"""Graph stage: Documents -> Model (one networkx MultiDiGraph per run).

See ``model`` for the node and edge vocabulary, ``cfn`` and ``terraform`` for
how each format resolves values and finds references, and ``hcl`` for the
Terraform expression evaluator.
"""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..load import CLOUDFORMATION, TERRAFORM, TERRAFORM_PLAN, Document
from .cfn import CloudFormationScope
from .model import EDGE_KINDS, Model, Node, NodeId, Reference, Scope
from .terraform import PlanScope, TerraformModuleScope

__all__ = ["EDGE_KINDS", "Model", "Node", "NodeId", "Reference", "Scope", "build_graph"]


def build_graph(documents: list[Document]) -> Model:
    """Create a node per resource, then resolve references into typed edges."""
    model = Model(graph=nx.MultiDiGraph(), nodes={}, documents=list(documents))
    scopes: list[tuple[Scope, list[Document]]] = []
    modules: dict[tuple[str, str], list[Document]] = defaultdict(list)
    for document in documents:
        if document.format == CLOUDFORMATION:
            scopes.append((CloudFormationScope(document, model), [document]))
        elif document.format == TERRAFORM_PLAN:
            scopes.append((PlanScope(document, model), [document]))
        elif document.format == TERRAFORM:
            modules[document.module_key].append(document)
    # root modules first, then child modules, callers before the modules they call
    terraform_scopes: dict[tuple[str, str], TerraformModuleScope] = {}
    for (directory, address), module_documents in sorted(
            modules.items(), key=lambda item: (item[0][1].count("."), item[0])):
        call = module_documents[0].module
        if call is None:
            for key, group in _split_conflicting(directory, module_documents, model.warnings):
                scope = TerraformModuleScope(key, group, model)
                terraform_scopes.setdefault((key, ""), scope)
                scopes.append((scope, group))
        else:
            parent = terraform_scopes.get((directory, call.parent))
            scope = TerraformModuleScope(directory, module_documents, model, call, parent)
            terraform_scopes[(directory, address)] = scope
            scopes.append((scope, module_documents))

    for scope, scope_documents in scopes:
        for document in scope_documents:
            for declaration in document.resources:
                node_id = (scope.key, declaration.address)
                if node_id not in model.nodes:
                    model.add(Node(node_id, declaration, document, scope))
    for scope, _ in scopes:
        if isinstance(scope, CloudFormationScope):
            for name, value in scope.exports():
                model.exports.setdefault(name, (scope, value))
    for node in list(model.nodes.values()):
        for reference in node.scope.references(node):
            if reference.target in model.nodes and reference.target != node.id:
                model.graph.add_edge(node.id, reference.target, kind=reference.kind,
                                     path=reference.path, attribute=reference.attribute)
    return model


def _split_conflicting(directory: str, documents: list[Document], warnings: list[str]
                       ) -> list[tuple[str, list[Document]]]:
    """The files of one directory form one module, unless they declare the same address.

    Terraform rejects such a directory; rather than drop resources, a file that
    redeclares an address is checked as a module of its own, with a warning.
    """
    groups: list[tuple[str, list[Document], dict[str, str]]] = []
    for document in documents:
        addresses = {declaration.address for declaration in document.resources}
        for _, group, declared in groups:
            clash = addresses & declared.keys()
            if not clash:
                group.append(document)
                declared.update(dict.fromkeys(addresses, document.path))
                break
        else:
            if groups:
                first = sorted(addresses & groups[0][2].keys())[0]
                warnings.append(f"{document.path}: declares {first} again (also in "
                                f"{groups[0][2][first]}); checked as a separate module")
            key = directory if not groups else document.path
            groups.append((key, [document], dict.fromkeys(addresses, document.path)))
    return [(key, group) for key, group, _ in groups]

"""The resource graph: one networkx ``MultiDiGraph`` per run.

A node per resource (CloudFormation logical id, Terraform address), keyed by
``(scope, address)`` where ``scope`` is the template file (CloudFormation, plan)
or the module directory (Terraform configuration). Edges are typed by how they
arise and carry the property path where the reference is written, relative to
the resource's properties (``("Subnets", 0)``); resource-level attributes use
an ``@`` prefix (``("@DependsOn", 0)``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

import networkx as nx

from ..load import Declaration, Document
from ..values import UNKNOWN

# edge kinds
REF = "Ref"
GET_ATT = "Fn::GetAtt"
SUB = "Fn::Sub"
DEPENDS_ON = "DependsOn"
IMPORT_VALUE = "Fn::ImportValue"
INTERPOLATION = "interpolation"
TF_DEPENDS_ON = "depends_on"
PLAN_REFERENCE = "plan-reference"
EDGE_KINDS = (REF, GET_ATT, SUB, DEPENDS_ON, IMPORT_VALUE, INTERPOLATION, TF_DEPENDS_ON,
              PLAN_REFERENCE)

NodeId = tuple[str, str]


@dataclass(frozen=True)
class Reference:
    """An outgoing reference found in a resource, before it becomes an edge."""

    target: NodeId
    kind: str
    path: tuple
    attribute: str | None = None


class Scope:
    """Format-specific knowledge: how values resolve and where references are.

    Implemented by ``CloudFormationScope``, ``TerraformModuleScope`` and
    ``PlanScope``.
    """

    key: str = ""

    def resolve_properties(self, node: Node, instance: int | None = None) -> dict:
        raise NotImplementedError

    def references(self, node: Node) -> Iterator[Reference]:
        raise NotImplementedError

    def region(self, node: Node) -> object:
        return UNKNOWN

    def instance_count(self, node: Node) -> object:
        """How many instances a node stands for: 1, an int (count), or UNKNOWN."""
        return 1

    def resolve(self, raw: object) -> object:
        """Resolve a raw value written in this scope (outside any resource)."""
        return UNKNOWN


@dataclass(eq=False)
class Node:
    """One resource or data source, as the graph knows it."""

    id: NodeId
    declaration: Declaration
    document: Document
    scope: Scope
    _properties: dict | None = field(default=None, repr=False)

    @property
    def address(self) -> str:
        return self.id[1]

    @property
    def type(self) -> str:
        return self.declaration.type

    @property
    def mode(self) -> str:
        return self.declaration.mode

    @property
    def properties(self) -> dict:
        """Resolved properties (intrinsics and interpolations evaluated), computed once."""
        if self._properties is None:
            self._properties = self.scope.resolve_properties(self)
        return self._properties


@dataclass
class Model:
    """The graph of one run, and the documents it came from."""

    graph: nx.MultiDiGraph
    nodes: dict[NodeId, Node]
    documents: list[Document]
    by_type: dict[str, list[Node]] = field(default_factory=lambda: defaultdict(list))
    exports: dict[str, tuple[Scope, object]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def add(self, node: Node) -> None:
        self.nodes[node.id] = node
        self.by_type[node.type].append(node)
        self.graph.add_node(node.id)

    def out_edges(self, node_id: NodeId) -> Iterator[tuple[NodeId, dict]]:
        for _, target, data in self.graph.out_edges(node_id, data=True):
            yield target, data

    def in_edges(self, node_id: NodeId) -> Iterator[tuple[NodeId, dict]]:
        for source, _, data in self.graph.in_edges(node_id, data=True):
            yield source, data

"""The hand-off from the load stage to the graph stage."""

from __future__ import annotations

from dataclasses import dataclass, field

from .source import Locations

CLOUDFORMATION = "cloudformation"
TERRAFORM = "terraform"
TERRAFORM_PLAN = "terraform-plan"
FORMATS = (CLOUDFORMATION, TERRAFORM, TERRAFORM_PLAN)


@dataclass(frozen=True)
class Declaration:
    """One resource (or Terraform data source) as written in a document.

    ``properties`` is raw: CloudFormation intrinsics and Terraform ``${...}``
    strings are still in it; the graph stage resolves them. ``pointer`` is the
    path of the resource in ``Document.data``; ``properties_pointer`` the path
    of its properties (the base of every finding path).
    """

    address: str
    type: str
    properties: dict
    pointer: tuple
    properties_pointer: tuple
    attributes: dict = field(default_factory=dict)   # DependsOn, Condition, Metadata, count, provider ...
    mode: str = "managed"                            # or "data" (Terraform data sources)


@dataclass(frozen=True)
class ModuleCall:
    """How a child module's documents were reached: ``module "vpc" { source = "./vpc" }``."""

    address: str      # "module.vpc"; nested calls: "module.app.module.vpc"
    root: str         # directory of the root module the call tree starts from
    parent: str       # address of the calling module ("" for the root module)
    name: str         # the call's name ("vpc")
    body: dict        # the module block as written: source, inputs, count ...


@dataclass(frozen=True)
class Document:
    """A parsed template: plain data, a position side table and its declarations."""

    path: str                  # as displayed and reported (relative to the working directory)
    format: str                # one of FORMATS
    data: dict
    locations: Locations
    resources: tuple[Declaration, ...]
    dialect: str = ""          # "sam" for SAM templates
    notes: tuple[str, ...] = ()
    module: ModuleCall | None = None   # set on the documents of a local child module

    @property
    def module_dir(self) -> str:
        """The Terraform module a .tf.json file belongs to: its directory."""
        head, _, _ = self.path.rpartition("/")
        return head or "."

    @property
    def module_key(self) -> tuple[str, str]:
        """(root module directory, module address): the Terraform module scope it belongs to."""
        if self.module is not None:
            return self.module.root, self.module.address
        return self.module_dir, ""

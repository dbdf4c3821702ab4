"""The vocabulary of resolved template values.

Loaders produce plain data; the graph stage resolves intrinsic functions and
interpolations into ordinary Python values plus the few symbolic values below.
Rules see these through ``wa_lint.query`` and ``wa_lint.rule``.
"""

from __future__ import annotations

from dataclasses import dataclass


class _Unknown:
    """A value that cannot be determined from the templates.

    Examples: a parameter without a default, ``Fn::ImportValue`` with no matching
    export in the run, a Terraform attribute known only after apply. Rules must
    never report a problem on an unknown value: they stay silent or say "could
    not determine" at note level.
    """

    _instance: _Unknown | None = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; test `value is UNKNOWN` first")

    def __reduce__(self):
        return (_Unknown, ())


UNKNOWN = _Unknown()


@dataclass(frozen=True)
class ResourceRef:
    """A reference to another resource: ``!Ref X``, ``!GetAtt X.Arn``, ``aws_x.y.id``.

    ``node`` is the graph node id of the target; ``attribute`` is the attribute
    read (``None`` for a CloudFormation ``Ref``).
    """

    node: tuple[str, str]
    attribute: str | None = None
    index: int | str | None = None   # the instance of a counted resource (``aws_subnet.a[1]``)

    @property
    def address(self) -> str:
        return self.node[1]

    def __str__(self) -> str:
        instance = f"[{self.index!r}]" if self.index is not None else ""
        return self.address + instance + (f".{self.attribute}" if self.attribute else "")


@dataclass(frozen=True)
class Zone:
    """One Availability Zone, literal (``us-east-1a``, ``use1-az1``) or symbolic.

    Symbolic zones come from ``!Select [i, !GetAZs '']`` and
    ``data.aws_availability_zones.x.names[i]``: two symbolic zones with the same
    ``index`` and ``region`` are the same zone; different indexes are different
    zones. A literal and a symbolic zone cannot be compared.
    """

    name: str | None = None        # literal zone name or zone id
    index: int | None = None       # position in the Region's zone list
    region: str = ""               # "" is the deployment Region

    @property
    def kind(self) -> str:
        if self.index is not None:
            return "index"
        return "id" if self.name and "-az" in self.name else "name"

    def __str__(self) -> str:
        if self.index is not None:
            return f"AZ[{self.index}]" + (f"@{self.region}" if self.region else "")
        return str(self.name)


@dataclass(frozen=True)
class ZoneList:
    """Every Availability Zone of a Region: ``!GetAZs ''``, ``data.aws_availability_zones.x.names``."""

    region: str = ""

    def __str__(self) -> str:
        return "all zones" + (f" of {self.region}" if self.region else "")


@dataclass(frozen=True)
class Splat:
    """Every instance of a counted resource: ``aws_subnet.a[*].id``."""

    ref: ResourceRef

    def __str__(self) -> str:
        return f"{self.ref}[*]"

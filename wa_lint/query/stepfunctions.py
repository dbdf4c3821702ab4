"""Step Functions state machines: their Amazon States Language definitions, state by state.

``definition(machine)`` reads the definition however it is written:
``Definition`` objects (CloudFormation and SAM), ``DefinitionString`` as a
literal, ``Fn::Sub`` or ``Fn::Join`` string, ``DefinitionSubstitutions``,
Terraform ``definition`` as ``jsonencode({...})`` or a JSON string with
interpolations (see ``embedded``). ``states(machine)`` walks every state,
nested ``Parallel`` branches and ``Map`` processors included. A definition
that cannot be read (``DefinitionUri``/``DefinitionS3Location``,
``templatefile``, unknown parts in the structure) yields nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ..values import UNKNOWN, ResourceRef, Splat
from . import Resource, as_int
from .embedded import embedded_json

STATE_MACHINE_TYPES = ("AWS::StepFunctions::StateMachine", "AWS::Serverless::StateMachine",
                       "aws_sfn_state_machine")
MAX_DEPTH = 20
EXPRESS_LIMIT = 300   # seconds an Express workflow may run


@dataclass(frozen=True)
class Definition:
    machine: Resource
    key: str                 # the property holding it
    document: dict
    inline: bool             # written as an object: findings can point inside it

    def path(self, *asl_path: object) -> tuple:
        return (self.key, *asl_path) if self.inline else (self.key,)


@dataclass(frozen=True)
class State:
    definition: Definition
    name: str
    body: dict
    asl_path: tuple          # from the definition root: ("States", "A", "Branches", 0, ...)
    parents: tuple           # enclosing Parallel/Map states, outermost first

    @property
    def type(self) -> object:
        return self.body.get("Type")

    @property
    def resource(self) -> object:
        return self.body.get("Resource")

    def path(self, *rest: object) -> tuple:
        return self.definition.path(*self.asl_path, *rest)

    def integration(self) -> str:
        """The Task's ``Resource`` as text ('' if it is not text)."""
        resource = self.resource
        return resource if isinstance(resource, str) else ""


def machine_type(machine: Resource) -> object:
    """``STANDARD`` (the default) or ``EXPRESS``, or UNKNOWN."""
    if machine.type == "AWS::Serverless::StateMachine":
        value = machine.get("Type")
    elif machine.is_cloudformation:
        value = machine.get("StateMachineType")
    else:
        value = machine.get("type")
    if value is None:
        return "STANDARD"
    return value.upper() if isinstance(value, str) else UNKNOWN


def definition(machine: Resource) -> Definition | None:
    """The machine's definition, or None when absent or unreadable."""
    if machine.is_cloudformation:
        substitutions = machine.get("DefinitionSubstitutions")
        substitutions = substitutions if isinstance(substitutions, dict) else {}
        for key in ("Definition", "DefinitionString"):
            if machine.get(key) is None and not machine.has(key):
                continue
            document = embedded_json(machine, key, substitutions)
            if isinstance(document, dict):
                inline = isinstance(machine.written(key), dict) and \
                    key == "Definition"
                return Definition(machine, key, document, inline)
        return None
    document = embedded_json(machine, "definition")
    if isinstance(document, dict):
        return Definition(machine, "definition", document, False)
    return None


def states(machine: Resource) -> Iterator[State]:
    """Every state of the machine's definition, nested ones included."""
    found = definition(machine)
    if found is None:
        return
    yield from _walk(found, found.document, (), (), 0)


def _walk(found: Definition, container: dict, prefix: tuple, parents: tuple,
          depth: int) -> Iterator[State]:
    if depth > MAX_DEPTH:
        return
    members = container.get("States")
    if not isinstance(members, dict):
        return
    for name, body in members.items():
        if not isinstance(body, dict):
            continue
        state = State(found, name, body, (*prefix, "States", name), parents)
        yield state
        kind = body.get("Type")
        if kind == "Parallel" and isinstance(body.get("Branches"), list):
            for index, branch in enumerate(body["Branches"]):
                if isinstance(branch, dict):
                    yield from _walk(found, branch, (*state.asl_path, "Branches", index),
                                     (*parents, state), depth + 1)
        elif kind == "Map":
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(body.get(key), dict):
                    yield from _walk(found, body[key], (*state.asl_path, key),
                                     (*parents, state), depth + 1)


def is_callback(state: State) -> bool:
    """A Task that waits for a token or an activity worker."""
    resource = state.integration()
    return resource.endswith(".waitForTaskToken") or ":activity:" in resource


def is_sync(state: State) -> bool:
    resource = state.integration()
    return resource.endswith(".sync") or ".sync:" in resource


def seconds(state: State, key: str) -> object:
    """An integer field of a state (``TimeoutSeconds`` ...): int, None, or UNKNOWN."""
    return as_int(state.body.get(key))


def catchers(state: State) -> list:
    value = state.body.get("Catch")
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def retriers(state: State) -> list:
    value = state.body.get("Retry")
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def task_function(view: object, state: State) -> object:
    """The Lambda function a Task invokes, if it is a function of the run (else None)."""
    from .messaging import FUNCTION_TYPES
    candidates = [state.resource]
    if state.integration().startswith("arn:") and ":lambda:invoke" in state.integration():
        for key in ("Parameters", "Arguments"):
            block = state.body.get(key)
            if isinstance(block, dict):
                candidates.append(block.get("FunctionName"))
    for candidate in candidates:
        target = view.resource(candidate) if isinstance(candidate, (ResourceRef, Splat)) else None
        if target is not None and target.type in FUNCTION_TYPES:
            return target
    return None


def express_scope(machine: Resource, state: State) -> bool:
    """Whether a state runs in an Express execution (an EXPRESS machine, or a child
    workflow of a distributed Map run as EXPRESS)."""
    if machine_type(machine) == "EXPRESS":
        return True
    for parent in state.parents:
        processor = parent.body.get("ItemProcessor")
        config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
        if isinstance(config, dict) and config.get("ExecutionType") == "EXPRESS":
            return True
    return False

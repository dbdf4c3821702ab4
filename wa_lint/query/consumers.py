"""Who polls a queue: Lambda event source mappings, or custom workers through their roles.

A custom worker is compute whose IAM role may call ``sqs:ReceiveMessage`` on
the queue: an EC2 instance, a launch template or configuration and the Auto
Scaling groups launched from it (through the instance profile), or an ECS
task definition and the services that run it (through the task role). A role
with no worker in the run still counts when EC2 or ECS tasks may assume it.
Policies granting the action on ``*`` are not attributed to any queue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase

from ..values import ResourceRef
from . import Resource, View, flatten
from .iam import IDENTITY, TRUST, Statement, policy_statements
from .messaging import ROLE_TYPES
from .placement import ASG_TYPES

WORKER_SERVICES = ("ec2.amazonaws.com", "ecs-tasks.amazonaws.com")

# policy holder type -> [(referenced types, path in the holder)] leading to its roles
_POLICY_TO_ROLES = {
    "AWS::IAM::Policy": ((ROLE_TYPES, "Roles"),),
    "AWS::IAM::ManagedPolicy": ((ROLE_TYPES, "Roles"),),
    "AWS::IAM::RolePolicy": ((ROLE_TYPES, "RoleName"),),
    "aws_iam_role_policy": ((ROLE_TYPES, "role"),),
}
# (profile type, path to its role), (machine type, path to the profile)
_PROFILES = (("AWS::IAM::InstanceProfile", "Roles"), ("aws_iam_instance_profile", "role"))
_MACHINES = (("AWS::EC2::Instance", "IamInstanceProfile"),
             ("AWS::EC2::LaunchTemplate", "LaunchTemplateData/IamInstanceProfile"),
             ("AWS::AutoScaling::LaunchConfiguration", "IamInstanceProfile"),
             ("aws_instance", "iam_instance_profile"),
             ("aws_launch_template", "iam_instance_profile"),
             ("aws_launch_configuration", "iam_instance_profile"))
_TASK_DEFINITIONS = (("AWS::ECS::TaskDefinition", "TaskRoleArn", "AWS::ECS::Service",
                      "TaskDefinition"),
                     ("aws_ecs_task_definition", "task_role_arn", "aws_ecs_service",
                      "task_definition"))


@dataclass
class Receivers:
    """Roles allowed to receive from each queue, and the services trusted by each role."""

    roles: dict = field(default_factory=dict)      # queue id -> [role]
    services: dict = field(default_factory=dict)   # role id -> {service principal}


def receivers(view: View) -> Receivers:
    """One pass over every policy statement of the run (compute once per rule run)."""
    index = Receivers()
    for statement in policy_statements(view):
        if not statement.allows:
            continue
        if statement.kind == TRUST:
            for role in _roles_of(view, statement.resource, trust=True):
                index.services.setdefault(role.id, set()).update(_services(statement))
            continue
        if statement.kind != IDENTITY or not _grants_receive(statement):
            continue
        queues = [view.resource(item) for item in statement.resources
                  if isinstance(item, ResourceRef)]
        roles = None
        for queue in queues:
            if queue is None or queue.type not in ("AWS::SQS::Queue", "aws_sqs_queue"):
                continue
            if roles is None:
                roles = _roles_of(view, statement.resource)
            known = index.roles.setdefault(queue.id, [])
            known.extend(role for role in roles if role not in known)
    return index


def _grants_receive(statement: Statement) -> bool:
    return any(isinstance(action, str) and fnmatchcase("sqs:receivemessage", action.lower())
               for action in statement.actions)


def _services(statement: Statement) -> set:
    principal = statement.principal
    if not isinstance(principal, dict):
        return set()
    return {item for item in flatten(principal.get("Service")) if isinstance(item, str)}


def _roles_of(view: View, holder: Resource, trust: bool = False) -> list[Resource]:
    """The roles a policy document written in ``holder`` applies to."""
    if holder.type in ROLE_TYPES:
        return [holder]
    if trust:
        if holder.type == "aws_iam_policy_document":
            return view.referrers(holder, ("aws_iam_role",), path="assume_role_policy")
        return []
    roles: list[Resource] = []
    for types, path in _POLICY_TO_ROLES.get(holder.type, ()):
        roles.extend(view.referenced(holder, path, types))
    if holder.type == "AWS::IAM::ManagedPolicy":
        roles.extend(view.referrers(holder, ("AWS::IAM::Role",), path="ManagedPolicyArns"))
    elif holder.type == "aws_iam_policy":
        roles.extend(view.referrers(holder, ("aws_iam_role",), path="managed_policy_arns"))
        for attachment in view.referrers(holder, ("aws_iam_role_policy_attachment",
                                                  "aws_iam_policy_attachment"),
                                         path="policy_arn"):
            roles.extend(view.referenced(attachment, "role", ("aws_iam_role",)))
            roles.extend(view.referenced(attachment, "roles", ("aws_iam_role",)))
    elif holder.type == "aws_iam_policy_document":
        roles.extend(view.referrers(holder, ("aws_iam_role",), path="inline_policy"))
        for user in view.referrers(holder, ("aws_iam_role_policy", "aws_iam_policy"),
                                   path="policy"):
            roles.extend(_roles_of(view, user))
    unique: list[Resource] = []
    for role in roles:
        if role not in unique:
            unique.append(role)
    return unique


def workers_of_role(view: View, role: Resource) -> list[Resource]:
    """EC2 instances, Auto Scaling groups (else their launch template or configuration),
    and ECS services (else their task definition) that run with ``role``."""
    workers: list[Resource] = []
    for profile_type, role_path in _PROFILES:
        for profile in view.referrers(role, (profile_type,), path=role_path):
            for machine_type, profile_path in _MACHINES:
                for machine in view.referrers(profile, (machine_type,), path=profile_path):
                    groups = view.referrers(machine, ASG_TYPES)
                    workers.extend(groups or [machine])
    for definition_type, role_path, service_type, definition_path in _TASK_DEFINITIONS:
        for definition in view.referrers(role, (definition_type,), path=role_path):
            services = view.referrers(definition, (service_type,), path=definition_path)
            workers.extend(services or [definition])
    unique: list[Resource] = []
    for worker in workers:
        if worker not in unique:
            unique.append(worker)
    return unique


def custom_consumers(view: View, queue: Resource, index: Receivers) -> list[Resource]:
    """Workers (or, with none in the run, EC2/ECS roles) that may receive from ``queue``."""
    found: list[Resource] = []
    for role in index.roles.get(queue.id, ()):
        workers = workers_of_role(view, role)
        if not workers and index.services.get(role.id, set()) & set(WORKER_SERVICES):
            workers = [role]
        found.extend(worker for worker in workers if worker not in found)
    return found

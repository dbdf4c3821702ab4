"""IAM policy documents, wherever a template writes them.

``policy_statements(view)`` yields every statement of every identity, trust and
resource policy in the run as a normalised ``Statement``, whatever its
spelling: CloudFormation documents (inline or as JSON strings), SAM
``Policies``, Terraform JSON-string policies, ``jsonencode(...)``, and
``aws_iam_policy_document`` data sources (reported where their statements are
written, with the kind of the policy that uses them).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from ..values import UNKNOWN, ResourceRef
from . import Resource, View, flatten
from .embedded import embedded_json

IDENTITY, TRUST, RESOURCE = "identity", "trust", "resource"

# (resource type) -> [(path to a document or a list of {PolicyDocument}, kind)]
POLICY_LOCATIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "AWS::IAM::Policy": (("PolicyDocument", IDENTITY),),
    "AWS::IAM::ManagedPolicy": (("PolicyDocument", IDENTITY),),
    "AWS::IAM::Role": (("AssumeRolePolicyDocument", TRUST), ("Policies/*/PolicyDocument",
                                                              IDENTITY)),
    "AWS::IAM::User": (("Policies/*/PolicyDocument", IDENTITY),),
    "AWS::IAM::Group": (("Policies/*/PolicyDocument", IDENTITY),),
    "AWS::IAM::RolePolicy": (("PolicyDocument", IDENTITY),),
    "AWS::IAM::UserPolicy": (("PolicyDocument", IDENTITY),),
    "AWS::IAM::GroupPolicy": (("PolicyDocument", IDENTITY),),
    "AWS::S3::BucketPolicy": (("PolicyDocument", RESOURCE),),
    "AWS::SQS::QueuePolicy": (("PolicyDocument", RESOURCE),),
    "AWS::SNS::TopicPolicy": (("PolicyDocument", RESOURCE),),
    "AWS::KMS::Key": (("KeyPolicy", RESOURCE),),
    "AWS::SecretsManager::ResourcePolicy": (("ResourcePolicy", RESOURCE),),
    "AWS::ECR::Repository": (("RepositoryPolicyText", RESOURCE),),
    "AWS::Logs::ResourcePolicy": (("PolicyDocument", RESOURCE),),
    "AWS::ApiGateway::RestApi": (("Policy", RESOURCE),),
    "AWS::OpenSearchService::Domain": (("AccessPolicies", RESOURCE),),
    "AWS::Elasticsearch::Domain": (("AccessPolicies", RESOURCE),),
    "AWS::EFS::FileSystem": (("FileSystemPolicy", RESOURCE),),
    "AWS::Backup::BackupVault": (("AccessPolicy", RESOURCE),),
    "AWS::S3::AccessPoint": (("Policy", RESOURCE),),
    "AWS::Serverless::Function": (("Policies", IDENTITY),),
    "AWS::Serverless::StateMachine": (("Policies", IDENTITY),),
    "aws_iam_policy": (("policy", IDENTITY),),
    "aws_iam_role_policy": (("policy", IDENTITY),),
    "aws_iam_user_policy": (("policy", IDENTITY),),
    "aws_iam_group_policy": (("policy", IDENTITY),),
    "aws_iam_role": (("assume_role_policy", TRUST), ("inline_policy/*/policy", IDENTITY)),
    "aws_s3_bucket_policy": (("policy", RESOURCE),),
    "aws_s3_bucket": (("policy", RESOURCE),),
    "aws_sqs_queue_policy": (("policy", RESOURCE),),
    "aws_sqs_queue": (("policy", RESOURCE),),
    "aws_sns_topic_policy": (("policy", RESOURCE),),
    "aws_sns_topic": (("policy", RESOURCE),),
    "aws_kms_key": (("policy", RESOURCE),),
    "aws_kms_key_policy": (("policy", RESOURCE),),
    "aws_secretsmanager_secret_policy": (("policy", RESOURCE),),
    "aws_secretsmanager_secret": (("policy", RESOURCE),),
    "aws_ecr_repository_policy": (("policy", RESOURCE),),
    "aws_cloudwatch_log_resource_policy": (("policy_document", RESOURCE),),
    "aws_api_gateway_rest_api_policy": (("policy", RESOURCE),),
    "aws_api_gateway_rest_api": (("policy", RESOURCE),),
    "aws_opensearch_domain_policy": (("access_policies", RESOURCE),),
    "aws_elasticsearch_domain_policy": (("access_policies", RESOURCE),),
    "aws_efs_file_system_policy": (("policy", RESOURCE),),
    "aws_backup_vault_policy": (("policy", RESOURCE),),
}
POLICY_DOCUMENT_DATA = "aws_iam_policy_document"
# resources that write or attach identity-based policies
IDENTITY_TYPES = tuple(name for name, places in POLICY_LOCATIONS.items()
                       if any(kind == IDENTITY for _, kind in places))


@dataclass(frozen=True)
class Statement:
    """One policy statement, normalised to the IAM JSON grammar.

    Lists are lists of strings (or UNKNOWN items); ``principal`` is ``"*"``, a
    dict of principal type -> list, None when absent, or UNKNOWN.
    ``resource``/``path`` say where to report it.
    """

    resource: Resource
    path: tuple
    kind: str                  # identity, trust or resource
    effect: object
    actions: tuple
    not_actions: tuple
    resources: tuple
    not_resources: tuple
    principal: object
    not_principal: object
    condition: object

    @property
    def allows(self) -> bool:
        return self.effect == "Allow"

    def principal_is_anyone(self) -> bool:
        """``Principal: "*"`` or ``{"AWS": "*"}`` (any AWS identity, anonymous included)."""
        principal = self.principal
        if principal == "*":
            return True
        if isinstance(principal, dict):
            return any("*" in flatten(principal.get(key)) for key in ("AWS", "*"))
        return False


def _as_list(value: object) -> tuple:
    if value is None:
        return ()
    if value is UNKNOWN:
        return (UNKNOWN,)
    return tuple(flatten(value))


def parse_document(value: object) -> object:
    """A policy document from a dict or a JSON string; UNKNOWN if it cannot be read."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return UNKNOWN
    return value if isinstance(value, dict) else UNKNOWN


def _statements_of(resource: Resource, path: tuple, document: dict,
                   kind: str) -> Iterator[Statement]:
    statements = document.get("Statement")
    base = (*path, "Statement")
    if isinstance(statements, dict):
        statements, paths = [statements], [base]
    elif isinstance(statements, list):
        paths = [(*base, index) for index in range(len(statements))]
    else:
        return
    for statement, where in zip(statements, paths, strict=True):
        if not isinstance(statement, dict):
            continue
        yield Statement(
            resource=resource, path=where, kind=kind,
            effect=statement.get("Effect", UNKNOWN),
            actions=_as_list(statement.get("Action")),
            not_actions=_as_list(statement.get("NotAction")),
            resources=_as_list(statement.get("Resource")),
            not_resources=_as_list(statement.get("NotResource")),
            principal=statement.get("Principal"),
            not_principal=statement.get("NotPrincipal"),
            condition=statement.get("Condition"))


def _data_statements(resource: Resource, kind: str) -> Iterator[Statement]:
    """Statements of a Terraform ``aws_iam_policy_document`` data source."""
    for path, block in resource.blocks("statement"):
        principals: dict = {}
        for _, principal in resource.blocks((*path, "principals")):
            principal_type = principal.get("type")
            if principal_type is UNKNOWN:
                principals = UNKNOWN  # type: ignore[assignment]
                break
            principals.setdefault(principal_type, []).extend(
                flatten(principal.get("identifiers")))
        if isinstance(principals, dict) and principals.get("*") and "*" in principals["*"]:
            principal: object = "*"
        else:
            principal = principals or None
        conditions = resource.blocks((*path, "condition"))
        yield Statement(
            resource=resource, path=path, kind=kind,
            effect=block.get("effect", "Allow"),
            actions=_as_list(block.get("actions")),
            not_actions=_as_list(block.get("not_actions")),
            resources=_as_list(block.get("resources")),
            not_resources=_as_list(block.get("not_resources")),
            principal=principal, not_principal=None,
            condition=[condition for _, condition in conditions] or None)


def _expand(resource: Resource, pattern: str) -> Iterator[tuple[tuple, object]]:
    """Values at a path pattern where ``*`` stands for every list index."""
    head, _, rest = pattern.partition("/*/")
    if not rest:
        value = resource.get(head)
        if value is not None:
            yield resource.locate(head), value
        return
    for item_path, _ in resource.items(head):
        value = resource.get((*item_path, *rest.split("/")))
        if value is not None:
            yield ((*item_path, *rest.split("/")), value)


def documents(view: View, resource: Resource) -> Iterator[tuple[str, tuple, object]]:
    """(kind, path, raw value) of each policy document a resource writes or uses."""
    for pattern, kind in POLICY_LOCATIONS.get(resource.type, ()):
        for path, value in _expand(resource, pattern):
            if resource.type.startswith("AWS::Serverless::") and pattern == "Policies":
                for item_path, item in resource.items(path):
                    if isinstance(item, dict) and "Statement" in item:
                        yield kind, item_path, item
                continue
            yield kind, path, value


def policy_statements(view: View) -> Iterator[Statement]:
    """Every statement in the run, each once (see the module docstring)."""
    seen: set = set()
    for resource in view.resources(*POLICY_LOCATIONS):
        for kind, path, value in documents(view, resource):
            if isinstance(value, ResourceRef):
                source = view.resource(value)
                if source is None or source.type != POLICY_DOCUMENT_DATA:
                    continue
                if source.id in seen:
                    continue
                seen.add(source.id)
                yield from _data_statements(source, kind)
                continue
            document = parse_document(value)
            if document is UNKNOWN and value is UNKNOWN and len(path) == 1:
                # jsonencode({...}) or a JSON string with a reference in it: read its
                # structure, leaving only the references unknown
                document = embedded_json(resource, path[0])
            if isinstance(document, dict):
                yield from _statements_of(resource, path, document, kind)
    for source in view.data_sources(POLICY_DOCUMENT_DATA):
        if source.id not in seen:
            seen.add(source.id)
            yield from _data_statements(source, IDENTITY)


def managed_policy_arns(resource: Resource) -> Iterator[tuple[tuple, object]]:
    """Managed policies attached by a role, user, group or function, with their paths."""
    if resource.type in ("AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"):
        yield from resource.items("ManagedPolicyArns")
    elif resource.type in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
        for path, item in resource.items("Policies"):
            if isinstance(item, str):
                yield path, item
    elif resource.type in ("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment",
                           "aws_iam_group_policy_attachment", "aws_iam_policy_attachment"):
        yield from resource.items("policy_arn")
    elif resource.type == "aws_iam_role":
        yield from resource.items("managed_policy_arns")


def condition_entries(statement: Statement) -> object:
    """``(operator, key, values)`` of each condition of a statement, or UNKNOWN.

    Reads both the IAM JSON form (``{"StringEquals": {"key": value}}``) and the
    ``condition { test, variable, values }`` blocks of ``aws_iam_policy_document``.
    """
    condition = statement.condition
    if condition is None:
        return []
    if condition is UNKNOWN:
        return UNKNOWN
    entries: list[tuple[str, str, tuple]] = []
    if isinstance(condition, dict):
        for operator, tests in condition.items():
            if not isinstance(tests, dict):
                return UNKNOWN
            for key, values in tests.items():
                entries.append((str(operator), str(key), _as_list(values)))
        return entries
    if isinstance(condition, list):
        for block in condition:
            if not isinstance(block, dict):
                return UNKNOWN
            test, variable = block.get("test"), block.get("variable")
            if test is UNKNOWN or variable is UNKNOWN:
                return UNKNOWN
            entries.append((str(test), str(variable), _as_list(block.get("values"))))
        return entries
    return UNKNOWN


def principal_values(statement: Statement, principal_type: str) -> object:
    """The principals of one type (``AWS``, ``Federated``, ``Service``) a statement names."""
    principal = statement.principal
    if principal is UNKNOWN:
        return UNKNOWN
    if not isinstance(principal, dict):
        return ()
    return _as_list(principal.get(principal_type))

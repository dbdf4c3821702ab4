"""wa_lint.query.keys and the condition/principal helpers of wa_lint.query.iam."""

from __future__ import annotations

import json
import textwrap

from tests.helpers import ids
from wa_lint.engine import RunError, load_documents
from wa_lint.graph import build_graph
from wa_lint.query import UNKNOWN, View
from wa_lint.query.iam import condition_entries, policy_statements, principal_values
from wa_lint.query.keys import (
    DEFAULT,
    LITERAL,
    VISIBLE,
    arn_parts,
    find_secret,
    key_region,
    rotation_schedules,
    secret_key_outputs,
    secret_key_uses,
    secret_source,
)


def view_of(tmp_path, files: dict[str, str]) -> View:
    for name, text in files.items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    errors: list[RunError] = []
    documents, _, _ = load_documents([tmp_path], errors)
    assert not errors, errors
    return View(build_graph(documents))


def by_address(view, *types):
    return {resource.address: resource for resource in view.resources(*types)}


def test_arn_parts():
    assert arn_parts("arn:aws:kms:eu-west-1:111122223333:key/abc") == \
        ("kms", "eu-west-1", "111122223333", "key/abc")
    assert arn_parts("arn:aws:s3:::bucket/key") == ("s3", "", "", "bucket/key")
    assert arn_parts("alias/data") is None
    assert arn_parts(UNKNOWN) is None


CFN_SECRETS = """
    AWSTemplateFormatVersion: "2010-09-09"
    Parameters:
      WithDefault: {Type: String, NoEcho: true, Default: hunter2hunter2}
      Echoed: {Type: String}
      Hidden: {Type: String, NoEcho: true}
    Resources:
      Literal:
        Type: AWS::RDS::DBInstance
        Properties: {MasterUserPassword: hunter2hunter2}
      Defaulted:
        Type: AWS::RDS::DBInstance
        Properties: {MasterUserPassword: !Ref WithDefault}
      Visible:
        Type: AWS::RDS::DBInstance
        Properties: {MasterUserPassword: !Ref Echoed}
      NoEcho:
        Type: AWS::RDS::DBInstance
        Properties: {MasterUserPassword: !Ref Hidden}
      Dynamic:
        Type: AWS::RDS::DBInstance
        Properties: {MasterUserPassword: "{{resolve:secretsmanager:db:SecretString:password}}"}
      Named:
        Type: AWS::SecretsManager::Secret
        Properties: {Name: app/db}
      ByName:
        Type: AWS::SecretsManager::RotationSchedule
        Properties: {SecretId: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:app/db-AbCdEf"}
      Key:
        Type: AWS::IAM::AccessKey
        Properties: {UserName: someone}
      Stored:
        Type: AWS::SSM::Parameter
        Properties: {Type: String, Value: !GetAtt Key.SecretAccessKey}
    Outputs:
      Leaked:
        Value: !GetAtt Key.SecretAccessKey
      Harmless:
        Value: !Ref Key
"""


def test_secret_source_tells_literals_defaults_and_visible_parameters(tmp_path):
    view = view_of(tmp_path, {"t.yaml": CFN_SECRETS})
    dbs = by_address(view, "AWS::RDS::DBInstance")
    path = ("MasterUserPassword",)
    assert secret_source(dbs["Literal"], path) == (LITERAL, "")
    assert secret_source(dbs["Defaulted"], path) == (DEFAULT, "WithDefault")
    assert secret_source(dbs["Visible"], path) == (VISIBLE, "Echoed")
    assert secret_source(dbs["NoEcho"], path) is None
    assert secret_source(dbs["Dynamic"], path) is None


def test_rotation_schedule_finds_its_secret_by_arn_with_suffix(tmp_path):
    view = view_of(tmp_path, {"t.yaml": CFN_SECRETS})
    secret = by_address(view, "AWS::SecretsManager::Secret")["Named"]
    rotated, unresolved = rotation_schedules(view)
    assert rotated == {secret} and not unresolved
    assert find_secret(view, "app/dbx") is None


def test_access_key_secret_readers_and_outputs(tmp_path):
    view = view_of(tmp_path, {"t.yaml": CFN_SECRETS})
    key = by_address(view, "AWS::IAM::AccessKey")["Key"]
    assert secret_key_outputs(key) == ["Leaked"]
    assert [(reader.address, attribute) for reader, attribute in secret_key_uses(view, key)] \
        == [("Stored", "SecretAccessKey")]


TF_REGIONS = {
    "provider": {"aws": [{"region": "eu-west-1"}, {"alias": "dr", "region": "us-east-1"}]},
    "variable": {"password": {"default": "hunter2hunter2"}},
    "resource": {
        "aws_kms_key": {"dr": {"provider": "aws.dr"}, "home": {}},
        "aws_sqs_queue": {
            "a": {"kms_master_key_id": "${aws_kms_key.dr.arn}"},
            "b": {"kms_master_key_id": "arn:aws:kms:ap-south-1:111122223333:key/abc"},
            "c": {"kms_master_key_id": "alias/jobs"},
        },
        "aws_db_instance": {"db": {"password": "${var.password}"},
                            "raw": {"password": "hunter2hunter2"}},
    },
}


def test_key_region_from_provider_alias_arn_and_alias(tmp_path):
    view = view_of(tmp_path, {"main.tf.json": json.dumps(TF_REGIONS)})
    queues = by_address(view, "aws_sqs_queue")
    assert key_region(view, queues["aws_sqs_queue.a"].get("kms_master_key_id")) == "us-east-1"
    assert key_region(view, queues["aws_sqs_queue.b"].get("kms_master_key_id")) == "ap-south-1"
    assert key_region(view, queues["aws_sqs_queue.c"].get("kms_master_key_id")) is None
    assert key_region(view, UNKNOWN) is UNKNOWN


def test_terraform_variable_default_is_a_default_not_a_literal(tmp_path):
    view = view_of(tmp_path, {"main.tf.json": json.dumps(TF_REGIONS)})
    dbs = by_address(view, "aws_db_instance")
    assert secret_source(dbs["aws_db_instance.db"], ("password",)) == (DEFAULT, "password")
    assert secret_source(dbs["aws_db_instance.raw"], ("password",)) == (LITERAL, "")


TF_TRUST = {
    "data": {"aws_iam_policy_document": {"trust": {"statement": {
        "actions": ["sts:AssumeRoleWithWebIdentity"],
        "principals": {"type": "Federated", "identifiers": ["arn:aws:iam::1:oidc-provider/x"]},
        "condition": [{"test": "StringLike", "variable": "x:sub", "values": ["repo:a/*"]}]}}}},
    "resource": {"aws_iam_role": {"r": {
        "assume_role_policy": "${data.aws_iam_policy_document.trust.json}"}}},
}


def test_condition_entries_read_both_policy_spellings(tmp_path):
    view = view_of(tmp_path, {"main.tf.json": json.dumps(TF_TRUST), "t.yaml": """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: "111122223333"}
                    Action: sts:AssumeRole
                    Condition: {StringEquals: {"sts:ExternalId": [abc, def]}}
    """})
    found = {statement.resource.address: statement for statement in policy_statements(view)}
    assert condition_entries(found["Role"]) == [("StringEquals", "sts:ExternalId",
                                                 ("abc", "def"))]
    assert principal_values(found["Role"], "AWS") == ("111122223333",)
    trust = found["data.aws_iam_policy_document.trust"]
    assert condition_entries(trust) == [("StringLike", "x:sub", ("repo:a/*",))]
    assert principal_values(trust, "Federated") == ("arn:aws:iam::1:oidc-provider/x",)


def test_rotation_schedule_through_a_target_attachment(tmp_path):
    view = view_of(tmp_path, {"t.yaml": """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Secret:
            Type: AWS::SecretsManager::Secret
            Properties: {GenerateSecretString: {PasswordLength: 32}}
          Attachment:
            Type: AWS::SecretsManager::SecretTargetAttachment
            Properties: {SecretId: !Ref Secret, TargetId: db, TargetType: AWS::RDS::DBInstance}
          Rotation:
            Type: AWS::SecretsManager::RotationSchedule
            Properties: {SecretId: !Ref Attachment}
    """})
    rotated, unresolved = rotation_schedules(view)
    assert {secret.address for secret in rotated} == {"Secret"} and not unresolved


def test_rules_survive_dates_and_number_keys_as_yaml_writes_them(tmp_path):
    from tests.helpers import lint_text
    results = lint_text("""
        AWSTemplateFormatVersion: 2010-09-09
        Resources:
          Role:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Version: 2012-10-17
                Statement:
                  - Effect: Allow
                    Principal: {Federated: !Sub "arn:aws:iam::${AWS::AccountId}:oidc-provider/x.example.com"}
                    Action: sts:AssumeRoleWithWebIdentity
              Policies:
                - PolicyName: pass
                  PolicyDocument:
                    Version: 2012-10-17
                    Statement:
                      - Effect: Allow
                        Action: iam:PassRole
                        Resource: !Sub "arn:aws:iam::${AWS::AccountId}:role/*"
          Function:
            Type: AWS::Lambda::Function
            Properties:
              Role: !GetAtt Role.Arn
              Environment: {Variables: {1: hunter2hunter2, API_TOKEN: tok_9f8e7d6c5b4a3f2e1d0c}}
    """, tmp_path, select=("SEC202", "SEC206", "SEC209"))
    assert not results.errors, results.errors
    assert sorted(ids(results)) == ["SEC202", "SEC206", "SEC209"]


def test_rotation_by_name_prefers_the_schedule_own_template(tmp_path):
    template = """
        AWSTemplateFormatVersion: "2010-09-09"
        Resources:
          Secret:
            Type: AWS::SecretsManager::Secret
            Properties: {Name: app/api}
          Rotation:
            Type: AWS::SecretsManager::RotationSchedule
            Properties: {SecretId: app/api}
    """
    view = view_of(tmp_path, {"a.yaml": template, "b.yaml": template})
    rotated, _ = rotation_schedules(view)
    assert sorted(secret.file.rsplit("/", 1)[-1] for secret in rotated) == ["a.yaml", "b.yaml"]

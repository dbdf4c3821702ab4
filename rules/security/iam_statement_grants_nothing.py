from wa_lint.query import UNKNOWN, ResourceRef
from wa_lint.query.iam import POLICY_DOCUMENT_DATA, POLICY_LOCATIONS, TRUST, policy_statements
from wa_lint.rule import rule

S3_ARN = "arn:aws:s3:::"
BUCKET_PREFIXES = ("ListBucket", "GetBucket", "PutBucket", "DeleteBucket")
BUCKET_ACTIONS = {
    "CreateBucket", "GetReplicationConfiguration", "PutReplicationConfiguration",
    "GetLifecycleConfiguration", "PutLifecycleConfiguration", "GetEncryptionConfiguration",
    "PutEncryptionConfiguration", "GetAccelerateConfiguration", "PutAccelerateConfiguration",
    "GetInventoryConfiguration", "PutInventoryConfiguration", "GetMetricsConfiguration",
    "PutMetricsConfiguration", "GetAnalyticsConfiguration", "PutAnalyticsConfiguration",
    "GetIntelligentTieringConfiguration", "PutIntelligentTieringConfiguration",
}
OBJECT_PREFIXES = ("GetObject", "PutObject", "DeleteObject", "Replicate")
OBJECT_ACTIONS = {"RestoreObject", "AbortMultipartUpload", "ListMultipartUploadParts",
                  "ObjectOwnerOverrideToBucketOwner"}
# (type, attribute) -> what a reference gives instead of an ARN (None: a CloudFormation Ref)
NOT_ARNS = {
    ("AWS::S3::Bucket", None): "the bucket name",
    ("AWS::SQS::Queue", None): "the queue URL",
    ("AWS::SQS::Queue", "QueueUrl"): "the queue URL",
    ("AWS::DynamoDB::Table", None): "the table name",
    ("AWS::Lambda::Function", None): "the function name",
    ("AWS::Kinesis::Stream", None): "the stream name",
    ("AWS::Logs::LogGroup", None): "the log group name",
    ("AWS::KMS::Key", None): "the key id",
    ("AWS::KMS::Key", "KeyId"): "the key id",
    ("AWS::IAM::Role", None): "the role name",
    ("AWS::ECR::Repository", None): "the repository name",
    ("aws_s3_bucket", "id"): "the bucket name",
    ("aws_s3_bucket", "bucket"): "the bucket name",
    ("aws_sqs_queue", "id"): "the queue URL",
    ("aws_sqs_queue", "url"): "the queue URL",
    ("aws_dynamodb_table", "id"): "the table name",
    ("aws_dynamodb_table", "name"): "the table name",
    ("aws_lambda_function", "function_name"): "the function name",
    ("aws_kinesis_stream", "name"): "the stream name",
    ("aws_cloudwatch_log_group", "name"): "the log group name",
    ("aws_kms_key", "id"): "the key id",
    ("aws_kms_key", "key_id"): "the key id",
    ("aws_iam_role", "name"): "the role name",
    ("aws_iam_role", "id"): "the role name",
    ("aws_ecr_repository", "name"): "the repository name",
}
BUCKET_ARNS = {("AWS::S3::Bucket", "Arn"), ("aws_s3_bucket", "arn")}
POLICY_TYPES = tuple(name for name, places in POLICY_LOCATIONS.items()
                     if any(kind != TRUST for _, kind in places))


@rule(id="SEC204", name="iam-statement-grants-nothing", pillar="security", severity="warning",
      resource_types=(*POLICY_TYPES, POLICY_DOCUMENT_DATA), bp=("SEC03-BP02",))
def iam_statement_grants_nothing(view):
    """Policy statement names resources its actions can never apply to

    ## What it checks
    `Allow` statements of identity and resource policies whose `Resource`
    cannot match what the actions act on, so that the permission silently
    grants nothing:

    - a resource that is not an ARN: a literal name, or a reference that
      yields a name, a URL or an id (`!Ref` of a bucket, queue, table,
      function, stream, log group, key, role or repository;
      `aws_sqs_queue.q.url`, `aws_s3_bucket.b.id` ...);
    - S3 object actions (`s3:GetObject`, `s3:PutObject`, `s3:DeleteObject`,
      `s3:Replicate*` ...) whose only resources are bucket ARNs
      (`arn:aws:s3:::bucket`, `!GetAtt Bucket.Arn`), and bucket actions
      (`s3:ListBucket`, `s3:GetBucket*`, `s3:GetReplicationConfiguration`
      ...) whose only resources are object ARNs (`arn:aws:s3:::bucket/*`).

    Wildcard actions (`s3:Get*`), the `execute-api:/...` shorthand of API
    Gateway resource policies and resources that cannot be resolved are not
    judged; a statement with one matching resource passes.

    ## Why it matters
    The statement looks like it grants access, so reviews pass it, but every
    call fails with `AccessDenied` at run time: replication that never
    replicates, a function that cannot read its queue. The usual "fix" under
    pressure is a wildcard, which defeats least privilege (SEC03-BP02).

    ## How to fix
    Use the ARN form each action needs: the bucket ARN for bucket actions,
    `bucket-arn/*` for object actions, `!GetAtt Queue.Arn` rather than
    `!Ref Queue`:

    ```yaml
    ReadReports:
      Type: AWS::IAM::ManagedPolicy
      Properties:
        PolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Action: s3:ListBucket
              Resource: !GetAtt Reports.Arn
            - Effect: Allow
              Action: s3:GetObject
              Resource: !Sub "${Reports.Arn}/*"
    ```

    ```json
    {"data": {"aws_iam_policy_document": {"read_reports": {"statement": [
      {"actions": ["s3:ListBucket"], "resources": ["${aws_s3_bucket.reports.arn}"]},
      {"actions": ["s3:GetObject"], "resources": ["${aws_s3_bucket.reports.arn}/*"]}]}}}}
    ```

    ## Known limits
    Only S3 has an action-to-resource-type table here; other services are
    checked for non-ARN resources only.
    """
    for statement in policy_statements(view):
        if statement.effect != "Allow" or statement.kind == TRUST or statement.not_resources \
                or not statement.resources:
            continue
        where = statement.resource
        path = (*statement.path, "Resource" if where.type != POLICY_DOCUMENT_DATA
                else "resources")
        kinds = []
        for item in statement.resources:
            kind, problem = _classify(view, item)
            kinds.append(kind)
            if problem:
                yield where.finding(path, f"Policy statement of {where} names {problem} as a "
                                          "resource, which matches no ARN: it grants nothing "
                                          "there")
        if UNKNOWN in kinds:
            continue
        for action in statement.actions:
            wanted = _s3_action_kind(action)
            if wanted is None or any(wanted in kind for kind in kinds):
                continue
            if not any(kind for kind in kinds):
                continue  # nothing is an S3 ARN: reported above or another service
            other = "bucket" if wanted == "object" else "object"
            yield where.finding(path, f"Policy statement of {where} allows {action}, an S3 "
                                      f"{wanted} action, only on {other} ARNs: it grants "
                                      "nothing")


def _classify(view, item):
    """(kinds of S3 resource the item can match, a problem to report or None)."""
    if item is UNKNOWN:
        return UNKNOWN, None
    if isinstance(item, ResourceRef):
        target = view.resource(item)
        if target is None:
            return UNKNOWN, None
        if (target.type, item.attribute) in BUCKET_ARNS:
            return ("bucket",), None
        what = NOT_ARNS.get((target.type, item.attribute))
        if what is not None:
            return (), f"{what} of {target}"
        return UNKNOWN, None
    if not isinstance(item, str):
        return UNKNOWN, None
    if item == "*":
        return ("bucket", "object"), None
    if item.startswith(S3_ARN):
        rest = item[len(S3_ARN):]
        if "/" in rest:
            return ("object",), None
        return (("bucket", "object") if "*" in rest or "?" in rest else ("bucket",)), None
    if item.startswith(("arn:", "execute-api:")):
        return (), None  # API Gateway resource policies may write execute-api:/stage/...
    if "${" in item or "{{" in item or not item.strip():
        return UNKNOWN, None
    return (), f"'{item}'"


def _s3_action_kind(action):
    if not isinstance(action, str) or "*" in action or "?" in action:
        return None
    service, _, name = action.partition(":")
    if service.lower() != "s3":
        return None
    if name.startswith(BUCKET_PREFIXES) or name in BUCKET_ACTIONS:
        return "bucket"
    if name.startswith(OBJECT_PREFIXES) or name in OBJECT_ACTIONS:
        return "object"
    return None

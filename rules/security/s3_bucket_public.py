from wa_lint.query import UNKNOWN
from wa_lint.query.exposure import bucket_public_access_block, object_ownership, public_acls
from wa_lint.query.iam import POLICY_DOCUMENT_DATA, RESOURCE, policy_statements
from wa_lint.rule import rule

BUCKETS = ("AWS::S3::Bucket", "aws_s3_bucket")
POLICIES = {"AWS::S3::BucketPolicy": "Bucket", "aws_s3_bucket_policy": "bucket"}
WEBSITES = ("aws_s3_bucket_website_configuration",)


@rule(id="SEC303", name="s3-bucket-public", pillar="security", severity="error",
      resource_types=(*BUCKETS, *POLICIES, "aws_s3_bucket_public_access_block",
                      "aws_s3_bucket_acl", "aws_s3_account_public_access_block",
                      POLICY_DOCUMENT_DATA),
      bp=("SEC03-BP07", "SEC08-BP04"))
def s3_bucket_public(view):
    """S3 bucket is readable by anyone, or its Block Public Access is turned off

    ## What it checks
    Every bucket (`AWS::S3::Bucket`, `aws_s3_bucket`) with its Block Public
    Access settings (`PublicAccessBlockConfiguration`,
    `aws_s3_bucket_public_access_block`, and an account-level
    `aws_s3_account_public_access_block` in the run), its Object Ownership,
    its ACL (`AccessControl`, `acl`, `aws_s3_bucket_acl`) and its bucket
    policy:

    - the bucket is **public** (error) when a public ACL (`PublicRead`,
      `PublicReadWrite`, `AuthenticatedRead`, or a grant to `AllUsers` /
      `AuthenticatedUsers`) takes effect, that is `BlockPublicAcls` and
      `IgnorePublicAcls` are off and Object Ownership allows ACLs; or when
      its policy allows `Principal: "*"` with no condition and
      `BlockPublicPolicy` and `RestrictPublicBuckets` are off. A public
      website bucket (`WebsiteConfiguration`) is reported as a warning, since
      that is usually deliberate;
    - otherwise, a bucket that turns any of the four settings off is a
      warning: nothing stops a later ACL or policy from making it public.

    S3 turns all four settings on and disables ACLs (`BucketOwnerEnforced`)
    for every new bucket, so a bucket that does not configure them is not
    reported. A written `PublicAccessBlockConfiguration`, like Terraform's
    `aws_s3_bucket_public_access_block`, leaves the flags it omits off. The
    policy statement itself is reported by `iam-overbroad-permissions`; this
    rule reports the bucket's exposure.
    Settings that cannot be resolved are not judged.

    ## Why it matters
    Public buckets are the most common source of data leaks on AWS. Access
    to data should be granted to known principals (SEC03-BP07), and Block
    Public Access is the guardrail that keeps a mistaken ACL or policy from
    publishing it (SEC08-BP04). Static websites are better served privately
    through CloudFront with origin access control.

    ## How to fix
    Keep (or restore) all four Block Public Access settings and serve public
    content through CloudFront with origin access control:

    ```yaml
    SiteBucket:
      Type: AWS::S3::Bucket
      Properties:
        PublicAccessBlockConfiguration:
          BlockPublicAcls: true
          IgnorePublicAcls: true
          BlockPublicPolicy: true
          RestrictPublicBuckets: true
    ```

    ```json
    {"resource": {"aws_s3_bucket_public_access_block": {"site": {
      "bucket": "${aws_s3_bucket.site.id}", "block_public_acls": true,
      "ignore_public_acls": true, "block_public_policy": true,
      "restrict_public_buckets": true}}}}
    ```

    ## Known limits
    Account-level Block Public Access set outside the run is not seen (a
    bucket reported here may be protected by it). Policy conditions are not
    evaluated: any condition counts as a restriction.
    """
    public_policies = _public_policy_buckets(view)
    for bucket in view.resources(*BUCKETS):
        block = bucket_public_access_block(view, bucket)
        if any(value is UNKNOWN for value in block.flags.values()):
            continue
        flags = block.flags
        reasons = []
        ownership = object_ownership(view, bucket)
        if flags["BlockPublicAcls"] is False and flags["IgnorePublicAcls"] is False and \
                ownership is not UNKNOWN and ownership != "BucketOwnerEnforced":
            reasons += [f"its ACL is {acl}" for _, _, acl in public_acls(view, bucket)]
        if flags["BlockPublicPolicy"] is False and flags["RestrictPublicBuckets"] is False \
                and bucket.id in public_policies:
            reasons.append(f"its policy ({public_policies[bucket.id]}) allows anyone")
        off = block.off()
        if reasons:
            website = _is_website(view, bucket)
            yield block.resource.finding(
                block.path or None,
                f"Bucket {bucket} is public: {' and '.join(reasons)}"
                + (" (website hosting)" if website else ""),
                severity="warning" if website else None)
        elif off:
            yield block.resource.finding(
                block.path or None,
                f"Bucket {bucket} has Block Public Access turned off ({', '.join(off)})",
                severity="warning")


def _public_policy_buckets(view) -> dict:
    """Bucket node id -> policy resource, for policies allowing anyone with no condition."""
    found = {}
    for statement in policy_statements(view):
        if statement.kind != RESOURCE or statement.effect != "Allow" or \
                not statement.principal_is_anyone() or statement.condition not in (None, {}, []):
            continue
        holders = [statement.resource]
        if statement.resource.type == POLICY_DOCUMENT_DATA:
            holders = view.referrers(statement.resource, ("aws_s3_bucket_policy",))
        for holder in holders:
            key = POLICIES.get(holder.type) or ("policy" if holder.type == "aws_s3_bucket"
                                                else None)
            if key is None:
                continue
            targets = [holder] if holder.type == "aws_s3_bucket" else \
                view.referenced(holder, key, BUCKETS)
            for bucket in targets:
                found.setdefault(bucket.id, str(holder))
    return found


def _is_website(view, bucket) -> bool:
    if bucket.is_cloudformation:
        return bucket.get("WebsiteConfiguration") is not None
    return bucket.get("website") is not None or bool(
        view.referrers(bucket, WEBSITES, path="bucket"))

from wa_lint.rule import rule


@rule(id="OPS901", name="suppression-without-reason", pillar="operational-excellence",
      severity="warning", resource_types=("AWS::*", "aws_*"),
      bp=("OPS05-BP07", "OPS05-BP06"))
def suppression_without_reason(view):
    """Suppression gives no reason

    ## What it checks
    Every suppression written in a template (an entry under `Metadata:
    wa-lint: ignore:` of a resource or of the template, or a
    `"//": "wa-lint:ignore RULE reason"` comment in Terraform JSON) must say
    why the finding is accepted. An entry with a rule but no reason still
    suppresses the finding, and is reported itself.

    The suppression stage of the engine evaluates this rule, after every
    other rule has run: it reads the suppressions as written, whatever the
    resource type.

    ## Why it matters
    A suppression is a design decision ("this bucket is rebuilt from source,
    it needs no replica"). Without the reason, the next reviewer cannot tell a
    deliberate trade-off from a silenced alarm, and stale suppressions
    accumulate (OPS05-BP07, OPS05-BP06).

    ## How to fix
    Add the reason next to the rule:

    ```yaml
    Uploads:
      Type: AWS::S3::Bucket
      Metadata:
        wa-lint:
          ignore:
            - rule: s3-missing-cross-region-replication
              reason: thumbnails, regenerated from the originals bucket
    ```

    ```json
    {"resource": {"aws_s3_bucket": {"thumbnails": {
      "//": "wa-lint:ignore s3-missing-cross-region-replication regenerated from originals",
      "bucket": "acme-thumbnails"}}}}
    ```
    """
    yield from ()

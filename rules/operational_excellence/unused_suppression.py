from wa_lint.rule import rule


@rule(id="OPS902", name="unused-suppression", pillar="operational-excellence",
      severity="warning", resource_types=("AWS::*", "aws_*"),
      bp=("OPS05-BP07", "OPS11-BP01"))
def unused_suppression(view):
    """Suppression matches no finding

    ## What it checks
    A suppression written in a template (`Metadata: wa-lint: ignore:` or a
    `"//": "wa-lint:ignore RULE reason"` comment) that matches no finding of
    the rule it names on that resource or template, or that names no rule at
    all. Suppressions of rules that were not run (left out with `--select` or
    `--ignore`) are not judged.

    The suppression stage of the engine evaluates this rule, after every
    other rule has run and the suppressions were matched.

    ## Why it matters
    Architectures change: the finding a suppression was written for may be
    fixed, or the resource renamed. A stale suppression hides the next real
    finding on that resource and misleads reviewers (OPS05-BP07, OPS11-BP01).

    ## How to fix
    Delete the suppression, or correct the rule it names:

    ```yaml
    Metadata:
      wa-lint:
        ignore: []
    ```

    ```json
    {"resource": {"aws_s3_bucket": {"thumbnails": {"bucket": "acme-thumbnails"}}}}
    ```
    """
    yield from ()

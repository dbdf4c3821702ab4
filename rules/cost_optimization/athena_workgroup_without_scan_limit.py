from wa_lint.query import UNKNOWN, as_int
from wa_lint.rule import rule

CUTOFF = {"AWS::Athena::WorkGroup": "WorkGroupConfiguration/BytesScannedCutoffPerQuery",
          "aws_athena_workgroup": "configuration/bytes_scanned_cutoff_per_query"}


@rule(id="COST108", name="athena-workgroup-without-scan-limit", pillar="cost-optimization",
      severity="note", resource_types=CUTOFF, bp="COST02-BP05")
def athena_workgroup_without_scan_limit(view):
    """Athena workgroup has no per-query data scan limit

    ## What it checks
    An Athena workgroup (`AWS::Athena::WorkGroup`, `aws_athena_workgroup`)
    with no `BytesScannedCutoffPerQuery` (Terraform
    `configuration.bytes_scanned_cutoff_per_query`). Athena sets no limit by
    default, so a single query may scan any amount of data. A cut-off written
    as an unresolvable parameter is not judged.

    ## Why it matters
    Athena bills by the data each query scans. One unpartitioned
    `SELECT *` over a data lake can scan terabytes; without a per-query
    cut-off nothing stops it, and the cost shows up only on the bill. A
    workgroup limit is a cost control that cancels such queries
    (COST02-BP05).

    ## How to fix
    Set a per-query limit that fits the workload (at least 10 MB):

    ```yaml
    Analysts:
      Type: AWS::Athena::WorkGroup
      Properties:
        Name: analysts
        WorkGroupConfiguration:
          BytesScannedCutoffPerQuery: 107374182400   # 100 GiB
          EnforceWorkGroupConfiguration: true
    ```

    ```json
    {"resource": {"aws_athena_workgroup": {"analysts": {"name": "analysts",
      "configuration": {"bytes_scanned_cutoff_per_query": 107374182400,
                        "enforce_workgroup_configuration": true}}}}}
    ```

    ## Known limits
    Workgroup-wide data usage controls (CloudWatch alarms on
    `ProcessedBytes`) are not read.
    """
    for workgroup in view.resources():
        path = CUTOFF[workgroup.type]
        cutoff = as_int(workgroup.get(path))
        if cutoff is UNKNOWN:
            continue
        if cutoff is None:
            yield workgroup.finding(path, f"Athena workgroup {workgroup} has no per-query "
                                          "scan limit: a single query can scan, and bill, "
                                          "any amount of data")

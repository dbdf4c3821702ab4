from wa_lint.query import UNKNOWN, as_int
from wa_lint.query.compute import is_custom_resource_handler, runs_on_greengrass
from wa_lint.rule import rule

SIZES = {"AWS::Lambda::Function": ("MemorySize", "Timeout"),
         "AWS::Serverless::Function": ("MemorySize", "Timeout"),
         "aws_lambda_function": ("memory_size", "timeout")}
DEFAULT_MEMORY = 128
DEFAULT_TIMEOUT = 3


@rule(id="PERF104", name="lambda-default-memory", pillar="performance-efficiency",
      severity="note", resource_types=SIZES, bp=("PERF02-BP04", "PERF02-BP02"),
      options={"min-timeout": 30})
def lambda_default_memory(view):
    """Long-running Lambda function left at the 128 MB minimum memory

    ## What it checks
    A Lambda function (`AWS::Lambda::Function`, SAM `AWS::Serverless::Function`
    with `Globals` applied, Terraform `aws_lambda_function`) whose
    `MemorySize` is 128 MB (the default when it is not written) while its
    `Timeout` is at least `min-timeout` seconds (30 by default; the AWS
    default timeout is 3 seconds). A long timeout says the function does real
    work, and at 128 MB it gets the smallest share of CPU. Values that cannot
    be resolved are not judged. Functions that back CloudFormation custom
    resources (`ServiceToken`) are exempt, since they mostly wait on API calls,
    and so are functions deployed to Greengrass core devices.
    This is a hint to measure, not a defect.

    ## Why it matters
    Lambda allocates CPU in proportion to memory (a full vCPU at 1,769 MB), so
    a CPU-bound function at 128 MB runs many times longer than it needs to,
    and because price is memory × time, more memory often costs the same or
    less (PERF02-BP04, PERF02-BP02).

    ## How to fix
    Measure with AWS Lambda Power Tuning or Compute Optimizer and set the
    memory that gives the best time/cost balance:

    ```yaml
    Globals:
      Function:
        MemorySize: 1024
        Timeout: 60
    ```

    ```json
    {"resource": {"aws_lambda_function": {"report": {"memory_size": 1024, "timeout": 60}}}}
    ```

    ## Known limits
    I/O-bound functions that mostly wait may be right at 128 MB; the rule
    cannot tell them apart, which is why it is a note.
    """
    threshold = view.option("min-timeout")
    for function in view.resources():
        memory_key, timeout_key = SIZES[function.type]
        memory = as_int(function.get(memory_key, DEFAULT_MEMORY))
        timeout = as_int(function.get(timeout_key, DEFAULT_TIMEOUT))
        if UNKNOWN in (memory, timeout):
            continue
        if memory <= DEFAULT_MEMORY and timeout >= threshold and \
                not is_custom_resource_handler(view, function) and \
                not runs_on_greengrass(view, function):
            written = "" if function.has(memory_key) else " (the default)"
            yield function.finding(memory_key, f"Function {function} has {memory} MB of "
                                               f"memory{written}, and so a small CPU share, "
                                               f"for a timeout of {timeout} s")

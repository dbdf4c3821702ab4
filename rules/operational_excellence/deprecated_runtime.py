from datetime import date

from wa_lint.query import UNKNOWN
from wa_lint.rule import rule

RUNTIME = {"AWS::Lambda::Function": "Runtime", "AWS::Serverless::Function": "Runtime",
           "aws_lambda_function": "runtime"}

# Deprecation dates of Lambda-managed runtimes, from the "Supported runtimes" and "Deprecated
# runtimes" tables of https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html as
# published in August 2026 (AWS calls future dates projections: refresh this table when they
# move). A runtime counts as deprecated from its date on.
DEPRECATION = {
    "nodejs22.x": date(2027, 4, 30), "nodejs24.x": date(2028, 4, 30),
    "python3.11": date(2027, 6, 30), "python3.12": date(2028, 10, 31),
    "python3.13": date(2029, 6, 30), "python3.14": date(2029, 6, 30),
    "java8.al2": date(2027, 6, 30), "java11": date(2027, 6, 30), "java17": date(2027, 6, 30),
    "java8.al2023": date(2029, 6, 30), "java11.al2023": date(2029, 6, 30),
    "java17.al2023": date(2029, 6, 30), "java21": date(2029, 6, 30), "java25": date(2029, 6, 30),
    "dotnet10": date(2028, 11, 14),
    "ruby3.3": date(2027, 3, 31), "ruby3.4": date(2028, 3, 31), "ruby4.0": date(2029, 3, 31),
    "provided.al2023": date(2029, 6, 30),
    # past their date by late 2026
    "dotnet8": date(2026, 11, 10), "python3.10": date(2026, 10, 31),
    "provided.al2": date(2026, 7, 31), "nodejs20.x": date(2026, 4, 30),
    "ruby3.2": date(2026, 3, 31), "python3.9": date(2025, 12, 15),
    "nodejs18.x": date(2025, 9, 1), "dotnet6": date(2024, 12, 20),
    "python3.8": date(2024, 10, 14), "nodejs16.x": date(2024, 6, 12),
    "dotnet7": date(2024, 5, 14), "java8": date(2024, 1, 8), "go1.x": date(2024, 1, 8),
    "provided": date(2024, 1, 8), "ruby2.7": date(2023, 12, 7),
    "nodejs14.x": date(2023, 12, 4), "python3.7": date(2023, 12, 4),
    "dotnetcore3.1": date(2023, 4, 3), "nodejs12.x": date(2023, 3, 31),
    "python3.6": date(2022, 7, 18), "dotnet5.0": date(2022, 5, 10),
    "dotnetcore2.1": date(2022, 1, 5), "nodejs10.x": date(2021, 7, 30),
    "ruby2.5": date(2021, 7, 30), "python2.7": date(2021, 7, 15),
    "nodejs8.10": date(2020, 3, 6), "nodejs4.3": date(2020, 3, 5),
    "nodejs4.3-edge": date(2020, 3, 5), "nodejs6.10": date(2019, 8, 12),
    "dotnetcore1.0": date(2019, 6, 27), "dotnetcore2.0": date(2019, 5, 30),
    "nodejs": date(2016, 8, 30),
}


@rule(id="OPS107", name="deprecated-runtime", pillar="operational-excellence",
      severity="warning", resource_types=RUNTIME, bp=("OPS05-BP05", "SUS06-BP03"))
def deprecated_runtime(view):
    """Lambda function runs on a deprecated runtime

    ## What it checks
    The `Runtime` of every Lambda function (`AWS::Lambda::Function`, SAM
    `AWS::Serverless::Function` with `Globals` applied, Terraform
    `aws_lambda_function` `runtime`) is looked up in a table of AWS Lambda
    runtime deprecation dates; a runtime whose date has passed on the day of
    the run is reported, e.g. `python3.9` and older, `nodejs20.x` and older,
    `java8` (Amazon Linux 1), `go1.x`, `provided`, `dotnet6`/`dotnet8`,
    `ruby3.2` and older, `provided.al2`. Container-image functions (no
    `Runtime`) and unknown runtime identifiers are not judged.

    The dates come from the AWS Lambda developer guide page "Lambda runtimes"
    (supported and deprecated runtime tables) as published in August 2026;
    AWS calls future dates projections, so the table is refreshed when they
    move.

    ## Why it matters
    After deprecation AWS stops applying security patches to the runtime and
    the function is no longer eligible for technical support; later,
    creating and then updating functions on it is blocked, so a routine fix
    turns into an unplanned migration (OPS05-BP05, SUS06-BP03).

    ## How to fix
    Move to a supported runtime of the same language and test the code on it:

    ```yaml
    Worker:
      Type: AWS::Lambda::Function
      Properties:
        Runtime: python3.13
        Handler: app.handler
        Role: !GetAtt WorkerRole.Arn
        Code: {S3Bucket: !Ref Artifacts, S3Key: worker.zip}
    ```

    ```json
    {"resource": {"aws_lambda_function": {"worker": {"runtime": "python3.13"}}}}
    ```

    ## Known limits
    Base images of container-image functions, layers' compatible runtimes and
    end-of-life database engine versions are not checked.

    ## References
    https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
    """
    today = date.today()
    for function in view.resources():
        key = RUNTIME[function.type]
        runtime = function.get(key)
        if runtime is UNKNOWN or not isinstance(runtime, str):
            continue
        deprecated_on = DEPRECATION.get(runtime.strip().lower())
        if deprecated_on is None or deprecated_on > today:
            continue
        yield function.finding(key, f"Function {function} runs on {runtime}, deprecated by AWS "
                                    f"Lambda on {deprecated_on.isoformat()}: it no longer gets "
                                    "security patches")

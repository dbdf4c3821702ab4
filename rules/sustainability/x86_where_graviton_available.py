import re

from wa_lint.query import UNKNOWN, flatten
from wa_lint.query.cost import is_windows_image, runs_outside_region
from wa_lint.rule import rule

FUNCTIONS = {"AWS::Lambda::Function": ("Architectures", "Runtime", "PackageType"),
             "AWS::Serverless::Function": ("Architectures", "Runtime", "PackageType"),
             "aws_lambda_function": ("architectures", "runtime", "package_type")}
# type -> (what, instance type path, engine path or None)
INSTANCES = {
    "AWS::EC2::Instance": ("EC2 instance", "InstanceType", None),
    "AWS::EC2::LaunchTemplate": ("launch template", "LaunchTemplateData/InstanceType", None),
    "AWS::AutoScaling::LaunchConfiguration": ("launch configuration", "InstanceType", None),
    "AWS::RDS::DBInstance": ("DB instance", "DBInstanceClass", "Engine"),
    "AWS::ElastiCache::CacheCluster": ("cache cluster", "CacheNodeType", "Engine"),
    "AWS::ElastiCache::ReplicationGroup": ("replication group", "CacheNodeType", "Engine"),
    "aws_instance": ("EC2 instance", "instance_type", None),
    "aws_launch_template": ("launch template", "instance_type", None),
    "aws_launch_configuration": ("launch configuration", "instance_type", None),
    "aws_db_instance": ("DB instance", "instance_class", "engine"),
    "aws_rds_cluster_instance": ("DB instance", "instance_class", "engine"),
    "aws_elasticache_cluster": ("cache cluster", "node_type", "engine"),
    "aws_elasticache_replication_group": ("replication group", "node_type", "engine"),
}
# runtimes that never supported arm64
X86_ONLY_RUNTIMES = {"go1.x", "java8", "python2.7", "python3.6", "python3.7", "nodejs",
                     "nodejs4.3", "nodejs6.10", "nodejs8.10", "nodejs10.x", "dotnetcore1.0",
                     "dotnetcore2.0", "dotnetcore2.1", "ruby2.5", "provided"}
# x86 family -> Graviton family with the same role
EC2_TWINS = {"t2": "t4g", "t3": "t4g", "t3a": "t4g",
             **{family: "m7g" for family in ("m4", "m5", "m5a", "m6i", "m6a", "m7i", "m7a")},
             **{family: "m7gd" for family in ("m5d", "m5ad", "m6id", "m7id")},
             **{family: "c7g" for family in ("c4", "c5", "c5a", "c6i", "c6a", "c7i", "c7a")},
             **{family: "c7gd" for family in ("c5d", "c5ad", "c6id")},
             **{family: "c7gn" for family in ("c5n", "c6in")},
             **{family: "r7g" for family in ("r4", "r5", "r5a", "r6i", "r6a", "r7i", "r7a")},
             **{family: "r7gd" for family in ("r5d", "r5ad", "r6id")}}
DB_TWINS = {"t3": "t4g", "m5": "m7g", "m6i": "m7g", "r5": "r7g", "r6i": "r7g", "m4": "m7g",
            "r4": "r7g"}
CACHE_TWINS = {"t3": "t4g", "t2": "t4g", "m5": "m7g", "m4": "m7g", "r5": "r7g", "r4": "r7g",
               "m6i": "m7g", "r6i": "r7g"}
# engines that do not run on Graviton
X86_ONLY_ENGINES = re.compile(r"^(sqlserver|oracle|db2|custom-)", re.IGNORECASE)


@rule(id="SUS101", name="x86-where-graviton-available", pillar="sustainability",
      severity="note", resource_types=(*FUNCTIONS, *INSTANCES),
      bp=("SUS05-BP02", "COST06-BP02"))
def x86_where_graviton_available(view):
    """x86 compute where an Arm (Graviton) equivalent exists

    ## What it checks
    Lambda functions whose `Architectures` is absent or `[x86_64]` (x86_64 is
    the default), and EC2 instances, launch templates, launch
    configurations, RDS DB instances and ElastiCache clusters whose instance
    type belongs to an x86 family with a Graviton twin (`t3` → `t4g`, `m5`
    → `m7g`, `c5` → `c7g`, `r5` → `r7g`, `db.r5` → `db.r7g`, `cache.m5` →
    `cache.m7g` ...).

    Exempt: container-image functions (the image decides), functions on
    runtimes that never supported arm64 (`go1.x`, `java8`, `python3.7` ...),
    functions used by CloudFront (Lambda@Edge runs x86_64 only) or
    Greengrass (they run on the device), machines whose image is known to be
    Windows (an AMI SSM path or `aws_ami` filter naming Windows), and SQL
    Server, Oracle, Db2 and RDS Custom databases. Types and architectures
    that cannot be resolved are not judged.

    ## Why it matters
    Graviton processors deliver the same work with less energy and cost
    less per hour (about 20% for EC2, RDS and ElastiCache, and for Lambda
    GB-seconds). Choosing the instance type with the least impact is a
    sustainability best practice (SUS05-BP02) and a cost one (COST06-BP02).

    ## How to fix
    Move to Arm64 after checking that native dependencies, AMIs and images
    have Arm builds:

    ```yaml
    Processor:
      Type: AWS::Lambda::Function
      Properties:
        Architectures: [arm64]
    ```

    ```json
    {"resource": {"aws_lambda_function": {"processor": {"architectures": ["arm64"]}},
                  "aws_instance": {"web": {"instance_type": "m7g.large"}}}}
    ```

    ## Known limits
    EC2 instances also need an arm64 AMI, which the linter cannot check;
    Windows workloads cannot move to Graviton. Suppress with that reason.
    """
    for function in view.resources(*FUNCTIONS):
        architectures_key, runtime_key, package_key = FUNCTIONS[function.type]
        architectures = function.get(architectures_key)
        runtime, package = function.get(runtime_key), function.get(package_key)
        if UNKNOWN in (architectures, runtime, package) or package == "Image":
            continue
        if architectures is not None and flatten(architectures) != ["x86_64"]:
            continue
        if runtime in X86_ONLY_RUNTIMES or runs_outside_region(view, function):
            continue
        yield function.finding(architectures_key, f"Function {function} runs on x86_64; arm64 "
                                                  "(Graviton) does the same work for less "
                                                  "energy and about 20% less cost")
    for resource in view.resources(*INSTANCES):
        what, type_key, engine_key = INSTANCES[resource.type]
        instance_type = resource.get(type_key)
        if not isinstance(instance_type, str) or is_windows_image(view, resource):
            continue
        if engine_key is not None:
            engine = resource.get(engine_key)
            if engine is UNKNOWN or (isinstance(engine, str) and
                                     X86_ONLY_ENGINES.match(engine)):
                continue
        twin = _twin(instance_type)
        if twin is not None:
            yield resource.finding(type_key, f"{what[0].upper()}{what[1:]} {resource} uses the "
                                             f"x86 type {instance_type}; the Graviton "
                                             f"family {twin} does the same job")


def _twin(instance_type):
    parts = instance_type.split(".")
    if parts[0] in ("db", "cache") and len(parts) == 3:
        twins = DB_TWINS if parts[0] == "db" else CACHE_TWINS
        twin = twins.get(parts[1])
        return f"{parts[0]}.{twin}" if twin else None
    if len(parts) == 2:
        return EC2_TWINS.get(parts[0])
    return None


import json

from wa_lint.query import UNKNOWN, as_bool, flatten
from wa_lint.rule import rule

# resource type -> (containers path, True when it is one container rather than a list)
CONTAINERS = {
    "AWS::ECS::TaskDefinition": ("ContainerDefinitions", False),
    "aws_ecs_task_definition": ("container_definitions", False),
    "AWS::Batch::JobDefinition": ("ContainerProperties", True),
    "aws_batch_job_definition": ("container_properties", True),
}
DANGEROUS_CAPABILITIES = ("ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE",
                          "SYS_RAWIO", "DAC_READ_SEARCH", "BPF")


@rule(id="SEC310", name="container-privileged", pillar="security", severity="error",
      resource_types=CONTAINERS, bp=("SEC03-BP02", "SEC06-BP02"))
def container_privileged(view):
    """Container runs privileged or with host-level Linux capabilities

    ## What it checks
    Container definitions of ECS task definitions and AWS Batch job
    definitions (CloudFormation properties, and the JSON documents of
    Terraform's `container_definitions` / `container_properties`):

    - `Privileged: true` (`privileged`) is an error: the container gets
      every capability and the host's devices;
    - `LinuxParameters.Capabilities.Add` (`linuxParameters.capabilities.add`)
      naming `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_MODULE`, `SYS_PTRACE`,
      `SYS_RAWIO`, `DAC_READ_SEARCH` or `BPF` is a warning.

    Containers are unprivileged, with Docker's default capability set, by
    default. Definitions that cannot be resolved or parsed are not judged.
    Running as root or with a writable root file system is not reported here.

    ## Why it matters
    A privileged container, or one with `SYS_ADMIN`, can mount the host's
    file systems, load kernel modules and escape to the instance, and from
    there reach every other task on it and the instance role. Compute should
    run with the least privilege it needs (SEC03-BP02, SEC06-BP02).

    ## How to fix
    Remove `Privileged` and add only the narrow capability the workload
    needs (most need none):

    ```yaml
    TaskDefinition:
      Type: AWS::ECS::TaskDefinition
      Properties:
        ContainerDefinitions:
          - Name: app
            Image: public.ecr.aws/nginx/nginx:1.27
            ReadonlyRootFilesystem: true
            LinuxParameters:
              Capabilities:
                Drop: [ALL]
    ```

    ```json
    {"resource": {"aws_ecs_task_definition": {"app": {"family": "app",
      "container_definitions":
        "[{\\"name\\": \\"app\\", \\"image\\": \\"nginx:1.27\\", \\"privileged\\": false}]"}}}}
    ```
    """
    for resource in view.resources():
        key, single = CONTAINERS[resource.type]
        if resource.is_cloudformation:
            containers = [(path, block) for path, block in resource.blocks(key)]
            if single and containers:
                containers = containers[:1]
            names = ("Privileged", "LinuxParameters", "Capabilities", "Add", "Name")
        else:
            document = _parse(resource.get(key))
            if document is UNKNOWN or document is None:
                continue
            items = [document] if single else document
            containers = [(resource.locate(key), item) for item in items
                          if isinstance(item, dict)]
            names = ("privileged", "linuxParameters", "capabilities", "add", "name")
        privileged, linux, capabilities, add, name_key = names
        for path, container in containers:
            name = container.get(name_key)
            label = f"container {name}" if isinstance(name, str) else "its container"
            at = (*path, privileged) if resource.is_cloudformation else path
            if as_bool(container.get(privileged)) is True:
                yield resource.finding(at, f"{_kind(resource)} {resource} runs {label} privileged")
            added = ((container.get(linux) or {}).get(capabilities) or {}) \
                if isinstance(container.get(linux), dict) else {}
            values = flatten(added.get(add)) if isinstance(added, dict) else []
            risky = [value for value in values if isinstance(value, str)
                     and value.upper().removeprefix("CAP_") in DANGEROUS_CAPABILITIES]
            if risky:
                at = (*path, linux, capabilities, add) if resource.is_cloudformation else path
                yield resource.finding(at, f"{_kind(resource)} {resource} gives {label} the "
                                           f"{', '.join(risky)} capabilit{'y' if len(risky) == 1 else 'ies'}",
                                       severity="warning")


def _kind(resource) -> str:
    return "Job definition" if "atch" in resource.type else "Task definition"


def _parse(value: object) -> object:
    if value is UNKNOWN or value is None:
        return value
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return UNKNOWN
    return value if isinstance(value, (list, dict)) else UNKNOWN

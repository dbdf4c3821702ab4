import json
import re

from wa_lint.query import UNKNOWN
from wa_lint.query.keys import DEFAULT, LITERAL, VISIBLE, secret_source
from wa_lint.rule import rule

# type -> properties that hold a password, token or secret value ("*" is every list item)
SECRETS = {
    "AWS::RDS::DBInstance": ("MasterUserPassword",),
    "AWS::RDS::DBCluster": ("MasterUserPassword",),
    "AWS::Redshift::Cluster": ("MasterUserPassword",),
    "AWS::DocDB::DBCluster": ("MasterUserPassword",),
    "AWS::ElastiCache::ReplicationGroup": ("AuthToken",),
    "AWS::DirectoryService::MicrosoftAD": ("Password",),
    "AWS::DirectoryService::SimpleAD": ("Password",),
    "AWS::IAM::User": ("LoginProfile/Password",),
    "AWS::MQ::Broker": ("Users/*/Password",),
    "AWS::DMS::Endpoint": ("Password",),
    "AWS::OpenSearchService::Domain": (
        "AdvancedSecurityOptions/MasterUserOptions/MasterUserPassword",),
    "AWS::SecretsManager::Secret": ("SecretString",),
    "aws_db_instance": ("password",),
    "aws_rds_cluster": ("master_password",),
    "aws_redshift_cluster": ("master_password",),
    "aws_docdb_cluster": ("master_password",),
    "aws_elasticache_replication_group": ("auth_token",),
    "aws_directory_service_directory": ("password",),
    "aws_iam_user_login_profile": ("password",),
    "aws_mq_broker": ("user/*/password",),
    "aws_dms_endpoint": ("password",),
    "aws_opensearch_domain": (
        "advanced_security_options/master_user_options/master_user_password",),
    "aws_secretsmanager_secret_version": ("secret_string",),
}
ENVIRONMENTS = {"AWS::Lambda::Function": "Environment/Variables",
                "AWS::Serverless::Function": "Environment/Variables",
                "aws_lambda_function": "environment/variables"}
USER_DATA = {"AWS::EC2::Instance": "UserData",
             "AWS::EC2::LaunchTemplate": "LaunchTemplateData/UserData",
             "AWS::AutoScaling::LaunchConfiguration": "UserData",
             "aws_instance": "user_data", "aws_launch_template": "user_data",
             "aws_launch_configuration": "user_data"}
PARAMETERS = {"AWS::SSM::Parameter": ("Name", "Value", "Type"),
              "aws_ssm_parameter": ("name", "value", "type")}
TASKS = {"AWS::ECS::TaskDefinition": "ContainerDefinitions",
         "aws_ecs_task_definition": "container_definitions"}
SECRET_NAME = re.compile(r"(?i)(password|passwd|pwd|secret|token|api_?key|private_?key|"
                         r"access_?key|auth_?key|credential|client_?secret)")
NOT_A_SECRET = re.compile(r"(?i)(arn|name|_id$|^id$|param|path|table|url|uri|endpoint|ttl|"
                          r"expir|length|header|file|region|bucket|queue|topic|version|type|"
                          r"enabled|audience|issuer|host|port|field|location|key_id|ssm|store)")
SECRET_VALUE = re.compile(r"((AKIA|ASIA)[A-Z0-9]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|"
                          r"gh[pousr]_[A-Za-z0-9]{36}|xox[abprs]-[A-Za-z0-9-]{10,}|"
                          r"sk_live_[A-Za-z0-9]{16,})")
PLACEHOLDER = re.compile(r"(?i)(change_?me|replace|example|placeholder|dummy|xxxx|todo|<|>)")
SEVERITY = {LITERAL: "error", DEFAULT: "warning", VISIBLE: "warning"}


@rule(id="SEC206", name="secret-in-template", pillar="security", severity="error",
      resource_types=(*SECRETS, *ENVIRONMENTS, *TASKS, *PARAMETERS, *USER_DATA),
      bp=("SEC02-BP03",))
def secret_in_template(view):
    """Password, token or key written in the template

    ## What it checks
    Secret values that a template carries itself instead of fetching them from
    Secrets Manager or Parameter Store at deploy or run time:

    - database, cache, directory, broker and search master passwords and
      auth tokens (`MasterUserPassword`, `AuthToken`, `password`,
      `master_password`, `auth_token` ...), IAM login-profile passwords and
      Secrets Manager `SecretString` / `secret_string` values;
    - SSM parameters whose name says they hold a secret
      (`/orders/db-password`), and Terraform `SecureString` parameters, whose
      value is written in the template;
    - instance, launch template and launch configuration user data that
      contains an AWS access key, a private key or a well-known API token;
    - Lambda environment variables and ECS container environment entries
      whose name says they hold a secret (`*_PASSWORD`, `*_TOKEN`,
      `API_KEY`, `CLIENT_SECRET` ...) or whose value looks like an AWS access
      key, a private key or a well-known API token.

    A value written in the file is an error. The default of a CloudFormation
    parameter or a Terraform variable is a warning (it is in source control,
    even if a deployment may override it), as is a CloudFormation parameter
    without `NoEcho`, whose value the console and `DescribeStacks` show.
    Dynamic references (`{{resolve:secretsmanager:...}}`,
    `{{resolve:ssm-secure:...}}`), `NoEcho` parameters without a default,
    `ManageMasterUserPassword` / `manage_master_user_password`, ECS `Secrets`
    and values read from other resources are fine. Placeholders such as
    `CHANGE_ME` in environment variables are ignored.

    ## Why it matters
    Templates are copied into repositories, build logs, artifact buckets and
    stack descriptions. A secret written there is readable by everyone who
    can read any of those, cannot be rotated without a code change, and stays
    in version history after it is replaced (SEC02-BP03).

    ## How to fix
    Let the service manage the credential, or reference a secret store:

    ```yaml
    Database:
      Type: AWS::RDS::DBInstance
      Properties:
        Engine: postgres
        DBInstanceClass: db.t4g.micro
        AllocatedStorage: "20"
        MasterUsername: orders
        ManageMasterUserPassword: true
    ```

    ```json
    {"resource": {"aws_db_instance": {"database": {
      "engine": "postgres", "instance_class": "db.t4g.micro", "allocated_storage": 20,
      "username": "orders", "manage_master_user_password": true}}}}
    ```

    For other secrets use `{{resolve:secretsmanager:name:SecretString:key}}`
    in CloudFormation, ECS `Secrets` with `ValueFrom`, or read the secret at
    run time with the function's role.

    ## Known limits
    Terraform plans are not checked (they cannot tell a literal from a
    variable, and mask values marked sensitive). Secrets inside `UserData`
    scripts are found only when they look like a private key or access key.
    """
    for holder in view.resources(*SECRETS):
        for pattern in SECRETS[holder.type]:
            for path, value in holder.values(pattern):
                if holder.type == "aws_secretsmanager_secret_version" and \
                        holder.get("secret_string_wo") is not None:
                    continue
                source = secret_source(holder, holder.locate(path))
                if source is not None and (source[0] == VISIBLE or isinstance(value, str)):
                    yield holder.finding(path, _message(holder, path[-1], source),
                                         severity=SEVERITY[source[0]])

    for function in view.resources(*ENVIRONMENTS):
        for path, value in function.blocks(ENVIRONMENTS[function.type]):
            for name in value:
                yield from _entry(function, (*path, name), str(name), value[name])

    for parameter in view.resources(*PARAMETERS):
        name_key, value_key, type_key = PARAMETERS[parameter.type]
        name, value = parameter.get(name_key), parameter.get(value_key)
        secure = not parameter.is_cloudformation and parameter.get(type_key) == "SecureString"
        leaf = name.rstrip("/").rsplit("/", 1)[-1] if isinstance(name, str) else ""
        if not isinstance(value, str) or not (secure or _looks_secret(leaf, value)):
            continue
        source = secret_source(parameter, (value_key,))
        if source is not None and source[0] != VISIBLE:
            yield parameter.finding(value_key, _message(parameter, "its secret value", source),
                                    severity=SEVERITY[source[0]])

    for machine in view.resources(*USER_DATA):
        if machine.format == "terraform-plan":
            continue
        path = tuple(USER_DATA[machine.type].split("/"))
        written = machine.written(path)
        if written is None:
            continue
        match = SECRET_VALUE.search(json.dumps(written, default=str))
        if match:
            kind = "a private key" if "PRIVATE KEY" in match.group(0) else "an access key or token"
            yield machine.finding(path, f"{machine} has {kind} written in its user data")

    for task in view.resources(*TASKS):
        if task.is_cloudformation:
            for path, entry in task.values("ContainerDefinitions/*/Environment/*"):
                if isinstance(entry, dict) and isinstance(entry.get("Name"), str):
                    yield from _entry(task, (*path, "Value"), entry["Name"], entry.get("Value"))
            continue
        if task.format == "terraform-plan":
            continue
        definitions = task.get("container_definitions")
        if isinstance(definitions, str):
            try:
                definitions = json.loads(definitions)
            except ValueError:
                continue
        for container in definitions if isinstance(definitions, list) else []:
            for entry in container.get("environment") or [] if isinstance(container, dict) \
                    else []:
                name = entry.get("name") if isinstance(entry, dict) else None
                value = entry.get("value") if isinstance(entry, dict) else None
                if isinstance(name, str) and _looks_secret(name, value):
                    yield task.finding("container_definitions",
                                       f"{task} has environment variable {name} of a container "
                                       "written in the template")


def _entry(resource, path, name, value):
    if not _looks_secret(name, value):
        return
    source = secret_source(resource, path)
    if source is None:
        return
    yield resource.finding(path, _message(resource, f"environment variable {name}", source),
                           severity=SEVERITY[source[0]])


def _looks_secret(name, value):
    if not isinstance(value, str) or value is UNKNOWN:
        return False
    if SECRET_VALUE.search(value):
        return True
    if not SECRET_NAME.search(name) or NOT_A_SECRET.search(name):
        return False
    text = value.strip()
    if len(text) < 6 or text.lower() in ("true", "false", "none", "null") or text.isdigit():
        return False
    return not (text.startswith(("arn:", "/", "http://", "https://", "{{resolve:"))
                or PLACEHOLDER.search(text))


def _message(resource, what, source):
    kind, name = source
    if kind == LITERAL:
        return f"{resource} has {what} written in the template"
    if kind == DEFAULT:
        holder = "parameter" if resource.is_cloudformation else "variable"
        return f"{resource} takes {what} from the default of {holder} {name}, written in the " \
               "template"
    return f"{resource} takes {what} from parameter {name}, which is not NoEcho: the console " \
           "and DescribeStacks show its value"

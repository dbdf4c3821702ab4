import re

from wa_lint.query.cost import raw_text
from wa_lint.rule import rule

# type -> where its boot script is written
SCRIPTS = {"AWS::EC2::Instance": ("UserData",),
           "AWS::EC2::LaunchTemplate": ("LaunchTemplateData/UserData",),
           "AWS::AutoScaling::LaunchConfiguration": ("UserData",),
           "aws_instance": ("user_data", "user_data_base64"),
           "aws_launch_template": ("user_data",),
           "aws_launch_configuration": ("user_data", "user_data_base64")}
WHAT = {"AWS::EC2::Instance": "EC2 instance", "aws_instance": "EC2 instance",
        "AWS::EC2::LaunchTemplate": "Launch template", "aws_launch_template": "Launch template",
        "AWS::AutoScaling::LaunchConfiguration": "Launch configuration",
        "aws_launch_configuration": "Launch configuration"}
# (what the script sets up, pattern, managed alternative)
MIDDLEWARE = (
    ("Apache Kafka", r"kafka-server-start|\bkafka_2\.\d+|confluent-server", "Amazon MSK"),
    ("ZooKeeper", r"zookeeper-server-start|\bzookeeperd\b", "Amazon MSK"),
    ("RabbitMQ", r"rabbitmq-server", "Amazon MQ"),
    ("ActiveMQ", r"\bactivemq\b", "Amazon MQ"),
    ("MySQL", r"\bmysql(-community)?-server\b|\bmariadb\d*-server\b", "Amazon RDS or Aurora"),
    ("PostgreSQL", r"\bpostgresql\d*-server\b|\bpostgresql-1\d\b(?!-client)",
     "Amazon RDS or Aurora"),
    ("MongoDB", r"\bmongodb-org\b|\bmongodb-server\b", "Amazon DocumentDB"),
    ("Redis", r"\bredis\d*-server\b", "Amazon ElastiCache"),
    ("Memcached", r"(install|enable|start)\b[^\n\"]*\bmemcached\b", "Amazon ElastiCache"),
    ("Elasticsearch", r"(install|enable|start)\b[^\n\"]*\belasticsearch\b",
     "Amazon OpenSearch Service"),
)


@rule(id="SUS102", name="self-managed-middleware", pillar="sustainability", severity="note",
      resource_types=SCRIPTS, bp=("SUS05-BP03", "COST05-BP03"))
def self_managed_middleware(view):
    """EC2 instances run middleware that AWS offers as a managed service

    ## What it checks
    The boot script of an EC2 instance, launch template or launch
    configuration (`UserData`, Terraform `user_data` / `user_data_base64`, and
    for CloudFormation the `AWS::CloudFormation::Init` metadata) that
    installs or starts a database, broker or cache server: Kafka or
    ZooKeeper, RabbitMQ or ActiveMQ, MySQL/MariaDB or PostgreSQL server
    packages, MongoDB, Redis, Memcached or Elasticsearch. Client packages
    (`mysql`, `postgresql15`, `redis-cli`) do not count. Scripts kept in
    files outside the template are not read.

    ## Why it matters
    A self-managed server is sized for its peak, runs all the time and is
    patched, backed up and failed over by hand. The managed service shares
    hardware across customers, scales and stops without intervention, and
    takes over that undifferentiated work: less hardware for the same job
    (SUS05-BP03) and a lower total cost (COST05-BP03).

    ## How to fix
    Move the component to the managed service: Amazon MSK for Kafka, Amazon
    MQ for RabbitMQ and ActiveMQ, RDS or Aurora for MySQL and PostgreSQL,
    DocumentDB for MongoDB, ElastiCache for Redis and Memcached, OpenSearch
    Service for Elasticsearch.

    ```yaml
    Database:
      Type: AWS::RDS::DBCluster
      Properties:
        Engine: aurora-mysql
        ServerlessV2ScalingConfiguration: {MinCapacity: 0.5, MaxCapacity: 8}
    ```

    ```json
    {"resource": {"aws_rds_cluster": {"database": {"engine": "aurora-mysql",
      "serverlessv2_scaling_configuration": {"min_capacity": 0.5, "max_capacity": 8}}}}}
    ```

    ## Known limits
    The check reads scripts as text: a package named in a comment counts,
    and a server installed from a baked AMI or a configuration tool is not
    seen.
    """
    for machine in view.resources():
        texts = [raw_text(machine, key) for key in SCRIPTS[machine.type]]
        if machine.is_cloudformation:
            metadata = raw_text(machine, None, attribute="Metadata")
            texts.append(metadata if "AWS::CloudFormation::Init" in metadata else "")
        text = "\n".join(texts)
        found = [(name, managed) for name, pattern, managed in MIDDLEWARE
                 if re.search(pattern, text, re.IGNORECASE)]
        if not found:
            continue
        names = ", ".join(dict.fromkeys(name for name, _ in found))
        managed = ", ".join(dict.fromkeys(service for _, service in found))
        yield machine.finding(SCRIPTS[machine.type][0],
                              f"{WHAT[machine.type]} {machine} installs {names} itself; "
                              f"{managed} would run it as a managed service")

from wa_lint.query import UNKNOWN, as_bool, flatten
from wa_lint.rule import rule

# type -> (subscription SourceType, identifier property, cluster-member property)
DATABASES = {
    "AWS::RDS::DBInstance": ("db-instance", "DBInstanceIdentifier", "DBClusterIdentifier"),
    "AWS::RDS::DBCluster": ("db-cluster", "DBClusterIdentifier", None),
    "aws_db_instance": ("db-instance", "identifier", None),
    "aws_rds_cluster": ("db-cluster", "cluster_identifier", None),
}
SUBSCRIPTIONS = {
    "AWS::RDS::EventSubscription": ("SourceType", "SourceIds", "EventCategories", "Enabled"),
    "aws_db_event_subscription": ("source_type", "source_ids", "event_categories", "enabled"),
}


@rule(id="OPS108", name="database-without-event-notifications",
      pillar="operational-excellence", severity="note", resource_types=DATABASES,
      bp=("OPS08-BP04", "REL11-BP06"))
def database_without_event_notifications(view):
    """RDS database is not covered by any event subscription for failures

    ## What it checks
    Every RDS DB instance and DB cluster (`AWS::RDS::DBInstance`,
    `AWS::RDS::DBCluster`, Terraform `aws_db_instance`, `aws_rds_cluster`)
    should be covered by an enabled RDS event subscription
    (`AWS::RDS::EventSubscription`, Terraform `aws_db_event_subscription`) in
    the same run: one with no `SourceType` (every source), or with
    `db-instance` / `db-cluster` and either no `SourceIds` (every source of
    that type) or a `SourceIds` entry that references the database or names
    its identifier; its `EventCategories` must be absent (every category) or
    include `failure`. Instances that belong to a cluster
    (`DBClusterIdentifier`) are judged through the cluster. Subscriptions
    whose settings cannot be resolved count as covering.

    ## Why it matters
    RDS announces failovers, failures, storage exhaustion and forced
    maintenance as events; without a subscription nobody hears of them until
    the application does (OPS08-BP04, REL11-BP06).

    ## How to fix
    Subscribe a topic to the failure, availability and maintenance events of
    the database:

    ```yaml
    DbEvents:
      Type: AWS::RDS::EventSubscription
      Properties:
        SnsTopicArn: !Ref OnCallTopic
        SourceType: db-instance
        SourceIds: [!Ref Database]
        EventCategories: [availability, failure, maintenance, low storage]
    ```

    ```json
    {"resource": {"aws_db_event_subscription": {"db": {
      "sns_topic": "${aws_sns_topic.on_call.arn}", "source_type": "db-instance",
      "source_ids": ["${aws_db_instance.main.identifier}"],
      "event_categories": ["availability", "failure", "maintenance"]}}}}
    ```

    ## Known limits
    Subscriptions made outside the templates of the run (an account baseline
    stack) are not seen, which is why this is a note.
    """
    subscriptions = [subscription for subscription in view.resources(*SUBSCRIPTIONS)]
    for database in view.resources():
        source_type, identifier_key, member_key = DATABASES[database.type]
        if member_key and database.get(member_key) is not None:
            continue
        identifier = database.get(identifier_key)
        if not any(_covers(view, subscription, database, source_type, identifier) is not False
                   for subscription in subscriptions):
            noun = "DB instance" if source_type == "db-instance" else "DB cluster"
            yield database.finding(None, f"{noun} {database} is not covered by an RDS event "
                                         "subscription for failure events")


def _covers(view, subscription, database, source_type, identifier):
    """True, False or UNKNOWN: whether ``subscription`` reports failures of ``database``."""
    type_key, ids_key, categories_key, enabled_key = SUBSCRIPTIONS[subscription.type]
    enabled = as_bool(subscription.get(enabled_key))
    if enabled is False:
        return False
    kind = subscription.get(type_key)
    ids = subscription.get(ids_key)
    categories = subscription.get(categories_key)
    if UNKNOWN in (enabled, kind, ids, categories):
        return UNKNOWN
    if kind is not None and kind != source_type:
        return False
    if categories is not None:
        names = flatten(categories)
        if UNKNOWN in names:
            return UNKNOWN
        if names and "failure" not in [str(name).lower() for name in names]:
            return False
    if kind is None or ids is None or ids == []:
        return True
    if database in view.referenced(subscription, ids_key):
        return True
    names = flatten(ids)
    if isinstance(identifier, str) and identifier.lower() in [str(n).lower() for n in names]:
        return True
    if any(name is UNKNOWN for name in names):
        return UNKNOWN
    return False

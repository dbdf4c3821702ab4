from wa_lint.query import UNKNOWN, as_bool, as_int
from wa_lint.rule import rule

# type -> (keep-alive flag, idle timeout)
EMR = {"AWS::EMR::Cluster": ("Instances/KeepJobFlowAliveWhenNoSteps",
                             "AutoTerminationPolicy/IdleTimeout"),
       "aws_emr_cluster": ("keep_job_flow_alive_when_no_steps",
                           "auto_termination_policy/idle_timeout")}


@rule(id="COST105", name="emr-cluster-without-auto-termination", pillar="cost-optimization",
      severity="warning", resource_types=EMR, bp=("COST04-BP04", "SUS02-BP03"))
def emr_cluster_without_auto_termination(view):
    """EMR cluster keeps running when idle: no auto-termination

    ## What it checks
    An EMR cluster (`AWS::EMR::Cluster`, `aws_emr_cluster`) that stays alive
    when it has no steps to run, with no idle auto-termination policy
    (`AutoTerminationPolicy.IdleTimeout`, Terraform
    `auto_termination_policy.idle_timeout`). Both CloudFormation
    (`Instances.KeepJobFlowAliveWhenNoSteps`) and Terraform
    (`keep_job_flow_alive_when_no_steps`) keep a cluster alive by default; a
    cluster with the flag set to `false` terminates after its last step and
    passes. Values that cannot be resolved are not judged.

    ## Why it matters
    A long-running EMR cluster bills for every EC2 instance (plus the EMR
    fee) whether or not it processes anything. Clusters started for a batch
    job and then forgotten are a classic source of waste; an idle timeout
    decommissions them automatically (COST04-BP04) and stops the energy
    spent on idle hardware (SUS02-BP03).

    ## How to fix
    Terminate the cluster after its steps, or set an idle timeout:

    ```yaml
    Analytics:
      Type: AWS::EMR::Cluster
      Properties:
        AutoTerminationPolicy:
          IdleTimeout: 3600
    ```

    ```json
    {"resource": {"aws_emr_cluster": {"analytics": {
      "auto_termination_policy": {"idle_timeout": 3600}}}}}
    ```

    ## Known limits
    Clusters terminated by an external scheduler or a Step Functions
    `terminateCluster` state are not recognised.
    """
    for cluster in view.resources():
        keep_path, idle_path = EMR[cluster.type]
        keep_alive = as_bool(cluster.get(keep_path))
        idle = as_int(cluster.get(idle_path))
        if keep_alive is UNKNOWN or idle is UNKNOWN:
            continue
        if keep_alive is False or idle is not None:
            continue
        why = "is kept alive when it has no steps" if keep_alive else \
            "is kept alive when it has no steps (the default)"
        yield cluster.finding(idle_path.split("/")[0],
                              f"EMR cluster {cluster} {why} and has no idle auto-termination "
                              "policy: it bills for its instances while idle")

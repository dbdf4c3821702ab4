from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

STAGES = ("AWS::ApiGateway::Stage", "AWS::Serverless::Api")
METHOD_SETTINGS = "aws_api_gateway_method_settings"
DAX = {"AWS::DAX::Cluster": "SSESpecification/SSEEnabled",
       "aws_dax_cluster": "server_side_encryption/enabled"}


@rule(id="SEC108", name="cache-data-unencrypted", pillar="security", severity="warning",
      resource_types=(*STAGES, METHOD_SETTINGS, "aws_api_gateway_stage", *DAX),
      bp=("SEC08-BP02",))
def cache_data_unencrypted(view):
    """Cached responses or items are stored unencrypted

    ## What it checks
    Caches that keep copies of data and do not encrypt them by default:

    - API Gateway REST API stages with a cache cluster
      (`CacheClusterEnabled`) whose method settings turn caching on
      (`CachingEnabled`) without `CacheDataEncrypted` (default false), in
      `AWS::ApiGateway::Stage`, SAM `AWS::Serverless::Api` and Terraform
      `aws_api_gateway_method_settings`;
    - DynamoDB Accelerator clusters without server-side encryption
      (`SSESpecification.SSEEnabled` / `server_side_encryption.enabled`,
      default false).

    Method settings of a Terraform stage that is in the run without a cache
    cluster are skipped; values that cannot be resolved are not judged.

    ## Why it matters
    A cache holds the same data as the store behind it, often responses that
    carry personal data or tokens. Left unencrypted, it is the weakest copy
    (SEC08-BP02), and neither cache can be encrypted later without being
    replaced or flushed.

    ## How to fix
    Encrypt the cache when you turn it on:

    ```yaml
    Prod:
      Type: AWS::ApiGateway::Stage
      Properties:
        RestApiId: !Ref Api
        DeploymentId: !Ref Deployment
        StageName: prod
        CacheClusterEnabled: true
        CacheClusterSize: "0.5"
        MethodSettings:
          - ResourcePath: "/*"
            HttpMethod: "*"
            CachingEnabled: true
            CacheDataEncrypted: true
    ```

    ```json
    {"resource": {"aws_api_gateway_method_settings": {"all": {
      "rest_api_id": "${aws_api_gateway_rest_api.api.id}",
      "stage_name": "${aws_api_gateway_stage.prod.stage_name}", "method_path": "*/*",
      "settings": {"caching_enabled": true, "cache_data_encrypted": true}}}}}
    ```
    """
    for stage in view.resources(*STAGES):
        if as_bool(stage.get("CacheClusterEnabled")) is not True:
            continue
        for path, setting in stage.blocks("MethodSettings"):
            caching = as_bool(setting.get("CachingEnabled"))
            encrypted = as_bool(setting.get("CacheDataEncrypted"))
            if caching is True and encrypted is not UNKNOWN and encrypted is not True:
                yield stage.finding(path, f"Stage {stage} caches responses of "
                                          f"{_method(setting, 'HttpMethod', 'ResourcePath')} "
                                          "unencrypted (CacheDataEncrypted is not true)")

    for settings in view.resources(METHOD_SETTINGS):
        stages = view.referenced(settings, "stage_name", ("aws_api_gateway_stage",))
        if stages and all(as_bool(stage.get("cache_cluster_enabled")) is False or
                          stage.get("cache_cluster_enabled") is None for stage in stages):
            continue
        caching = as_bool(settings.get("settings/caching_enabled"))
        encrypted = as_bool(settings.get("settings/cache_data_encrypted"))
        if caching is True and encrypted is not UNKNOWN and encrypted is not True:
            path = settings.get("method_path")
            where = path if isinstance(path, str) else "its methods"
            yield settings.finding("settings", f"Method settings {settings} cache responses of "
                                               f"{where} unencrypted (cache_data_encrypted is "
                                               "not true)")

    for cluster in view.resources(*DAX):
        flag = DAX[cluster.type]
        enabled = as_bool(cluster.get(flag))
        if enabled is UNKNOWN or enabled is True:
            continue
        state = "is false" if enabled is False else "is not set and defaults to off"
        yield cluster.finding(flag, f"DAX cluster {cluster} stores cached items unencrypted "
                                    f"({flag.replace('/', '.')} {state})")


def _method(setting, method_key, path_key):
    method, path = setting.get(method_key, "*"), setting.get(path_key, "/*")
    if not isinstance(method, str) or not isinstance(path, str):
        return "its methods"
    return "every method" if (method, path) == ("*", "/*") else f"{method} {path}"

from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

POOLS = {"AWS::Cognito::IdentityPool": "AllowUnauthenticatedIdentities",
         "aws_cognito_identity_pool": "allow_unauthenticated_identities"}
# attachment type -> (identity pool reference, path of the unauthenticated role)
ATTACHMENTS = {"AWS::Cognito::IdentityPoolRoleAttachment": ("IdentityPoolId",
                                                            "Roles/unauthenticated"),
               "aws_cognito_identity_pool_roles_attachment": ("identity_pool_id",
                                                              "roles/unauthenticated")}


@rule(id="SEC214", name="cognito-identity-pool-guest-access", pillar="security",
      severity="note", resource_types=(*POOLS, *ATTACHMENTS), bp=("SEC03-BP07",))
def cognito_identity_pool_guest_access(view):
    """Identity pool gives AWS credentials to anyone, signed in or not

    ## What it checks
    Cognito identity pools (`AWS::Cognito::IdentityPool`,
    `aws_cognito_identity_pool`) that allow unauthenticated identities
    (`AllowUnauthenticatedIdentities` / `allow_unauthenticated_identities`
    true) and have an unauthenticated role attached
    (`AWS::Cognito::IdentityPoolRoleAttachment` /
    `aws_cognito_identity_pool_roles_attachment`, `unauthenticated`).

    A pool that allows guests but attaches no unauthenticated role gives
    them nothing and passes. Values that cannot be resolved are not judged.

    ## Why it matters
    Anyone on the internet can call `GetId` and `GetCredentialsForIdentity`
    for such a pool, without signing in, and receive temporary AWS
    credentials for the unauthenticated role. Whatever that role allows is
    public. That can be intended (anonymous analytics, public maps), but the
    role must then hold only what a stranger may do (SEC03-BP07).

    ## How to fix
    Turn guest access off, or keep the unauthenticated role to the few
    actions guests need:

    ```yaml
    AppIdentities:
      Type: AWS::Cognito::IdentityPool
      Properties:
        AllowUnauthenticatedIdentities: false
        CognitoIdentityProviders:
          - ClientId: !Ref AppClient
            ProviderName: !GetAtt Users.ProviderName
    ```

    ```json
    {"resource": {"aws_cognito_identity_pool": {"app": {
      "identity_pool_name": "app", "allow_unauthenticated_identities": false}}}}
    ```
    """
    for attachment in view.resources(*ATTACHMENTS):
        pool_key, role_path = ATTACHMENTS[attachment.type]
        if attachment.get(role_path) in (None, "") or attachment.get(role_path) is UNKNOWN:
            continue
        for pool in view.referenced(attachment, pool_key, POOLS):
            flag = POOLS[pool.type]
            if as_bool(pool.get(flag)) is True:
                role = attachment.get(role_path)
                target = view.resource(role)
                name = target if target is not None else role
                yield pool.finding(flag, f"Identity pool {pool} gives AWS credentials for role "
                                         f"{name} to anyone, without signing in")

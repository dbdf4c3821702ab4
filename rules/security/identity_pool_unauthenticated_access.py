from wa_lint.query import UNKNOWN, as_bool
from wa_lint.rule import rule

KEYS = {"AWS::Cognito::IdentityPool": "AllowUnauthenticatedIdentities",
        "aws_cognito_identity_pool": "allow_unauthenticated_identities"}
ATTACHMENTS = {"AWS::Cognito::IdentityPoolRoleAttachment": ("IdentityPoolId",
                                                            "Roles/unauthenticated"),
               "aws_cognito_identity_pool_roles_attachment": ("identity_pool_id",
                                                              "roles/unauthenticated")}


@rule(id="SEC317", name="identity-pool-unauthenticated-access", pillar="security",
      severity="warning", resource_types=KEYS, bp=("SEC03-BP07", "SEC02-BP01"))
def identity_pool_unauthenticated_access(view):
    """Cognito identity pool hands AWS credentials to unauthenticated users

    ## What it checks
    Cognito identity pools (`AWS::Cognito::IdentityPool`,
    `aws_cognito_identity_pool`) with `AllowUnauthenticatedIdentities`
    (`allow_unauthenticated_identities`) true. The default is false. When the
    run holds the pool's role attachment and it gives no `unauthenticated`
    role, guests get no credentials and the pool is not reported. Values
    that cannot be resolved are not judged.

    ## Why it matters
    Anyone on the internet can ask the pool for temporary AWS credentials of
    its unauthenticated role, with no sign-in at all; whatever that role may
    do, the whole internet may do. Access should go to authenticated
    identities (SEC02-BP01), and public access should be a deliberate,
    reviewed, minimal grant (SEC03-BP07).

    ## How to fix
    Turn guest access off, or keep the unauthenticated role to the few
    actions the public app needs and suppress this finding with the reason:

    ```yaml
    IdentityPool:
      Type: AWS::Cognito::IdentityPool
      Properties:
        AllowUnauthenticatedIdentities: false
        CognitoIdentityProviders:
          - ClientId: !Ref UserPoolClient
            ProviderName: !GetAtt UserPool.ProviderName
    ```

    ```json
    {"resource": {"aws_cognito_identity_pool": {"main": {
      "identity_pool_name": "main", "allow_unauthenticated_identities": false}}}}
    ```
    """
    for pool in view.resources():
        key = KEYS[pool.type]
        allowed = as_bool(pool.get(key))
        if allowed is not True:
            continue
        roles = _guest_roles(view, pool)
        if roles is not UNKNOWN and not roles:
            continue
        role = f" (role {roles[0]})" if roles is not UNKNOWN and roles else ""
        yield pool.finding(key, f"Identity pool {pool} gives AWS credentials to "
                                f"unauthenticated users{role}")


def _guest_roles(view, pool) -> object:
    """The unauthenticated roles the run attaches to the pool; UNKNOWN without an attachment."""
    found: list = []
    attached = False
    for attachment_type, (pool_key, role_key) in ATTACHMENTS.items():
        for attachment in view.referrers(pool, (attachment_type,), path=pool_key):
            attached = True
            value = attachment.get(role_key)
            if value is UNKNOWN:
                return UNKNOWN
            if value is not None:
                roles = view.referenced(attachment, role_key)
                found.extend(roles or [value])
    return found if attached else UNKNOWN

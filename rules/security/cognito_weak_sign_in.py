from wa_lint.query import UNKNOWN, as_bool, as_int
from wa_lint.rule import rule

# type -> (MFA setting, password policy block, minimum length, complexity flags)
POOLS = {
    "AWS::Cognito::UserPool": ("MfaConfiguration", "Policies/PasswordPolicy", "MinimumLength",
                               ("RequireLowercase", "RequireUppercase", "RequireNumbers",
                                "RequireSymbols")),
    "aws_cognito_user_pool": ("mfa_configuration", "password_policy", "minimum_length",
                              ("require_lowercase", "require_uppercase", "require_numbers",
                               "require_symbols")),
}
MINIMUM_LENGTH = 8


@rule(id="SEC208", name="cognito-weak-sign-in", pillar="security", severity="warning",
      resource_types=POOLS, bp=("SEC02-BP01",))
def cognito_weak_sign_in(view):
    """Cognito user pool allows sign-in without MFA or with weak passwords

    ## What it checks
    Cognito user pools (`AWS::Cognito::UserPool`, `aws_cognito_user_pool`):

    - `MfaConfiguration` / `mfa_configuration` `OFF`, written or left at its
      default (`OFF`), is a warning: no user can add a second factor;
    - a password policy written with a minimum length under 8, or with every
      complexity requirement (lower case, upper case, numbers, symbols)
      explicitly false, is a note.

    `OPTIONAL` MFA passes. A pool without a `PasswordPolicy` gets Cognito's
    default (8 characters, all four character classes) and passes. Values
    that cannot be resolved are not judged.

    ## Why it matters
    Passwords alone are phished, guessed and re-used across sites. A second
    factor (an authenticator app, or SMS/email codes) stops most account
    takeovers, and a reasonable password policy slows guessing (SEC02-BP01).

    ## How to fix
    Require MFA (or make it optional and enforce it for sensitive users with
    threat protection), and keep the default password policy or a stronger
    one:

    ```yaml
    Users:
      Type: AWS::Cognito::UserPool
      Properties:
        MfaConfiguration: "ON"
        EnabledMfas: [SOFTWARE_TOKEN_MFA]
        Policies:
          PasswordPolicy:
            MinimumLength: 12
            RequireLowercase: true
            RequireUppercase: true
            RequireNumbers: true
            RequireSymbols: true
    ```

    ```json
    {"resource": {"aws_cognito_user_pool": {"users": {
      "name": "users", "mfa_configuration": "ON",
      "software_token_mfa_configuration": {"enabled": true},
      "password_policy": {"minimum_length": 12, "require_lowercase": true,
        "require_uppercase": true, "require_numbers": true, "require_symbols": true}}}}}
    ```

    ## Known limits
    Pools whose users sign in only through a federated identity provider
    (where the provider enforces MFA) are reported too; suppress them with a
    reason.
    """
    for pool in view.resources():
        mfa_key, policy_key, length_key, flags = POOLS[pool.type]
        mfa = pool.get(mfa_key, "OFF")
        if mfa is not UNKNOWN and str(mfa).upper() == "OFF":
            state = "is OFF" if pool.get(mfa_key) is not None else "is not set and defaults " \
                "to OFF"
            yield pool.finding(mfa_key, f"User pool {pool} lets users sign in without "
                                        f"multi-factor authentication ({mfa_key} {state})")
        if pool.get(policy_key) is None or pool.get(policy_key) is UNKNOWN:
            continue
        length = as_int(pool.get(f"{policy_key}/{length_key}"))
        if isinstance(length, int) and length < MINIMUM_LENGTH:
            yield pool.finding(f"{policy_key}/{length_key}",
                               f"User pool {pool} accepts passwords of {length} characters",
                               severity="note")
        values = [as_bool(pool.get(f"{policy_key}/{flag}")) for flag in flags]
        if all(value is False for value in values):
            yield pool.finding(policy_key, f"User pool {pool} requires no character classes in "
                                           "passwords (lower case, upper case, numbers and "
                                           "symbols are all off)", severity="note")

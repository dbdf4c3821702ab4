import json
import re

from wa_lint.query import UNKNOWN
from wa_lint.query.iam import (
    POLICY_DOCUMENT_DATA,
    POLICY_LOCATIONS,
    TRUST,
    condition_entries,
    policy_statements,
    principal_values,
)
from wa_lint.rule import rule

ROLES = tuple(name for name, places in POLICY_LOCATIONS.items()
              if any(kind == TRUST for _, kind in places))
ACCOUNT_ROOT = re.compile(r"^(?:arn:aws[a-z-]*:iam::)?(\d{12})(?::root)?$")
# OIDC providers whose audience is the same for every customer: only `sub` narrows them
SHARED_AUDIENCE = ("token.actions.githubusercontent.com", "gitlab.com", "app.terraform.io",
                   "api.bitbucket.org", "oidc.circleci.com")
OIDC_PROVIDER = re.compile(r"oidc-provider/([A-Za-z0-9.\-/_]+)")
BROAD_SUBJECTS = re.compile(r"^(\*|repo:\*.*|project_path:\*.*|organization:\*.*)$")


@rule(id="SEC202", name="iam-trust-policy-too-broad", pillar="security", severity="warning",
      resource_types=(*ROLES, POLICY_DOCUMENT_DATA), bp=("SEC03-BP07", "SEC03-BP09"))
def iam_trust_policy_too_broad(view):
    """Role can be assumed by far more principals than intended

    ## What it checks
    The trust policies of IAM roles (`AssumeRolePolicyDocument`,
    `assume_role_policy`, including `aws_iam_policy_document` data sources
    used there), for `Allow` statements that:

    - trust a web-identity (OIDC) provider with no condition on the token's
      subject (`<provider>:sub`) or, for providers whose audience identifies
      one customer (Cognito, EKS clusters), its audience (`<provider>:aud`).
      For CI providers whose audience is shared by every customer (GitHub
      Actions, GitLab, Terraform Cloud, Bitbucket, CircleCI), only a `sub`
      condition narrows the trust, and a `sub` of `*` or `repo:*` does not:
      this is an error, since any pipeline of any customer of the provider can
      assume the role;
    - trust the whole of an account given as a literal id
      (`arn:aws:iam::111122223333:root` or `111122223333`) with no condition
      at all (`sts:ExternalId`, `aws:PrincipalOrgID`, `aws:PrincipalArn`,
      MFA ...): a warning.

    Trust in `*` without a condition is reported by
    `iam-overbroad-permissions`, not here. Account ids that are
    `${AWS::AccountId}` or otherwise unresolved are not judged, nor are
    principals or conditions that cannot be resolved.

    ## Why it matters
    A trust policy decides who can become the role. Trusting a federated
    provider without a subject condition hands the role to every identity
    that provider issues tokens for; trusting a whole account without an
    external id or organization condition lets every principal there that
    its own administrators allow assume the role, and exposes third-party
    integrations to the confused-deputy problem (SEC03-BP07, SEC03-BP09).

    ## How to fix
    Name the repository, branch or environment allowed to assume the role,
    and add an external id or organization condition to cross-account trust:

    ```yaml
    DeployRole:
      Type: AWS::IAM::Role
      Properties:
        AssumeRolePolicyDocument:
          Version: "2012-10-17"
          Statement:
            - Effect: Allow
              Principal:
                Federated: !Ref GitHubOidcProvider
              Action: sts:AssumeRoleWithWebIdentity
              Condition:
                StringEquals:
                  token.actions.githubusercontent.com:aud: sts.amazonaws.com
                  token.actions.githubusercontent.com:sub: repo:example/orders:ref:refs/heads/main
    ```

    ```json
    {"data": {"aws_iam_policy_document": {"vendor_trust": {"statement": {
      "actions": ["sts:AssumeRole"],
      "principals": {"type": "AWS", "identifiers": ["arn:aws:iam::111122223333:root"]},
      "condition": {"test": "StringEquals", "variable": "sts:ExternalId",
                    "values": ["a1b2c3d4"]}}}}}}
    ```

    ## Known limits
    The account that deploys the template is not known, so a literal id of
    that same account is reported too: prefer `${AWS::AccountId}` or
    `data.aws_caller_identity`. SAML providers and service principals are not
    checked.
    """
    for statement in policy_statements(view):
        if statement.kind != TRUST or statement.effect != "Allow" or \
                statement.principal_is_anyone():
            continue
        conditions = condition_entries(statement)
        if conditions is UNKNOWN:
            continue
        where = statement.resource
        principal_path = (*statement.path, "Principal" if where.type != POLICY_DOCUMENT_DATA
                          else "principals")
        for host in _web_identity_providers(statement):
            subjects = _values(conditions, f"{host}:sub")
            audiences = _values(conditions, f"{host}:aud")
            shared = host.startswith(SHARED_AUDIENCE)
            if subjects and not all(isinstance(s, str) and BROAD_SUBJECTS.match(s)
                                    for s in subjects):
                continue
            if not subjects and audiences and not shared:
                continue
            keys = f"{host}:sub" if shared else f"{host}:aud or {host}:sub"
            why = f"it has no condition on {keys}" if not subjects else \
                f"its subject condition ({', '.join(map(str, subjects))}) matches everyone"
            yield where.finding(principal_path, f"Role trust policy of {where} lets any "
                                                f"identity of {host} assume the role: {why}",
                                severity="error")
        if conditions:
            continue
        accounts = principal_values(statement, "AWS")
        for principal in accounts if accounts is not UNKNOWN else ():
            match = ACCOUNT_ROOT.match(principal) if isinstance(principal, str) else None
            if match:
                yield where.finding(principal_path, f"Role trust policy of {where} trusts "
                                                    f"every principal of account "
                                                    f"{match.group(1)} with no condition "
                                                    "(sts:ExternalId, aws:PrincipalOrgID ...)")


def _values(conditions, key):
    """Values of the conditions on ``key`` (case-insensitive), UNKNOWN ones included."""
    found = []
    for _, name, values in conditions:
        if name.lower() == key.lower():
            found.extend(values)
    return found


def _web_identity_providers(statement):
    """Host names of the OIDC providers a statement trusts (read from the text as written
    when the ARN holds an unresolved account id)."""
    federated = principal_values(statement, "Federated")
    hosts = []
    unresolved = federated is UNKNOWN
    for provider in () if unresolved else federated:
        if not isinstance(provider, str):
            unresolved = True
        elif "saml-provider/" not in provider:
            host = provider.split("oidc-provider/", 1)[-1]
            if "." in host:
                hosts.append(host)
    if unresolved:
        written = statement.resource.written(statement.path)
        text = json.dumps(written, default=str) if written is not None else ""
        hosts.extend(OIDC_PROVIDER.findall(text))
    return list(dict.fromkeys(hosts))

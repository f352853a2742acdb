"""A password or token is another tool's reference, which mailcheck cannot resolve.

## What it does
Reports `auth.password` or `auth.token` written as a reference in another tool's syntax.
mailcheck resolves `{env: NAME}`, `{file: PATH}` and `"${NAME}"` only; any other text is
taken as the password itself. Recognised, as each tool documents it (the whole value, not
a part of it):

- shell `$NAME` (one case, as POSIX names variables: `$Tr0ub4dor` is a password), PowerShell
  `$env:NAME`, and `${...}` with a name an environment variable cannot have (`${imap-pw}`,
  `${smtp.password}`) or an operator mailcheck does not expand (`${NAME-word}`,
  `${NAME:?message}`); `${NAME:-default}` with a default is MC303, the default being a
  secret written in the file;
- template expressions: Jinja, Ansible and Helm/Go templates `{{ ... }}`, GitHub Actions
  `${{ ... }}`, Kubernetes and Azure Pipelines `$(NAME)`;
- Python `%(name)s` (printf-style formatting, configparser interpolation);
- SOPS-encrypted values `ENC[AES256_GCM,data:...]`;
- secret-store URIs: HashiCorp Vault `vault:secret/data/mail#password` (Bank-Vaults),
  1Password `op://vault/item/field`, AWS Secrets Manager ARNs
  `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`;
- a mailcheck reference written as text, `"{env: NAME}"`, and `"${NAME}"` with spaces.

Ansible Vault's `!vault` is a YAML tag, refused when the file is read (MC001). The finding
names the syntax and the field, never the value.

## Why is this bad?
Nothing resolves the reference before mailcheck reads the file, so the probe cannot test
the login: sent as written, the text itself would be the password (the probe refuses to,
MC515), and an application reading the profile the same way logs in with it and fails.
The text is not a secret, so there is nothing to rotate: write the reference so that
mailcheck can resolve it, or check the file after the tool has rendered it. Templates
checked only after rendering can disable this rule for their sources.

## Example
```yaml
auth:
  username: app@example.com
  password: "{{ vault_smtp_password }}"
```

## Use instead
```yaml
auth:
  username: app@example.com
  password: {env: SMTP_PASSWORD}
```

## References
- POSIX.1-2017, Shell Command Language, 2.6.2 Parameter Expansion:
  https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_06_02;
  Base Definitions, 8.1 (environment variable names: letters, digits, `_`):
  https://pubs.opengroup.org/onlinepubs/9699919799/basedefs/V1_chap08.html
- PowerShell about_Environment_Variables (`$Env:<variable-name>`):
  https://learn.microsoft.com/powershell/module/microsoft.powershell.core/about/about_environment_variables
- Jinja, Template Designer Documentation (`{{ ... }}` for expressions):
  https://jinja.palletsprojects.com/en/stable/templates/; Ansible, Templating (Jinja2):
  https://docs.ansible.com/ansible/latest/playbook_guide/playbooks_templating.html; Helm, The
  Chart Template Developer's Guide: https://helm.sh/docs/chart_template_guide/
- GitHub Actions, Expressions (`${{ <expression> }}`):
  https://docs.github.com/en/actions/concepts/workflows-and-actions/expressions
- Kubernetes, Define Dependent Environment Variables (`$(VAR_NAME)`):
  https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/
- Python, printf-style String Formatting (`%(name)s`):
  https://docs.python.org/3/library/stdtypes.html#printf-style-string-formatting;
  configparser.BasicInterpolation: https://docs.python.org/3/library/configparser.html
- SOPS README (encrypted values `ENC[AES256_GCM,data:...,iv:...,tag:...]`, `sops decrypt`):
  https://github.com/getsops/sops
- Bank-Vaults, mutating webhook configuration (`vault:secret/data/accounts/aws#KEY`):
  https://bank-vaults.dev/docs/mutating-webhook/configuration/
- 1Password CLI, Secret reference syntax (`op://<vault>/<item>/[section/]<field>`):
  https://developer.1password.com/docs/cli/secret-reference-syntax
- AWS Secrets Manager secret ARNs (pattern `arn:(aws|aws-us-gov):secretsmanager:[A-Za-z0-9-]{1,64}:[0-9]{12}:secret:...`):
  https://docs.aws.amazon.com/bedrock-agentcore-control/latest/APIReference/API_Secret.html; an ARN
  as an environment value, resolved by secrets-init: https://github.com/doitintl/kube-secrets-init
"""

# A rule of its own rather than a second MC303 message: the finding is not a leak (nothing to
# rotate, a different fix), and a team that renders templates before use can disable MC305 for
# its template sources while MC303 keeps catching real passwords written in them. An error,
# because the probe cannot test such a login at all.

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity
from mailcheck.secrets import foreign_reference, parse_secret

RULE = Rule("MC305", "unresolvable-reference", Severity.ERROR, __doc__)


def check(ctx: ProfileContext) -> Iterator[Problem]:
    if not ctx.profile.has_auth:
        return
    for field in ("password", "token"):
        value = ctx.profile.setting("auth", field)
        if parse_secret(value).kind != "foreign":
            continue
        foreign = foreign_reference(value)
        if foreign is None or foreign.inline is not None:
            continue  # a default written in it is an inline secret: MC303
        yield ctx.problem(
            ("auth", field),
            f"auth.{field} is {foreign.syntax}, which mailcheck cannot resolve: sent as written, the text itself "
            "would be the secret, so the probe cannot test the login (value not shown)",
            foreign.fix,
        )

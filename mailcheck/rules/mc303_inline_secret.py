"""A password or token is written in the file.

## What it does
Reports `auth.password` or `auth.token` given as a literal value instead of a reference:
`{env: NAME}`, `{file: PATH}` or `"${NAME}"`, and a shell reference that carries a value
of its own (`"${SMTP_PASSWORD:-hunter2}"`, also `:=` and `:+`): the default is written in
the file. The finding names the field, never the value. A reference written in another
tool's syntax (`$SMTP_PASSWORD`, `{{ vault_smtp_password }}`, `op://...`) holds no secret
and is MC305 instead.

The hint says to rotate the secret only when the value looks like a real one: a
placeholder (`changeme`, `<password>`, `xxxx`, `REPLACE_ME`) is reported, since the probe
would log in with it, but there is nothing to rotate.

## Why is this bad?
Profile files live in git: a committed password is readable by everyone with access to
the repository, its forks, its CI logs and its history, long after it is removed. Once
committed, it must be treated as leaked and rotated; caught by the pre-commit hook
before the commit, moving it out of the file is enough.

## Example
```yaml
auth:
  username: app@example.com
  password: hunter2
```

## Use instead
```yaml
auth:
  username: app@example.com
  password: {env: SMTP_PASSWORD}
```

## References
- POSIX.1-2017, Shell Command Language, 2.6.2 Parameter Expansion (`${parameter:-word}`
  uses `word` when the variable is unset or empty):
  https://pubs.opengroup.org/onlinepubs/9699919799/utilities/V3_chap02.html#tag_18_06_02
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity
from mailcheck.secrets import foreign_reference, parse_secret

RULE = Rule("MC303", "inline-secret", Severity.ERROR, __doc__)

# Values that stand for a secret rather than being one: reported all the same (the probe would
# log in with them), but "rotate" would be advice about nothing.
_PLACEHOLDER_WORDS = frozenset(
    {
        "changeme", "change-me", "change_me", "changeit", "replaceme", "replace-me", "replace_me",
        "password", "passwd", "secret", "token", "todo", "fixme", "tbd", "dummy", "placeholder",
        "example", "redacted", "none", "null", "n/a",
    }
)  # fmt: skip
_PLACEHOLDER_SHAPES = re.compile(
    r"<[^<>]+>|\[[^\[\]]+\]"  # <password>, [SMTP PASSWORD]
    r"|(.)\1{2,}"  # xxx, ****, 0000
    r"|(?:change|replace)[-_ ]?(?:me|it|with)(?:[-_ ].*)?"  # REPLACE_WITH_THE_PASSWORD
    r"|your[-_ ]?[\w-]*(?:password|secret|token|key)[\w-]*",  # your-smtp-password-here
    re.IGNORECASE,
)


def looks_like_placeholder(text: str) -> bool:
    """Whether an inline value is a stand-in (`changeme`, `<password>`) rather than a secret."""
    word = text.strip()
    return word.lower() in _PLACEHOLDER_WORDS or _PLACEHOLDER_SHAPES.fullmatch(word) is not None


def may_hold_secret(value: object) -> bool:
    """Whether a broken password or token may have a real secret written in it (a number, a
    text beside `env`, a list of them), which makes rotation worth saying; true or null do not."""
    if isinstance(value, dict):
        return any(may_hold_secret(v) for k, v in value.items() if k not in ("env", "file"))
    if isinstance(value, list):
        return any(may_hold_secret(v) for v in value)
    if value is None or isinstance(value, bool):
        return False
    return not looks_like_placeholder(str(value))


def _rotate(value: str) -> str:
    """The rotation advice, only for a value that may be a real secret. At pre-commit time the
    commit was blocked, so nothing leaked yet: hence "if it was ever committed"."""
    if looks_like_placeholder(value):
        return ""
    return "; if the file was ever committed or shared with it, rotate the secret: git history keeps it"


def check(ctx: ProfileContext) -> Iterator[Problem]:
    if not ctx.profile.has_auth:
        return
    for field in ("password", "token"):
        value = ctx.profile.setting("auth", field)
        kind = parse_secret(value).kind
        if kind == "inline":
            written = str(value)
            placeholder = looks_like_placeholder(written)
            yield ctx.problem(
                ("auth", field),
                f"auth.{field} is written inline"
                + (" and looks like a placeholder" if placeholder else ": the secret is stored in the file")
                + " (value not shown)",
                f"move it out of the file: {field}: {{env: NAME}} or {{file: PATH}}" + _rotate(written),
            )
        elif kind == "foreign":
            foreign = foreign_reference(value)
            if foreign is None or foreign.inline is None:
                continue  # a reference of another tool, holding no value: MC305
            yield ctx.problem(
                ("auth", field),
                f"auth.{field} is {foreign.syntax}: the default is an inline secret stored in the file, "
                "and mailcheck does not expand this form (value not shown)",
                foreign.fix + _rotate(foreign.inline),
            )

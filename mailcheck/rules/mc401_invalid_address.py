"""An e-mail address is not valid.

## What it does
Checks `from.address` and `test.send_to` with a real address validator (email-validator,
RFC 5321/5322), not a regular expression: a missing `@`, a display name inside the
address (`Helpdesk <help@example.com>`), two dots in a row, an invalid domain. The domain
must be one a mail server can deliver on some network, by one policy for every address
field (the MC402 "username is the sender" test too):

- accepted: names of two labels or more, private and special-use ones included (`.local`,
  `.internal`, `.home.arpa`, `.test`, `.example`, `example.com`), `localhost` and names
  under it, and address literals (`ops@[192.0.2.1]`, `ops@[IPv6:2001:db8::1]`);
- refused: a single label other than `localhost` (`app@intranet`, `app@example`), names
  under `.invalid`, and an IP address without its brackets (`app@192.0.2.1`).

Whether a particular server takes the address is its own policy, which
`mailcheck probe --send-test` asks.

## Why is this bad?
The server rejects the sender at `MAIL FROM` or the recipient at `RCPT TO` (`501 5.1.7
Bad sender address syntax`), often only when the first real message is sent. SMTP allows
only fully-qualified names: a single label is a local nickname, which a server either
refuses (Postfix with `reject_non_fqdn_sender` or `reject_non_fqdn_recipient`) or completes
with a domain of its own choosing.

## Example
```yaml
from:
  address: Helpdesk <helpdesk@example.com>
```

## Use instead
```yaml
from:
  address: helpdesk@example.com
  name: Helpdesk
```

## References
- RFC 5321 section 4.1.2 (Mailbox, address literals in 4.1.3) and section 2.3.5 ("Local
  nicknames or unqualified names MUST NOT be used"); RFC 5322 section 3.4.1
- RFC 6761 sections 6.2-6.5 (`test`, `localhost`, `invalid`, example names); RFC 6762
  (`.local`); RFC 8375 (`home.arpa`); RFC 3696 section 2 (no all-numeric top-level domain)
- email-validator (syntax; its special-use list is applied by mailcheck's own policy):
  https://pypi.org/project/email-validator/
"""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.addresses import address_problem
from mailcheck.rules.base import Problem, ProfileContext, Rule, Severity
from mailcheck.rules.mc213_control_character import control_character

RULE = Rule("MC401", "invalid-address", Severity.ERROR, __doc__, blocks_probe=True)
ADDRESS_FIELDS = (("from", "address"), ("test", "send_to"))


def check(ctx: ProfileContext) -> Iterator[Problem]:
    for keys in ADDRESS_FIELDS:
        if ctx.profile.is_deferred(*keys):
            continue  # an app reads it at run time (`env("DEFAULT_FROM_EMAIL")`): its form is not known
        address = ctx.profile.setting(*keys)
        if not isinstance(address, str) or control_character(address) is not None:
            continue  # MC213 reports control characters, at the character
        problem = address_problem(address)
        if problem is None:
            continue
        hint = problem.hint + ("; put the display name in from.name" if "<" in address else "")
        yield ctx.problem(keys, f"{'.'.join(keys)} {address!r} is not a valid address: {problem.message}", hint)

'''An e-mail address is not valid.

## What it does
Checks `from.address` and `test.send_to` with a real address validator (email-validator,
RFC 5321/5322), not a regular expression: a missing `@`, a display name inside the
address (`Helpdesk <help@example.com>`), two dots in a row, an invalid domain. Domains reserved
for other uses (`.local`, `.invalid`, `.example`, `localhost`) are reported too: no mail server
routes them; `.test` (RFC 6761) and single-label intranet names are accepted.

## Why is this bad?
The server rejects the sender at `MAIL FROM` or the recipient at `RCPT TO` (`501 5.1.7
Bad sender address syntax`), often only when the first real message is sent.

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
- RFC 5321 section 4.1.2, RFC 5322 section 3.4.1
'''

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.addresses import address_problem
from mailcheck.rules.base import Finding, ProfileContext, Rule, Severity
from mailcheck.rules.mc213_control_character import control_character

RULE = Rule("MC401", "invalid-address", Severity.ERROR, __doc__, blocks_probe=True)
ADDRESS_FIELDS = (("from", "address"), ("test", "send_to"))


@RULE.checks
def check(ctx: ProfileContext) -> Iterator[Finding]:
    for keys in ADDRESS_FIELDS:
        address = ctx.profile.setting(*keys)
        if not isinstance(address, str) or control_character(address) is not None:
            continue  # MC213 reports control characters, at the character
        problem = address_problem(address)
        if problem is None:
            continue
        hint = "write a bare address like helpdesk@example.com"
        if "<" in address:
            hint += "; put the display name in from.name"
        yield ctx.finding(RULE, keys, f"{'.'.join(keys)} {address!r} is not a valid address: {problem}", hint)

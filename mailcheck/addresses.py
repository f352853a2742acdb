"""E-mail address syntax and the domains mailcheck accepts, one policy for every address field.

`from.address`, `test.send_to` and the "username is the sender" test of MC402 all ask
`address_problem`. An address is valid when its syntax is (RFC 5321 section 4.1.2 and RFC
5322 section 3.4.1, as email-validator checks it, SMTPUTF8 allowed) and its domain is one a
mail server can deliver on some network:

- a name of two labels or more, private and special-use names included: `.local` (RFC 6762,
  multicast DNS and many Active Directory domains), `.internal` (ICANN's private-use name),
  `.home.arpa` (RFC 8375), `.test`, `.example` and `example.com` (RFC 6761 sections 6.2 and
  6.5: applications treat them as ordinary names);
- `localhost` and names below it (RFC 6761 section 6.3: always the loopback; Postfix delivers
  it locally by default);
- an address literal, `[192.0.2.1]` or `[IPv6:2001:db8::1]` (RFC 5321 section 4.1.3).

Refused: a single label other than localhost (`app@intranet`, `app@example`): RFC 5321
section 2.3.5 allows only fully-qualified names in SMTP ("Local nicknames or unqualified
names MUST NOT be used"), and no top-level domain takes mail itself; names under `.invalid`
(RFC 6761 section 6.4: they never resolve); a top-level label of digits only (RFC 3696
section 2), which is an IP address written without its brackets.

Whether one server accepts the address is the server's policy: `mailcheck probe --send-test`
asks it. Deliverability is never looked up here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

# email-validator refuses these IANA special-use names outright, whatever its options (its
# SPECIAL_USE_DOMAIN_NAMES is a module global shared with every user of the library in the
# process, pydantic's EmailStr among them, so it is not changed here). They are resolvable on
# the networks they belong to, so their syntax is checked on a stand-in: the same address with
# the top-level label replaced by as many letters, which every syntax rule judges alike
# (`.invalid` too, to be refused below with the reason).
_STAND_IN_FOR = frozenset({"localhost", "local", "arpa", "onion", "invalid"})


@dataclass(frozen=True, slots=True)
class AddressProblem:
    """Why an address is not usable, and the fix."""

    message: str
    hint: str


@lru_cache(maxsize=4096)
def address_problem(address: str) -> AddressProblem | None:
    """Why `address` is not a usable mailbox address under the policy above, or None."""
    # Imported on first use: about 25 ms, 22 of them email-validator compiling its patterns
    # over all of Unicode (rfc_constants) at import. Its ASCII path uses one of them too
    # (ATEXT_HOSTNAME_INTL), so only a second, hand-written address check could skip it.
    from email_validator import EmailNotValidError, validate_email

    local, at, domain = address.rpartition("@")
    labels = domain.rstrip(".").split(".") if at and not domain.startswith("[") else []
    top = labels[-1].lower() if labels else ""
    checked = address
    if top in _STAND_IN_FOR:
        checked = f"{local}@{'.'.join([*labels[:-1], 'x' * len(top)])}"
    try:
        validate_email(
            checked,
            check_deliverability=False,  # syntax only: deliverability is the probe's business
            allow_smtputf8=True,
            allow_domain_literal=True,
            globally_deliverable=False,  # the single-label rule below is mailcheck's own
            test_environment=True,  # `.test` (RFC 6761) is an ordinary name
        )
    except EmailNotValidError as err:
        return AddressProblem(str(err), _BARE_ADDRESS)
    if top == "invalid":
        return AddressProblem(
            "names under .invalid never resolve (RFC 6761, section 6.4), so no server can deliver to them",
            "use a domain that receives mail; for tests, a name under .test or example.com",
        )
    if len(labels) == 1 and top != "localhost":
        return AddressProblem(
            "the domain is a single label: SMTP takes fully-qualified domain names only (RFC 5321, section 2.3.5)",
            "write the full domain, e.g. name@intranet.example.com (localhost is the one single label accepted)",
        )
    if top.isdigit():
        return AddressProblem(
            "the domain ends in a label of digits only, which no top-level domain is (RFC 3696, section 2)",
            "write an IP address in brackets, e.g. name@[192.0.2.1], or use the domain name",
        )
    return None


_BARE_ADDRESS = "write a bare address like helpdesk@example.com"


def is_address(value: str | None) -> bool:
    """Whether a login can serve as the sender address: the same policy as from.address."""
    return value is not None and "@" in value and address_problem(value) is None

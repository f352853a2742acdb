"""The server answered with something its protocol does not allow here.

## What it does
`mailcheck probe` reads every reply with bounds on time, line length and line count,
and reports: a greeting that refuses service (SMTP `421`/`554`, IMAP `* BYE`, POP3
`-ERR`), an HTTP server or another protocol on the port, bytes that are not the
protocol at all, a line beyond a sane length, a reply that never ends, plaintext sent
between a STARTTLS reply and the TLS handshake, a failed TLS handshake, a login answered
with something that is neither the protocol's success reply (IMAP tagged `OK`, POP3
`+OK`, SMTP `235`) nor a refusal (a continuation request `+` where the command takes
none, another SMTP `2xx`/`3xx` code), and a connection closed mid-dialogue.

## Why is this bad?
Something other than the expected mail service is on the port (a web server, another
mail protocol, a proxy), or the server refuses or breaks the session. Clients show
raw errors or hang.

## Example
```yaml
incoming:
  protocol: imap
  host: mail.example.com
  port: 443
  security: tls
```

## Use instead
```yaml
incoming:
  protocol: imap
  host: mail.example.com
  port: 993
  security: tls
```

## References
- RFC 5321, section 3.1 and 4.2 (SMTP greeting and replies)
- RFC 9051, section 7.1.5 (IMAP BYE), RFC 1939, section 3 (POP3 greeting)
- RFC 3207, section 6 (no data between STARTTLS and the handshake)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity
from mailcheck.outcome import PORT_OR_HOST, quote

RULE = Rule("MC517", "protocol-error", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


_CHECK_PORT = "check host and port: {what} listens there, not the {protocol} service"


def _outcome(message: str, hint: str) -> Outcome:
    return Outcome(PORT_OR_HOST, message, hint)


def refused_greeting(protocol: str, reply: str) -> Outcome:
    return _outcome(
        f"the server greeted with a refusal instead of a {protocol} greeting: '{quote(reply)}'",
        "the server refuses connections from here for now (too busy, rate-limited, or this address is "
        "blocked); try again later, or ask its administrator",
    )


def http(port: int, protocol: str, sample: str) -> Outcome:
    return _outcome(
        f"an HTTP server answered on port {port}: '{quote(sample, 80)}'",
        _CHECK_PORT.format(what="a web server", protocol=protocol),
    )


def other_protocol(port: int, protocol: str, found: str, sample: str) -> Outcome:
    return _outcome(
        f"port {port} speaks {found}, not {protocol}: '{quote(sample, 80)}'",
        f"check protocol and port: this is a {found} port",
    )


def unexpected(step: str, protocol: str, line: str) -> Outcome:
    """A line that does not parse as the protocol's reply (garbage, HTTP, another protocol)."""
    if line.startswith("HTTP/"):
        return _outcome(
            f"an HTTP server answered during {step}: '{quote(line, 80)}'",
            _CHECK_PORT.format(what="a web server", protocol=protocol),
        )
    return _outcome(
        f"unexpected {protocol} reply during {step}: '{quote(line, 80)}'",
        _CHECK_PORT.format(what="something else", protocol=protocol) + ", or the server is broken",
    )


def refused_command(command: str, protocol: str, reply: str) -> Outcome:
    return _outcome(
        f"the server refused {command}: '{quote(reply)}'",
        f"every {protocol} server accepts {command} at this point; check that the port is the {protocol} "
        "service, and the server's logs",
    )


def not_a_login_reply(method: str, protocol: str, reply: str, success: str) -> Outcome:
    """A login answered with neither success nor refusal: the credentials were not proven."""
    return _outcome(
        f"login with {method} got '{quote(reply)}' from the server: that is not {protocol}'s success reply "
        f"({success}), nor a refusal, so the login is not taken as done",
        f"the server does not follow {protocol} at login, or something between intercepts the session; "
        "check that the port is the real service, and the server's logs",
    )


def closed(step: str, protocol: str) -> Outcome:
    return _outcome(
        f"the server closed the connection during {step}",
        f"the server drops this client: it may expect another security mode, block this address, or fail; "
        f"check its logs, and that the port is the {protocol} service",
    )


def too_long(step: str, limit: int) -> Outcome:
    return _outcome(
        f"a line of the server's reply during {step} is longer than {limit} bytes",
        "no mail server sends such lines: check host and port, something else listens there",
    )


def too_many_lines(step: str, limit: int) -> Outcome:
    return _outcome(
        f"the server's reply during {step} did not end within {limit} lines",
        "no mail server sends such replies: check host and port, something else listens there",
    )


def injected_data(verb: str) -> Outcome:
    return _outcome(
        f"the server sent plaintext after accepting {verb}, before the TLS handshake",
        "data between STARTTLS and the handshake can be an injection by a man in the middle (RFC 3207, "
        "section 6); the probe stopped without TLS. Check the network path, or use security: tls",
    )


def handshake_failed(step: str, reason: str) -> Outcome:
    return _outcome(
        f"the TLS handshake failed during {step}: {reason}",
        "the server's TLS configuration and this client have nothing in common, or the connection broke; "
        "check the server's TLS settings and logs",
    )


def not_tls(port: int, protocol: str, sample: str) -> Outcome:
    what = f"'{quote(sample, 80)}'" if sample else "nothing"
    return _outcome(
        f"port {port} answered the TLS handshake with {what}: it speaks neither TLS nor {protocol}",
        _CHECK_PORT.format(what="something else", protocol=protocol),
    )


def internal(step: str, error: BaseException) -> Outcome:
    return _outcome(
        f"the probe failed during {step}: {type(error).__name__}: {quote(str(error))}",
        "this is probably a bug in mailcheck: please report it with this output",
    )

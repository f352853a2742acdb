"""The server's certificate chain does not verify.

## What it does
`mailcheck probe` verifies the certificate chain the server presents against the system's
trusted CAs, or only against `tls.ca_file` when the profile sets it, and maps OpenSSL's
verify error to this finding: self-signed (18, 19), unknown issuer (20), incomplete chain
(21, 2) and other chain errors. A `tls.ca_file` that cannot be used is reported here too:
missing or unreadable, not a regular file (a FIFO or device is never opened for reading),
larger than 8 MiB, or holding no PEM certificate.

## Why is this bad?
An unverifiable certificate is what an attacker in the middle would present. Clients
that verify refuse to connect ("certificate verify failed"); clients told not to verify
send the password to whoever answers.

## Example
```yaml
incoming:
  protocol: imap
  host: mail.internal.example
  security: tls
```

## Use instead
```yaml
incoming:
  protocol: imap
  host: mail.internal.example
  security: tls
  tls:
    ca_file: certs/internal-ca.pem
```

## References
- RFC 5280, section 6 (certification path validation)
- RFC 7817 (TLS server identity checks for mail protocols)
"""

from __future__ import annotations

from mailcheck import outcome as probe_outcome
from mailcheck.findings import Rule, Severity

RULE = Rule("MC507", "certificate-untrusted", Severity.ERROR, __doc__, stage="probe")


class Outcome(probe_outcome.Outcome):
    """What the probe concludes under this rule: the runner reports it as a RULE finding."""


SELF_SIGNED = frozenset({18, 19})


def outcome(code: int, reason: str, ca_file: str | None) -> Outcome:
    trust = f"tls.ca_file {ca_file}" if ca_file else "the system's trusted CAs"
    if ca_file:
        hint = f"the chain does not lead to a CA in {ca_file}: put the server's CA certificate (PEM) there"
    elif code in SELF_SIGNED:
        hint = "the server uses a self-signed or private CA: set tls.ca_file to that CA's PEM certificate"
    else:
        hint = (
            "the server must send its full chain (leaf and intermediate certificates); for a private CA, "
            "set tls.ca_file to its PEM certificate. Never set tls.verify: false to get past this"
        )
    return Outcome(
        (("tls", "ca_file"), ("host",)),
        f"the server's certificate does not verify against {trust}: {reason} (OpenSSL verify error {code})",
        hint,
    )


def unreadable_ca_file(ca_file: str, reason: str) -> Outcome:
    return Outcome(
        (("tls", "ca_file"),),
        f"tls.ca_file {ca_file} cannot be used: {reason}; the certificate could not be verified",
        "point tls.ca_file (relative to the profile file) at a regular PEM file of CA certificates (at most 8 MiB)",
    )

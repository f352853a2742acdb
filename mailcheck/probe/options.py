"""What the command line asks of a probe run, beyond the profiles themselves."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from mailcheck.probe.resolve import Nameserver


@dataclass(frozen=True)
class ProbeOptions:
    send_test: bool = False
    round_trip: bool = False  # read the test message back with test.receive_with (implies send_test)
    round_trip_timeout: float | None = None  # seconds to wait for it; the SMTP profile's timeout by default
    allow_cleartext_auth: bool = False
    check_auth_enforced: bool = False  # one login with a wrong secret first (MC521 if it is accepted)
    cert_warn_days: int = 14
    nameserver: Nameserver | None = None
    dns: bool = False  # the dns-srv step: the profile against its address domain's SRV records (srv.py)
    environ: Mapping[str, str] | None = None  # where {env: ...} secrets come from; os.environ by default

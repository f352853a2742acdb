"""Concurrency that keeps its deadlines: many TLS profiles at once against one healthy
server all pass, because TLS contexts are built once per distinct setting, off the event
loop, instead of loading the trust store on the loop for every handshake."""

from __future__ import annotations

import time
from collections import Counter

import trustme

from tests.probe.probe_helpers import profile

OTHER_CAS = 199  # a bundle the size of a system trust store (about 140 CAs on Debian)


def test_300_implicit_tls_profiles_against_one_server_all_pass_within_their_timeout(probe, ca, smtp) -> None:
    """The profiles trust a CA bundle (the test CA among 199 others), as a company bundle
    or the system store would be: loading it takes tens of milliseconds, once per run."""
    bundle = b"".join([ca.cert_pem.bytes(), *(trustme.CA().cert_pem.bytes() for _ in range(OTHER_CAS))])
    (probe.folder / "bundle.pem").write_bytes(bundle)
    server = smtp("tls")
    profiles = {
        f"tls-{i:03d}": profile("smtp", server.port, "tls", timeout=3, tls={"ca_file": "bundle.pem"})
        for i in range(300)
    }
    started = time.monotonic()
    report = probe.run(profiles)
    wall = time.monotonic() - started
    failures = Counter(f.rule for r in report.results for f in r.findings)
    assert failures == Counter(), f"{sum(failures.values())} findings: {failures}"
    assert [r.status for r in report.results] == ["ok"] * 300
    assert len(server.mailbox.logins) == 300
    assert wall < 10, f"300 profiles took {wall:.1f}s"

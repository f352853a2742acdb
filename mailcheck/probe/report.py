"""The outcome of one `mailcheck probe` run, as every reporter sees it.

`ProbeReport` implements the report contract (mailcheck.report.Report), so formats that
only render findings work for `check` and `probe` alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, Literal

from mailcheck.excerpt import Excerpt
from mailcheck.findings import Finding, Severity, count_by_severity, sort_key
from mailcheck.probe.tls import TlsFacts
from mailcheck.report import CheckReport

# Lint rules whose question the probe answers: dropped from a probe's report for the
# profiles it probed (MC203: whether a non-standard port speaks the profile's mode).
PROBE_ANSWERS = frozenset({"MC203"})


@dataclass(frozen=True)
class Step:
    name: str  # resolve, connect, tls-handshake, certificate, greeting, capabilities, starttls, ...
    status: str  # ok | warning | failed | skipped
    seconds: float
    detail: str

    def as_dict(self) -> dict[str, object]:
        return {"step": self.name, "status": self.status, "seconds": round(self.seconds, 3), "detail": self.detail}


@dataclass(frozen=True)
class RoundTrip:
    """With --round-trip: whether the receiving profile found the test message, and when."""

    receiver: str  # the profile named by test.receive_with
    found: bool
    waited: float  # seconds from the server's acceptance of the message to the end of the search
    looks: int  # how many times the mailbox was searched
    latency: float | None = None  # seconds from DATA accepted to found
    folder: str | None = None  # where it was found: INBOX, the Junk folder, the POP3 maildrop
    junk: bool = False
    removal: str = ""  # what was done with it: deleted, flagged \Deleted for the next expunge, ...

    def as_dict(self) -> dict[str, object]:
        return {
            "receiver": self.receiver,
            "found": self.found,
            "latency": None if self.latency is None else round(self.latency, 3),
            "folder": self.folder,
            "junk": self.junk,
            "removal": self.removal,
            "waited": round(self.waited, 3),
            "looks": self.looks,
        }


@dataclass(frozen=True)
class TestMessage:
    __test__ = False  # not a pytest test class, whatever its name

    message_id: str
    reply: str  # the server's queue reply, e.g. "250 2.0.0 Ok: queued as 4Xk2"
    round_trip: RoundTrip | None = None  # with --round-trip and test.receive_with


@dataclass
class ProbeResult:
    profile: str
    file: str
    protocol: str
    host: str
    port: int
    security: str
    seconds: float
    steps: list[Step] = field(default_factory=list)
    tls: TlsFacts | None = None
    auth_mechanisms: list[str] | None = None  # None: capabilities never read
    login: str = "not configured"  # ok | failed | skipped | not reached | not configured
    test_message: TestMessage | None = None
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        severities = {f.severity for f in self.findings}
        if Severity.ERROR in severities:
            return "failed"
        return "warning" if Severity.WARNING in severities else "ok"

    @property
    def failed_step(self) -> Step | None:
        return next((s for s in self.steps if s.status == "failed"), None)

    def as_dict(self) -> dict[str, object]:
        return {
            "profile": self.profile,
            "file": self.file,
            "protocol": self.protocol,
            "host": self.host,
            "port": self.port,
            "security": self.security,
            "status": self.status,
            "seconds": round(self.seconds, 3),
            "steps": [s.as_dict() for s in self.steps],
            "tls": _tls_dict(self.tls),
            "auth_mechanisms": self.auth_mechanisms,
            "login": self.login,
            "test_message": None
            if self.test_message is None
            else {
                "message_id": self.test_message.message_id,
                "reply": self.test_message.reply,
                **(
                    {"round_trip": self.test_message.round_trip.as_dict()}
                    if self.test_message.round_trip is not None
                    else {}
                ),
            },
            "findings": [f.as_dict() for f in self.findings],
        }


def _tls_dict(tls: TlsFacts | None) -> dict[str, object] | None:
    if tls is None:
        return None
    cert = tls.certificate
    return {
        "version": tls.version,
        "cipher": tls.cipher,
        "certificate": None
        if cert is None
        else {"subject": cert.subject, "issuer": cert.issuer, "not_after": cert.not_after, "days_left": cert.days_left},
    }


@dataclass(frozen=True)
class NotProbed:
    """A selected profile the probe could not run: its lint findings say why."""

    file: str
    profile: str | None  # None: the whole file is unreadable
    reason: str

    def as_dict(self) -> dict[str, object]:
        return {"file": self.file, "profile": self.profile, "reason": self.reason}


@dataclass
class ProbeReport:
    command: ClassVar[Literal["probe"]] = "probe"

    check: CheckReport  # the lint run the probe starts with
    results: list[ProbeResult]
    not_probed: list[NotProbed] = field(default_factory=list)
    seconds: float = 0.0
    only: frozenset[str] = frozenset()  # the profiles named with --profile; empty: all

    @property
    def lint_findings(self) -> list[Finding]:
        """The lint findings about the selected profiles, and about the files themselves.

        MC203 (a port whose mode cannot be checked offline) is left out for the profiles
        probed: the probe has just checked the mode, and its hint would say to run it."""
        probed = {(r.file, r.profile) for r in self.results}
        return [
            f
            for f in self.check.findings
            if (f.profile is None or not self.only or f.profile in self.only)
            and not (f.rule in PROBE_ANSWERS and (f.file, f.profile) in probed)
        ]

    def lint_summary(self) -> dict[str, int]:
        """`check`'s summary over what the probe shows: the selected profiles' lint findings
        and the files' own, so the text line and JSON count the same findings."""
        summary = self.check.summary()
        if self.only:  # the profiles selected: probed, or listed as not probed
            summary["profiles"] = len(self.results) + sum(1 for n in self.not_probed if n.profile is not None)
        return {"files": summary["files"], "profiles": summary["profiles"], **count_by_severity(self.lint_findings)}

    @property
    def findings(self) -> list[Finding]:
        """Every finding of the run, lint and probe, sorted."""
        return sorted([*self.lint_findings, *(f for r in self.results for f in r.findings)], key=sort_key)

    def summary(self) -> dict[str, int]:
        statuses = [r.status for r in self.results]
        return {
            **self.lint_summary(),
            **count_by_severity(self.findings),
            "probed": len(self.results),
            "ok": statuses.count("ok"),
            "warning": statuses.count("warning"),
            "failed": statuses.count("failed"),
            "not_probed": len(self.not_probed),
        }

    def fails(self, level: Severity) -> bool:
        """A selected profile that could not be probed fails the run, and so does a probed
        profile with a probe finding at `level` or above: at `error` (what `probe` asks) a
        profile that failed, at `warning` one with warnings too. Lint findings are `check`'s
        to judge: they fail the probe only by keeping a profile from being probed."""
        return bool(self.not_probed) or any(f.severity.rank >= level.rank for r in self.results for f in r.findings)

    def excerpt(self, finding: Finding) -> Excerpt | None:
        return self.check.excerpt(finding)

    def source_path(self, finding: Finding) -> Path | None:
        return self.check.source_path(finding)

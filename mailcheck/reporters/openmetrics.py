"""The probe's results as metrics: OpenMetrics 1.0 text that is Prometheus text 0.0.4 too.

For node_exporter's textfile collector, a Pushgateway or anything else that reads the
Prometheus text formats (README, Monitoring). One document serves both parsers: every
family is a gauge (0.0.4 has no `info` type, so the info metric is a gauge named `_info`,
as node_exporter's and blackbox_exporter's are), `# UNIT` and the closing `# EOF` are
comments to a 0.0.4 reader, and no sample has a timestamp.

Every series of a profile carries the same labels, `profile`, `file`, `protocol`, `host`
and `port` (empty where a profile that was not probed has no valid value), so a family's
samples all have one label set. What else goes into labels is bounded: step names, TLS
versions, rule IDs and a reason from a fixed list; never a message, a server reply, a
username or a secret (every label value also passes the file's redactor). Label values are
escaped as the OpenMetrics ABNF says (backslash, double quote, line feed) and nothing more.
Only `probe` is rendered: a lint run has no measurements, and `check --format openmetrics`
is refused in one line like any format a command does not render.
"""

from __future__ import annotations

import calendar
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mailcheck.findings import Finding, Severity
from mailcheck.protocols import TLS_VERSIONS
from mailcheck.reporters.base import Reporter
from mailcheck.text import display_path

if TYPE_CHECKING:
    from mailcheck.probe.report import NotProbed, ProbeReport, ProbeResult
    from mailcheck.secrets import Redactor

PREFIX = "mailcheck_probe_"
PROFILE_LABELS = ("profile", "file", "protocol", "host", "port")
# Why a profile has success 0, in `mailcheck_probe_failure_info{reason=...}`: probed and
# failed, or one of the runner's reasons for not probing it (mailcheck.probe.runner.select).
REASONS = ("failed", "invalid", "unsafe", "deferred", "unreadable")
SCHEMA_RULES = frozenset({"MC101", "MC102", "MC103"})  # what makes a profile structurally invalid
_NEGOTIATED = {v.name: v.negotiated for v in TLS_VERSIONS}  # "1.3" -> "TLSv1.3"
_SURROGATE = re.compile("[\ud800-\udfff]")  # a file name's byte that was not UTF-8
_ISO_UTC = "%Y-%m-%dT%H:%M:%SZ"  # Certificate.not_after


@dataclass(frozen=True)
class Family:
    """One metric family: its metadata and its samples, written together."""

    name: str  # without PREFIX
    help: str
    unit: str = ""  # OpenMetrics requires the name to end in _<unit>
    extra_labels: tuple[str, ...] = ()  # after PROFILE_LABELS, in this order

    @property
    def full_name(self) -> str:
        return PREFIX + self.name


SUCCESS = Family(
    "success", "Whether the profile was probed and passed (1; warnings allowed), or failed or was not probed (0)."
)
DURATION = Family("duration_seconds", "How long the whole probe of the profile took.", "seconds")
STEP_DURATION = Family(
    "step_duration_seconds",
    "How long each step of the probe took (the sum, for a step that ran more than once).",
    "seconds",
    ("step",),
)
CERTIFICATE_NOT_AFTER = Family(
    "certificate_not_after_timestamp_seconds",
    "When the server certificate expires (notAfter), in seconds since the Unix epoch.",
    "seconds",
)
TLS_VERSION = Family("tls_version_info", "The TLS version negotiated, as OpenSSL names it.", extra_labels=("version",))
LOGIN_SUCCESS = Family(
    "login_success", "Whether the login was accepted (1) or not (0); only for profiles whose login was attempted."
)
FAILURE = Family(
    "failure_info",
    "Why a profile has success 0: the reason, the rule that failed it or kept it from being probed, the step the probe stopped at.",
    extra_labels=("reason", "rule", "step"),
)
ROUND_TRIP_DELIVERED = Family(
    "round_trip_delivered",
    "With --round-trip: whether the receiving profile found the test message in time (1, Junk included) or not (0).",
    extra_labels=("receiver",),
)
ROUND_TRIP_LATENCY = Family(
    "round_trip_latency_seconds",
    "With --round-trip: from the server's acceptance of the test message to the look that found it.",
    "seconds",
    ("receiver",),
)
FAMILIES = (
    SUCCESS,
    DURATION,
    STEP_DURATION,
    CERTIFICATE_NOT_AFTER,
    TLS_VERSION,
    LOGIN_SUCCESS,
    ROUND_TRIP_DELIVERED,
    ROUND_TRIP_LATENCY,
    FAILURE,
)


@dataclass
class _Exposition:
    samples: dict[Family, list[tuple[tuple[str, ...], float]]] = field(default_factory=dict)

    def add(self, family: Family, labels: tuple[str, ...], value: float) -> None:
        self.samples.setdefault(family, []).append((labels, value))

    def render(self) -> str:
        """Each family with samples, in FAMILIES order: HELP, TYPE, UNIT, then its samples."""
        lines: list[str] = []
        for family in FAMILIES:
            samples = self.samples.get(family)
            if not samples:
                continue
            lines.append(f"# HELP {family.full_name} {escape_help(family.help)}")
            lines.append(f"# TYPE {family.full_name} gauge")
            if family.unit:
                lines.append(f"# UNIT {family.full_name} {family.unit}")
            names = PROFILE_LABELS + family.extra_labels
            for values, value in samples:
                pairs = ",".join(f'{name}="{escape_label_value(v)}"' for name, v in zip(names, values, strict=True))
                lines.append(f"{family.full_name}{{{pairs}}} {number(value)}")
        lines.append("# EOF")
        return "\n".join(lines) + "\n"


def escape_label_value(value: str) -> str:
    """A label value as OpenMetrics writes it: `\\`, `"` and line feed escaped, nothing else
    (the ABNF's escaped-string; Prometheus text 0.0.4 reads the same escapes)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def escape_help(text: str) -> str:
    """HELP text: backslash and line feed escaped, as both formats read them."""
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def number(value: float) -> str:
    """A sample value: an integer without a fraction, else Python's shortest float repr
    (`0.0123`, `1e-06`), which both formats' number syntax accepts."""
    if float(value).is_integer() and abs(value) < 2**53:
        return str(int(value))
    return repr(float(value))


def not_after_timestamp(not_after: str) -> int | None:
    """Certificate.not_after (ISO 8601, UTC) in seconds since the epoch; None if unreadable."""
    try:
        return calendar.timegm(time.strptime(not_after, _ISO_UTC))
    except (ValueError, OverflowError):
        return None


class OpenMetricsReporter(Reporter):
    name = "openmetrics"
    renders = frozenset({"probe"})

    def render_probe(self, report: ProbeReport) -> str:
        exposition = _Exposition()
        for result in report.results:
            _add_result(exposition, result, _redactor(report, result.file))
        lint = report.lint_findings
        for skipped in report.not_probed:
            _add_not_probed(exposition, report, skipped, lint)
        return exposition.render()


def _redactor(report: ProbeReport, file: str) -> Redactor | None:
    found = report.check.result_for(file)
    return found.redact if found is not None else None


def _label(value: object, redact: Redactor | None) -> str:
    text = str(value)
    if redact:
        text = redact(text)
    return _SURROGATE.sub(lambda m: display_path(m.group()), text)  # UTF-8 has no lone surrogate


def _add_result(out: _Exposition, result: ProbeResult, redact: Redactor | None) -> None:
    base = tuple(_label(v, redact) for v in (result.profile, result.file, result.protocol, result.host, result.port))
    failed = result.status == "failed"
    out.add(SUCCESS, base, 0 if failed else 1)
    out.add(DURATION, base, round(result.seconds, 6))
    steps: dict[str, float] = {}
    for step in result.steps:
        if step.status != "skipped":  # a step that did not run has no duration
            steps[step.name] = steps.get(step.name, 0.0) + step.seconds
    for name, seconds in steps.items():
        out.add(STEP_DURATION, (*base, _label(name, redact)), round(seconds, 6))
    if result.tls is not None:
        cert = result.tls.certificate
        expires = not_after_timestamp(cert.not_after) if cert is not None else None
        if expires is not None:
            out.add(CERTIFICATE_NOT_AFTER, base, expires)
        version = _NEGOTIATED.get(result.tls.version, result.tls.version)
        out.add(TLS_VERSION, (*base, _label(version, redact)), 1)
    if result.login in ("ok", "failed"):  # skipped, not reached, not configured: no attempt
        out.add(LOGIN_SUCCESS, base, 1 if result.login == "ok" else 0)
    trip = result.test_message.round_trip if result.test_message is not None else None
    if trip is not None:
        receiver = (*base, _label(trip.receiver, redact))
        out.add(ROUND_TRIP_DELIVERED, receiver, 1 if trip.found else 0)
        if trip.latency is not None:
            out.add(ROUND_TRIP_LATENCY, receiver, round(trip.latency, 6))
    if failed:
        stopped = result.failed_step
        reason = (*base, "failed", _first_error(result.findings), _label(stopped.name, redact) if stopped else "")
        out.add(FAILURE, reason, 1)


def _add_not_probed(out: _Exposition, report: ProbeReport, skipped: NotProbed, lint: list[Finding]) -> None:
    redact = _redactor(report, skipped.file)
    base = (_label(skipped.profile or "", redact), _label(skipped.file, redact), "", "", "")
    out.add(SUCCESS, base, 0)
    about = [f for f in lint if f.file == skipped.file and f.profile == skipped.profile]
    reason = _reason(report, skipped)
    out.add(FAILURE, (*base, reason, _blocking_rule(reason, about), ""), 1)


def _reason(report: ProbeReport, skipped: NotProbed) -> str:
    """Why the runner did not probe it, from the same facts it decided on (runner.select)."""
    if skipped.profile is None:
        return "unreadable"
    file = report.check.result_for(skipped.file)
    if file is None:
        return "invalid"
    if file.document is not None and file.document.deferred.get(skipped.profile):
        return "deferred"
    return "invalid" if skipped.profile not in file.valid_profiles else "unsafe"


def _blocking_rule(reason: str, findings: list[Finding]) -> str:
    """The rule that kept the profile from being probed: the first finding of a rule that
    blocks the probe (an unsafe value) or of the schema rules (an invalid profile), else the
    first error about it, else empty."""
    if reason == "unsafe":
        from mailcheck.rules import all_rules

        rules = all_rules()
        blocking = [f for f in findings if f.rule in rules and rules[f.rule].blocks_probe]
    else:
        blocking = [f for f in findings if f.rule in SCHEMA_RULES] if reason == "invalid" else []
    return blocking[0].rule if blocking else _first_error(findings)


def _first_error(findings: Iterable[Finding]) -> str:
    """The rule ID of the first error-level finding; empty when there is none."""
    return next((f.rule for f in findings if f.severity is Severity.ERROR), "")

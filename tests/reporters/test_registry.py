"""The report contract and the reporter registry: every format is a Reporter class found by
name, renders the reports it declares, and refuses any other in one line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from mailcheck.checker import FileResult
from mailcheck.findings import Finding, Severity
from mailcheck.outputs import FORMATS, Output, OutputError, emit
from mailcheck.probe.report import NotProbed, ProbeReport, ProbeResult
from mailcheck.report import CheckReport, Report
from mailcheck.reporters import REPORTERS, FormatUnavailable, reporter_class, reporter_for
from mailcheck.review import ReviewResult
from mailcheck.review.classify import Effect
from mailcheck.review.compare import Change, Review
from mailcheck.run import run_check
from mailcheck.secrets import Redactor

PROFILE = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 25
    security: tls
"""


def finding(severity: Severity = Severity.ERROR, *, line: int = 6, rule: str = "MC201") -> Finding:
    return Finding(rule, "a-name", severity, "app.mail.yaml", line, 11, "outgoing", "profiles.outgoing.port", "m", "h")


def probed(*findings: Finding) -> ProbeResult:
    return ProbeResult("outgoing", "app.mail.yaml", "smtp", "smtp.example.com", 25, "tls", 0.5, findings=list(findings))


def review(effect: Effect = Effect.WEAKENING) -> ReviewResult:
    change = Change("app.mail.yaml", "outgoing", "tls.verify", "true", "false", effect, "why")
    return ReviewResult(Review("main", "work tree", changes=[change], introduced=[finding()]), Redactor())


def check_report(*findings: Finding) -> CheckReport:
    return CheckReport([FileResult("app.mail.yaml", Path("app.mail.yaml"), 1, list(findings))])


# -- the registry ------------------------------------------------------------------------


@pytest.mark.parametrize("format_name", REPORTERS)
def test_every_format_is_a_reporter_class_under_its_own_name(format_name: str) -> None:
    reporter = reporter_class(format_name)
    assert reporter.name == format_name
    assert reporter.renders and reporter.renders <= {"check", "probe", "diff"}


def test_the_output_formats_are_those_check_and_probe_render() -> None:
    both = tuple(name for name in REPORTERS if {"check", "probe"} <= reporter_class(name).renders)
    assert both == FORMATS


def test_diff_renders_as_markdown_and_json() -> None:
    assert [name for name in REPORTERS if "diff" in reporter_class(name).renders] == ["json", "markdown"]


@pytest.mark.parametrize(
    ("format_name", "command"),
    [
        ("junit", "diff"),
        ("sarif", "diff"),
        ("text", "diff"),
        ("markdown", "check"),
        ("markdown", "probe"),
        ("xml", "check"),
    ],
)
def test_a_format_asked_for_a_report_it_does_not_render_says_so(format_name: str, command: str) -> None:
    with pytest.raises(FormatUnavailable) as raised:
        reporter_for(format_name, command)
    assert str(raised.value) == f"format {format_name} is not available for {command}"


def test_emit_refuses_an_unavailable_format_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(OutputError) as raised:
        emit(review(), "diff", [Output("junit", None)], color=False)
    assert str(raised.value) == "format junit is not available for diff"
    assert capsys.readouterr().out == ""


def test_a_reporter_refuses_a_report_it_does_not_declare() -> None:
    with pytest.raises(FormatUnavailable) as raised:
        reporter_class("junit")().render(review())
    assert str(raised.value) == "format junit is not available for diff"
    with pytest.raises(FormatUnavailable) as raised:
        reporter_class("markdown")().render(check_report())
    assert str(raised.value) == "format markdown is not available for check"


@pytest.mark.parametrize("format_name", ["markdown", "json"])
def test_the_review_renders_through_the_registry(format_name: str) -> None:
    result = review()
    assert result.render(format_name) == reporter_for(format_name, "diff")().render(result)


@pytest.mark.parametrize("format_name", ["github", "gitlab", "sarif"])
def test_formats_of_findings_alone_render_check_and_probe_alike(
    format_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    check = check_report(finding(), finding(Severity.WARNING, line=7))
    probe = ProbeReport(CheckReport([FileResult("app.mail.yaml", Path("app.mail.yaml"), 1)]), [probed(*check.findings)])
    reporter = reporter_class(format_name)()
    as_check, as_probe = reporter.render(check), reporter.render(probe)
    if format_name == "sarif":  # a category per command, so the uploads do not replace each other
        as_check = as_check.replace('"mailcheck/check/"', '"mailcheck/probe/"')
    assert as_check == as_probe


def test_colour_reaches_only_the_formats_for_people() -> None:
    report = check_report(finding())
    assert "\x1b[" in reporter_class("text")(color=True).render(report)
    assert "\x1b[" not in reporter_class("text")(color=False).render(report)
    for name in FORMATS:
        if name != "text":
            assert "\x1b[" not in reporter_class(name)(color=True).render(report), name


# -- the contract: what every report offers ------------------------------------------------


def test_a_check_report_shows_the_source_line_of_a_finding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "app.mail.yaml").write_text(PROFILE)
    report, _ = run_check([Path("app.mail.yaml")])
    first = report.findings[0]
    excerpt = report.excerpt(first)
    assert excerpt is not None and excerpt.text == PROFILE.splitlines()[first.line - 1]
    assert report.source_path(first) == Path("app.mail.yaml")
    probe = ProbeReport(report, [])
    assert probe.excerpt(first) == excerpt and probe.source_path(first) == Path("app.mail.yaml")


def test_a_finding_outside_the_report_has_no_source() -> None:
    report = check_report()
    elsewhere = Finding("MC201", "n", Severity.ERROR, "other.mail.yaml", 1, 1, None, "", "m", "h")
    assert report.excerpt(elsewhere) is None and report.source_path(elsewhere) is None


def test_every_report_names_its_command_and_sorts_its_findings() -> None:
    late, early = finding(line=9), finding(line=2)
    reports: list[Report] = [check_report(late, early), ProbeReport(check_report(), [probed(late, early)]), review()]
    assert [r.command for r in reports] == ["check", "probe", "diff"]
    for report in reports[:2]:
        assert list(report.findings) == [early, late]


def test_a_review_shows_the_findings_it_introduces_redacted_and_no_source() -> None:
    redact = Redactor()
    redact.add("s3cret-value")
    leaked = Finding("MC303", "n", Severity.ERROR, "app.mail.yaml", 3, 5, "p", "profiles.p", "s3cret-value", "h")
    result = ReviewResult(Review("main", "head", introduced=[leaked], fixed=[finding()]), redact)
    [shown] = result.findings
    assert shown.message == "****" and result.excerpt(shown) is None and result.source_path(shown) is None
    assert result.summary()["introduced"] == 1 and result.summary()["fixed"] == 1


# -- fails(level): the exit code of each command -------------------------------------------


def test_check_fails_when_a_finding_reaches_the_level() -> None:
    report = check_report(finding(Severity.WARNING))
    assert not report.fails(Severity.ERROR)
    assert report.fails(Severity.WARNING) and report.fails(Severity.INFO)


def test_a_probe_fails_at_error_on_a_failed_profile_as_before() -> None:
    failed = ProbeReport(check_report(), [probed(finding(Severity.ERROR))])
    assert failed.fails(Severity.ERROR)
    assert not ProbeReport(check_report(), [probed()]).fails(Severity.INFO)


def test_a_probe_fails_at_a_lower_level_on_a_profile_with_findings_at_it() -> None:
    warned = ProbeReport(check_report(), [probed(finding(Severity.WARNING))])
    assert not warned.fails(Severity.ERROR)
    assert warned.fails(Severity.WARNING) and warned.fails(Severity.INFO)
    noted = ProbeReport(check_report(), [probed(finding(Severity.INFO))])
    assert not noted.fails(Severity.WARNING) and noted.fails(Severity.INFO)


def test_a_probe_fails_at_every_level_on_a_profile_it_could_not_probe() -> None:
    skipped = ProbeReport(check_report(), [], [NotProbed("app.mail.yaml", "outgoing", "MC101 blocks it")])
    assert all(skipped.fails(level) for level in Severity)


def test_lint_findings_alone_do_not_fail_a_probe() -> None:
    report = ProbeReport(check_report(finding(Severity.ERROR)), [probed()])
    assert not any(report.fails(level) for level in Severity)


def test_a_review_fails_on_a_weakening_change_at_every_level() -> None:
    assert all(review(Effect.WEAKENING).fails(level) for level in Severity)
    assert not any(review(Effect.STRENGTHENING).fails(level) for level in Severity)
    assert review().fails(Severity.ERROR) == review().review.weakens


# -- start-up --------------------------------------------------------------------------------


def test_check_loads_only_the_format_it_writes(tmp_path: Path) -> None:
    (tmp_path / "app.mail.yaml").write_text(PROFILE)
    script = (
        "import json, runpy, sys\n"
        "sys.argv = ['mailcheck', 'check', '--format', 'json', 'app.mail.yaml']\n"
        "try:\n"
        "    runpy.run_module('mailcheck', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('mailcheck.'))), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    loaded = set(json.loads(done.stderr.splitlines()[-1]))
    reporters = {m for m in loaded if m.startswith("mailcheck.reporters")}
    assert reporters == {"mailcheck.reporters", "mailcheck.reporters.base", "mailcheck.reporters.json"}
    unused = ("mailcheck.review", "mailcheck.probe.report", "mailcheck.probe.tls")
    assert not [m for m in loaded if m.startswith(unused)]

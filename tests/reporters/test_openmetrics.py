"""`--format openmetrics`: the probe's results as one document that both of prometheus_client's
official parsers read (OpenMetrics 1.0 and Prometheus text 0.0.4), label values escaped as
the OpenMetrics ABNF says, a bounded set of labels, no secret anywhere, and `check` refused
in one line. mailcheck writes the exposition itself: prometheus_client is a test dependency.

The reports here are built by hand or by runs that never reach the network (profiles that
cannot be probed); tests/probe/test_probe_openmetrics.py probes loopback servers."""

from __future__ import annotations

import ast
import calendar
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from prometheus_client.openmetrics.parser import text_string_to_metric_families as parse_openmetrics
from prometheus_client.parser import text_string_to_metric_families as parse_prometheus

from mailcheck.checker import FileResult
from mailcheck.findings import Finding, Severity
from mailcheck.outputs import FORMATS, OPTION_FORMATS, Output, OutputError, emit
from mailcheck.probe.report import NotProbed, ProbeReport, ProbeResult, Step
from mailcheck.probe.runner import run_probe
from mailcheck.probe.tls import Certificate, TlsFacts
from mailcheck.report import CheckReport
from mailcheck.reporters import REPORTERS, FormatUnavailable, reporter_class, reporter_for
from mailcheck.reporters.openmetrics import (
    FAMILIES,
    PROFILE_LABELS,
    REASONS,
    escape_label_value,
    not_after_timestamp,
    number,
)
from tests.cli_run import mailcheck

ROOT = Path(__file__).resolve().parents[2]
NOT_AFTER = "2031-05-17T12:00:00Z"
PROFILE_ROW = {"file": "app.mail.yaml", "protocol": "smtp", "host": "smtp.example.com", "port": "587"}


def result(name: str = "outgoing", **fields: object) -> ProbeResult:
    values: dict[str, object] = {
        "profile": name,
        "file": "app.mail.yaml",
        "protocol": "smtp",
        "host": "smtp.example.com",
        "port": 587,
        "security": "starttls",
        "seconds": 0.25,
        **fields,
    }
    return ProbeResult(**values)  # type: ignore[arg-type]


STEPS = [
    Step("resolve", "ok", 0.001, "127.0.0.1"),
    Step("connect", "ok", 0.002, ""),
    Step("greeting", "ok", 0.003, "220 hi"),
    Step("capabilities", "ok", 0.004, "before STARTTLS"),
    Step("starttls", "ok", 0.005, ""),
    Step("tls-handshake", "ok", 0.006, ""),
    Step("certificate", "ok", 0.007, ""),
    Step("capabilities", "ok", 0.010, "a second time"),  # no step repeats today: summed if one does
    Step("login", "ok", 0.02, "PLAIN as alice@example.com: 235 ok"),
    Step("send-test", "skipped", 0.0, "not asked"),
]
TLS = TlsFacts("1.3", "TLS_AES_256_GCM_SHA384", Certificate("CN=x", "CN=ca", NOT_AFTER, 2000, ("localhost",)))


def passing() -> ProbeResult:
    return result(steps=list(STEPS), tls=TLS, auth_mechanisms=["PLAIN"], login="ok")


def failing(login: str = "failed") -> ProbeResult:
    reply = "535 5.7.8 authentication failed for alice@example.com"
    finding = Finding("MC514", "auth-failed", Severity.ERROR, "app.mail.yaml", 9, 17, "billing", "p", reply, "h")
    note = Finding("MC510", "certificate-expiring", Severity.WARNING, "app.mail.yaml", 5, 11, "billing", "p", "m", "h")
    steps = [*STEPS[:8], Step("login", "failed", 0.5, reply)]
    return result("billing", steps=steps, tls=TLS, login=login, findings=[note, finding])


def report(*results: ProbeResult, not_probed: list[NotProbed] | None = None) -> ProbeReport:
    check = CheckReport([FileResult("app.mail.yaml", Path("app.mail.yaml"), len(results))])
    return ProbeReport(check, list(results), not_probed or [])


def render(probe_report: ProbeReport) -> str:
    return reporter_class("openmetrics")().render(probe_report)


def families(text: str) -> dict[str, object]:
    """The document as both parsers read it; they must agree on every sample."""
    openmetrics = {f.name: f for f in parse_openmetrics(text)}
    prometheus = {f.name: f for f in parse_prometheus(text)}
    for name, family in openmetrics.items():
        assert family.type == "gauge", name
        assert name in prometheus and prometheus[name].type == "gauge", name
        assert prometheus[name].documentation == family.documentation
        assert [(s.name, s.labels, s.value) for s in prometheus[name].samples] == [
            (s.name, s.labels, s.value) for s in family.samples
        ]
    assert set(prometheus) == set(openmetrics)
    return openmetrics


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    found = families(text).get(name)
    return [] if found is None else [(s.labels, s.value) for s in found.samples]  # type: ignore[attr-defined]


def only(text: str, name: str, **match: str) -> float:
    """The value of the one sample of `name` whose labels include `match`."""
    (value,) = [v for labels, v in samples(text, name) if match.items() <= labels.items()]
    return value


# -- the document --------------------------------------------------------------------------


def test_a_passing_profile_has_every_metric_and_both_parsers_read_it() -> None:
    text = render(report(passing()))
    assert text.endswith("\n# EOF\n")
    found = families(text)
    assert sorted(found) == sorted(
        [
            "mailcheck_probe_success",
            "mailcheck_probe_duration_seconds",
            "mailcheck_probe_step_duration_seconds",
            "mailcheck_probe_certificate_not_after_timestamp_seconds",
            "mailcheck_probe_tls_version_info",
            "mailcheck_probe_login_success",
        ]
    )
    labels = {"profile": "outgoing", **PROFILE_ROW}
    assert samples(text, "mailcheck_probe_success") == [(labels, 1.0)]
    assert samples(text, "mailcheck_probe_duration_seconds") == [(labels, 0.25)]
    assert samples(text, "mailcheck_probe_tls_version_info") == [({**labels, "version": "TLSv1.3"}, 1.0)]
    assert samples(text, "mailcheck_probe_login_success") == [(labels, 1.0)]
    expires = calendar.timegm((2031, 5, 17, 12, 0, 0, 0, 0, 0))
    assert samples(text, "mailcheck_probe_certificate_not_after_timestamp_seconds") == [(labels, expires)]
    assert "mailcheck_probe_failure_info" not in text


def test_help_type_and_unit_lines() -> None:
    text = render(report(passing()))
    found = families(text)
    for name, family in found.items():
        assert f"# HELP {name} " in text and f"# TYPE {name} gauge\n" in text
        assert family.documentation  # type: ignore[attr-defined]
        unit = "seconds" if name.endswith("_seconds") else ""
        assert family.unit == unit, name  # type: ignore[attr-defined]
        assert (f"# UNIT {name} seconds\n" in text) == bool(unit)


def test_each_step_once_with_the_durations_of_a_repeated_step_summed_and_skipped_steps_left_out() -> None:
    text = render(report(passing()))
    steps = {labels["step"]: value for labels, value in samples(text, "mailcheck_probe_step_duration_seconds")}
    assert list(steps) == [
        "resolve",
        "connect",
        "greeting",
        "capabilities",
        "starttls",
        "tls-handshake",
        "certificate",
        "login",
    ]
    assert steps["capabilities"] == pytest.approx(0.014)
    assert steps["login"] == pytest.approx(0.02)


def test_a_failed_profile_has_success_0_login_0_and_why_in_bounded_labels() -> None:
    text = render(report(passing(), failing()))
    assert only(text, "mailcheck_probe_success", profile="outgoing") == 1
    assert only(text, "mailcheck_probe_success", profile="billing") == 0
    assert only(text, "mailcheck_probe_login_success", profile="billing") == 0
    [(labels, value)] = samples(text, "mailcheck_probe_failure_info")
    assert value == 1
    assert labels == {"profile": "billing", **PROFILE_ROW, "reason": "failed", "rule": "MC514", "step": "login"}
    # no message, no server reply, no username: the first error's rule only (not the warning)
    assert "535" not in text and "alice" not in text and "authentication" not in text


@pytest.mark.parametrize("login", ["skipped", "not reached", "not configured"])
def test_login_success_only_when_a_login_was_attempted(login: str) -> None:
    text = render(report(failing(login)))
    assert samples(text, "mailcheck_probe_login_success") == []


def test_no_certificate_metric_without_a_certificate_and_no_tls_metric_without_tls() -> None:
    unverified = result(tls=TlsFacts("1.2", "ECDHE", None), steps=STEPS[:2])
    text = render(report(unverified, result("plain", security="none", steps=STEPS[:3])))
    assert samples(text, "mailcheck_probe_certificate_not_after_timestamp_seconds") == []
    assert [labels["profile"] for labels, _ in samples(text, "mailcheck_probe_tls_version_info")] == ["outgoing"]
    assert only(text, "mailcheck_probe_tls_version_info", profile="outgoing") == 1
    assert "TLSv1.2" in text


def test_every_family_has_one_label_set_and_no_series_twice() -> None:
    skipped = [NotProbed("app.mail.yaml", "broken", "structurally invalid"), NotProbed("bad.mail.yaml", None, "x")]
    text = render(report(passing(), failing(), result("third", steps=STEPS), not_probed=skipped))
    for name, family in families(text).items():
        label_sets = {tuple(s.labels) for s in family.samples}  # type: ignore[attr-defined]
        assert len(label_sets) == 1, name
        assert next(iter(label_sets))[: len(PROFILE_LABELS)] == PROFILE_LABELS
        series = [tuple(sorted(s.labels.items())) for s in family.samples]  # type: ignore[attr-defined]
        assert len(series) == len(set(series)), name


def test_families_are_not_interleaved_and_metadata_comes_first() -> None:
    text = render(report(passing(), failing()))
    order = [line.split("{")[0] for line in text.splitlines() if not line.startswith("#")]
    assert order == sorted(order, key=[f.full_name for f in FAMILIES].index)


# -- escaping ---------------------------------------------------------------------------------


def test_label_values_are_escaped_as_the_openmetrics_abnf_says() -> None:
    assert escape_label_value('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    assert escape_label_value("tab\tcr\r\u00e9") == "tab\tcr\r\u00e9"  # normal-char: left as is


@pytest.mark.parametrize(
    "name", ['quote"d', "back\\slash", "line\nbreak", "\\n literally", 'all\\"\n', "fa\u00df.de", "tab\tand\rcr"]
)
def test_every_parser_reads_back_the_label_value_written(name: str) -> None:
    awkward = result(name, file=f"dir {name}/app.mail.yaml")
    text = render(report(awkward))
    [(labels, _)] = samples(text, "mailcheck_probe_success")
    assert labels["profile"] == name and labels["file"] == f"dir {name}/app.mail.yaml"
    lines = text.split("\n")[:-1]  # no raw line feed inside a value: every line is a sample or metadata
    assert all(line.startswith(("# ", "mailcheck_probe_")) for line in lines)


def test_a_file_name_that_is_not_utf8_is_written_as_its_escape() -> None:
    text = render(report(result(file="caf\udce9.mail.yaml")))
    text.encode("utf-8")  # a lone surrogate could not be encoded
    [(labels, _)] = samples(text, "mailcheck_probe_success")
    assert "\udce9" not in labels["file"] and labels["file"].startswith("caf")


def test_numbers() -> None:
    assert [number(v) for v in (0, 1, 1.0, 0.25, 1e-06, 32503680000)] == ["0", "1", "1", "0.25", "1e-06", "32503680000"]
    assert not_after_timestamp("1970-01-01T00:00:10Z") == 10
    assert not_after_timestamp("soon") is None


# -- profiles that were not probed -------------------------------------------------------------

FILES = {
    "invalid.mail.yaml": "version: 1\nprofiles:\n  broken:\n    protocol: smtp\n    host: smtp.example.com\n    port: nope\n    security: tls\n    from: {address: a@example.com}\n",
    "unsafe.mail.yaml": "version: 1\nprofiles:\n  scheme:\n    protocol: smtp\n    host: 'smtp://smtp.example.com:587'\n    security: starttls\n    from: {address: a@example.com}\n",
    "unreadable.mail.yaml": "version: 1\nprofiles: [not, a, mapping]\n",
}


def test_profiles_not_probed_have_success_0_and_the_rule_that_kept_them_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in FILES.items():
        (tmp_path / name).write_text(text)
    probe_report = run_probe([Path(name) for name in FILES])  # nothing here can be probed: no network
    assert probe_report.results == []
    text = render(probe_report)
    empty = {"protocol": "", "host": "", "port": ""}
    assert sorted((labels["file"], labels["profile"], v) for labels, v in samples(text, "mailcheck_probe_success")) == [
        ("invalid.mail.yaml", "broken", 0),
        ("unreadable.mail.yaml", "", 0),
        ("unsafe.mail.yaml", "scheme", 0),
    ]
    why = {labels["file"]: labels for labels, _ in samples(text, "mailcheck_probe_failure_info")}
    assert why["invalid.mail.yaml"] == {
        "profile": "broken",
        "file": "invalid.mail.yaml",
        **empty,
        "reason": "invalid",
        "rule": "MC101",
        "step": "",
    }
    assert (why["unsafe.mail.yaml"]["reason"], why["unsafe.mail.yaml"]["rule"]) == ("unsafe", "MC209")
    assert (why["unreadable.mail.yaml"]["reason"], why["unreadable.mail.yaml"]["rule"]) == ("unreadable", "MC101")
    assert {labels["reason"] for labels in why.values()} <= set(REASONS)
    for name in ("duration_seconds", "step_duration_seconds", "login_success", "tls_version_info"):
        assert samples(text, f"mailcheck_probe_{name}") == []


def test_a_profile_the_app_reads_at_run_time_is_deferred(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "grafana.ini").write_text(
        "[smtp]\nenabled = true\nhost = $__env{SMTP_HOST}\nfrom_address = a@example.com\n"
    )
    probe_report = run_probe([Path("grafana.ini")])
    assert probe_report.results == [] and len(probe_report.not_probed) == 1
    [(labels, _)] = samples(render(probe_report), "mailcheck_probe_failure_info")
    assert labels["reason"] == "deferred" and labels["file"] == "grafana.ini"


# -- secrets -----------------------------------------------------------------------------------


def test_a_secret_the_file_holds_is_masked_even_where_it_is_a_label() -> None:
    secret = "s3cret-Relay-pw"
    probe_report = report(result(secret, host="smtp.example.com"))
    probe_report.check.results[0].redact.add(secret)
    text = render(probe_report)
    assert secret not in text
    [(labels, _)] = samples(text, "mailcheck_probe_success")
    assert labels["profile"] == "****"


def test_an_inline_secret_and_the_username_appear_nowhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    secret = "Inline-Pa55word-in-the-file"
    (tmp_path / "app.mail.yaml").write_text(
        "version: 1\nprofiles:\n  relay:\n    protocol: smtp\n    host: 'smtp://relay.example.com'\n"
        f"    security: starttls\n    auth: {{username: ops@example.com, password: {secret}}}\n"
    )
    probe_report = run_probe([Path("app.mail.yaml")])
    assert [f.rule for f in probe_report.lint_findings if f.rule == "MC303"] == ["MC303"]
    text = render(probe_report)
    families(text)
    assert secret not in text and "ops@example.com" not in text and "ops" not in text


# -- which commands, which registry -------------------------------------------------------------


def test_only_probe_reports_are_rendered() -> None:
    assert reporter_class("openmetrics").renders == {"probe"}
    with pytest.raises(FormatUnavailable, match=r"^format openmetrics is not available for check$"):
        reporter_for("openmetrics", "check")
    with pytest.raises(FormatUnavailable, match=r"^format openmetrics is not available for diff$"):
        reporter_for("openmetrics", "diff")


def test_the_option_formats_are_those_check_or_probe_render() -> None:
    either = tuple(name for name in REPORTERS if {"check", "probe"} & reporter_class(name).renders)
    assert either == OPTION_FORMATS and set(FORMATS) < set(OPTION_FORMATS)


def test_emit_refuses_before_writing_anything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check = CheckReport([FileResult("app.mail.yaml", Path("app.mail.yaml"), 1)])
    outputs = [Output("text", None), Output("json", tmp_path / "r.json"), Output("openmetrics", tmp_path / "m.prom")]
    with pytest.raises(OutputError, match=r"^format openmetrics is not available for check$"):
        emit(check, "check", outputs, color=False)
    assert capsys.readouterr().out == "" and list(tmp_path.iterdir()) == []


PROFILE = "version: 1\nprofiles:\n  relay:\n    protocol: smtp\n    host: smtp.example.com\n    security: tls\n    from: {address: a@example.com}\n"


@pytest.mark.parametrize(
    "args", [("--format", "openmetrics"), ("--output", "openmetrics:m.prom"), ("--output", "openmetrics")]
)
def test_check_with_openmetrics_is_a_one_line_usage_error(tmp_path: Path, args: tuple[str, ...]) -> None:
    (tmp_path / "app.mail.yaml").write_text(PROFILE)
    done = mailcheck(tmp_path, "check", "app.mail.yaml", "--output", "json:r.json", *args)
    assert done.exit_code == 2
    assert done.stdout == ""
    assert done.stderr == "mailcheck: error: format openmetrics is not available for check\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.mail.yaml"]


def test_probe_lists_it_in_help(tmp_path: Path) -> None:
    assert "openmetrics" in mailcheck(tmp_path, "probe", "--help").stdout


# -- no runtime dependency --------------------------------------------------------------------


def test_the_package_never_imports_prometheus_client() -> None:
    for path in (ROOT / "mailcheck").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not any(n.split(".")[0] == "prometheus_client" for n in names), path


def test_rendering_loads_no_prometheus_client(tmp_path: Path) -> None:
    (tmp_path / "app.mail.yaml").write_text(FILES["invalid.mail.yaml"])
    script = (
        "import json, runpy, sys\n"
        "sys.argv = ['mailcheck', 'probe', '--format', 'openmetrics', 'app.mail.yaml']\n"
        "try:\n"
        "    runpy.run_module('mailcheck', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, check=False)
    loaded = json.loads(done.stderr.splitlines()[-1])
    assert "mailcheck.reporters.openmetrics" in loaded
    assert not [m for m in loaded if m.startswith("prometheus_client")]
    assert "mailcheck_probe_success{" in done.stdout and done.stdout.endswith("# EOF\n")
    assert math.isclose(only(done.stdout, "mailcheck_probe_success", profile="broken"), 0)

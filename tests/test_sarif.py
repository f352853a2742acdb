"""`--format sarif`: what code scanning reads. The validator's own verdict is in test_sarif_validator.py."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from mailcheck import __version__
from mailcheck.docs import explain_rule
from mailcheck.findings import Finding, Severity
from mailcheck.rules import all_rules
from tests.cli_run import BAD, GOOD, INLINE_SECRET, mailcheck, repo, write
from tests.report_stubs import render_probe


def sarif(folder: Path, *args: str) -> dict:
    result = mailcheck(folder, "check", "--format", "sarif", *args)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_a_clean_run_is_a_complete_log_with_every_rule(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    log = sarif(tmp_path, "ok.mail.yaml")
    assert log["version"] == "2.1.0"
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("mailcheck", __version__)
    assert driver["informationUri"] == "urn:mailcheck:tool"  # a name: the project owns no web address
    assert [r["id"] for r in driver["rules"]] == list(all_rules())
    assert run["results"] == []


def test_each_rule_carries_the_explain_text_as_help(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    rules = {r["id"]: r for r in sarif(tmp_path, "ok.mail.yaml")["runs"][0]["tool"]["driver"]["rules"]}
    for rule in all_rules().values():
        described = rules[rule.id]
        assert described["name"] == rule.name
        assert described["shortDescription"]["text"].startswith(rule.summary)
        assert described["help"]["text"] == explain_rule(rule)
        assert rule.sections()["Use instead"] in described["help"]["markdown"]
        assert f"disable-line {rule.id}" in described["help"]["markdown"]
        expected = {
            Severity.ERROR: "error",
            Severity.WARNING: "warning",
            Severity.INFO: "note",
        }[rule.severity]
        assert described["defaultConfiguration"]["level"] == expected


def test_results_point_at_the_line_relative_to_the_repository_root(
    tmp_path: Path,
) -> None:
    write(repo(tmp_path), "mail/app.mail.yaml", BAD)
    # run from a subfolder: the path must still be relative to the repository root
    run = sarif(tmp_path / "mail", "app.mail.yaml")["runs"][0]
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert set(by_rule) == {"MC201", "MC206", "MC303"}
    port = by_rule["MC201"]
    location = port["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {
        "uri": "mail/app.mail.yaml",
        "uriBaseId": "SRCROOT",
    }
    assert location["region"]["startLine"] == 6 and location["region"]["startColumn"] == 11
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == tmp_path.resolve().as_uri() + "/"
    assert port["level"] == "error" and by_rule["MC206"]["level"] == "warning"
    rules = run["tool"]["driver"]["rules"]
    assert all(rules[r["ruleIndex"]]["id"] == r["ruleId"] for r in run["results"])
    assert "465" in port["message"]["text"] and "starttls" in port["message"]["text"]


def test_no_secret_reaches_the_log(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    result = mailcheck(tmp_path, "check", "--format", "sarif", "app.mail.yaml")
    assert "MC303" in result.stdout
    assert INLINE_SECRET not in result.stdout


def fingerprints(folder: Path) -> dict[str, str]:
    run = sarif(folder, "app.mail.yaml")["runs"][0]
    return {r["ruleId"]: r["partialFingerprints"]["mailcheck/v1"] for r in run["results"]}


def test_fingerprints_survive_unrelated_lines_moving(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    before = fingerprints(tmp_path)
    moved = BAD.replace(
        "profiles:\n",
        "# a comment\n\nprofiles:\n  other:\n    protocol: imap\n    host: imap.example.com\n    security: tls\n",
    )
    write(tmp_path, "app.mail.yaml", moved)
    assert fingerprints(tmp_path) == before
    assert len(set(before.values())) == 3  # and tell findings apart


def test_fingerprints_change_with_what_the_finding_is_about(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    before = fingerprints(tmp_path)
    write(tmp_path, "app.mail.yaml", BAD.replace("outgoing:", "renamed:"))
    assert set(fingerprints(tmp_path).values()).isdisjoint(before.values())


def test_a_probe_report_renders_from_its_findings(tmp_path: Path, monkeypatch) -> None:
    @dataclass
    class ProbeReport:  # the probe's report: findings and a summary, no source files
        findings: list[Finding]

        def summary(self) -> dict[str, int]:
            return {"profiles": 1}

    monkeypatch.chdir(repo(tmp_path))
    rule = all_rules()["MC201"]
    finding = rule.finding(
        file="app.mail.yaml",
        line=6,
        column=11,
        profile="outgoing",
        path=("profiles", "outgoing", "port"),
        message="m",
        hint="h",
    )
    log = json.loads(render_probe(ProbeReport([finding])))
    run = log["runs"][0]
    assert run["automationDetails"]["id"] == "mailcheck/probe/"
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "app.mail.yaml"

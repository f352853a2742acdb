"""`--format gitlab`: the Code Quality report GitLab shows in merge requests."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_run import BAD, GOOD, INLINE_SECRET, mailcheck, repo, write

REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}
GITLAB_SEVERITIES = {"info", "minor", "major", "critical", "blocker"}


def report(folder: Path, *paths: str) -> list[dict]:
    result = mailcheck(folder, "check", "--format", "gitlab", *paths)
    assert result.exit_code in (0, 1), result.stderr
    assert INLINE_SECRET not in result.stdout
    return json.loads(result.stdout)


def test_a_clean_run_is_an_empty_array(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    assert report(tmp_path, "ok.mail.yaml") == []


def test_each_finding_is_an_issue_on_its_line_relative_to_the_project(
    tmp_path: Path,
) -> None:
    write(repo(tmp_path), "config/app.mail.yaml", BAD)
    issues = report(tmp_path / "config", "app.mail.yaml")
    assert all(set(issue) >= REQUIRED for issue in issues)
    by_check = {issue["check_name"]: issue for issue in issues}
    assert set(by_check) == {"MC201", "MC206", "MC303"}
    port = by_check["MC201"]
    assert port["location"] == {"path": "config/app.mail.yaml", "lines": {"begin": 6}}
    assert "465" in port["description"] and "starttls" in port["description"]
    assert {i["severity"] for i in issues} <= GITLAB_SEVERITIES
    assert (port["severity"], by_check["MC206"]["severity"]) == ("major", "minor")


def test_fingerprints_are_unique_and_ignore_line_moves(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    before = {i["check_name"]: i["fingerprint"] for i in report(tmp_path, "app.mail.yaml")}
    write(tmp_path, "app.mail.yaml", "# moved down\n\n" + BAD)
    after = {i["check_name"]: i["fingerprint"] for i in report(tmp_path, "app.mail.yaml")}
    assert before == after and len(set(before.values())) == len(before)


def test_repeated_keys_each_get_their_own_fingerprint(tmp_path: Path) -> None:
    doubled = GOOD.replace("    port: 587\n", "    port: 587\n    port: 587\n    port: 587\n")
    write(repo(tmp_path), "app.mail.yaml", doubled)
    issues = report(tmp_path, "app.mail.yaml")
    assert [i["check_name"] for i in issues] == ["MC002", "MC002"]
    assert len({i["fingerprint"] for i in issues}) == 2

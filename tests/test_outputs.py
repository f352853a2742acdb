"""`--output FORMAT[:PATH]`: several reports from one run, files replaced atomically."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from cli_run import BAD, GOOD, mailcheck, repo, write


def test_text_on_the_terminal_and_sarif_and_gitlab_in_files_from_one_run(
    tmp_path: Path,
) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    result = mailcheck(
        tmp_path,
        "check",
        "app.mail.yaml",
        "--output",
        "sarif:out/mailcheck.sarif",
        "--output",
        "gitlab:gl-code-quality.json",
    )
    (tmp_path / "out").mkdir()  # the folder was missing on the first try:
    assert result.exit_code == 2 and result.stderr.startswith(
        "mailcheck: error: cannot write out/mailcheck.sarif"
    )
    result = mailcheck(
        tmp_path,
        "check",
        "app.mail.yaml",
        "--output",
        "sarif:out/mailcheck.sarif",
        "--output",
        "gitlab:gl-code-quality.json",
    )
    assert result.exit_code == 1
    assert (
        "app.mail.yaml:6:11: error MC201" in result.stdout
    )  # text, the default, on the terminal
    sarif = json.loads((tmp_path / "out/mailcheck.sarif").read_text())
    gitlab = json.loads((tmp_path / "gl-code-quality.json").read_text())
    assert len(sarif["runs"][0]["results"]) == len(gitlab) == 3


def test_format_alone_picks_the_terminal_format(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    result = mailcheck(
        tmp_path,
        "check",
        "ok.mail.yaml",
        "--output",
        "json",
        "--output",
        "text:report.txt",
    )
    assert json.loads(result.stdout)["summary"]["profiles"] == 1
    assert (
        tmp_path / "report.txt"
    ).read_text() == "No problems found in 1 file, 1 profile.\n"


def test_files_never_get_colour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    monkeypatch.setattr("mailcheck.cli.use_color", lambda stream: True)
    mailcheck(tmp_path, "check", "app.mail.yaml", "--output", "text:report.txt")
    assert "\x1b[" not in (tmp_path / "report.txt").read_text()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--output", "yaml:x"], "unknown format 'yaml'"),
        (["--output", "sarif:"], "no file after 'sarif:'"),
        (
            ["--format", "json", "--output", "text"],
            "only one output can go to the terminal",
        ),
        (
            ["--output", "sarif:a.sarif", "--output", "gitlab:./a.sarif"],
            "a.sarif is given twice",
        ),
    ],
)
def test_contradictory_or_bad_outputs_are_a_usage_error(
    tmp_path: Path, args: list[str], message: str
) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    result = mailcheck(tmp_path, "check", "ok.mail.yaml", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "a.sarif").exists()


def test_an_existing_report_is_replaced_whole_and_keeps_its_mode(
    tmp_path: Path,
) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    target = tmp_path / "report.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    inode = target.stat().st_ino
    mailcheck(tmp_path, "check", "app.mail.yaml", "--output", "json:report.json")
    assert json.loads(target.read_text())["summary"]["errors"] == 2
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert (
        target.stat().st_ino != inode
    )  # a new file renamed over the old one, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".git",
        "app.mail.yaml",
        "report.json",
    ]  # no temp left


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    (tmp_path / "report.sarif").mkdir()  # cannot be replaced by a file
    result = mailcheck(
        tmp_path, "check", "ok.mail.yaml", "--output", "sarif:report.sarif"
    )
    assert result.exit_code == 2 and result.stderr.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".git",
        "ok.mail.yaml",
        "report.sarif",
    ]


def test_every_check_format_can_be_an_output(tmp_path: Path) -> None:
    from mailcheck.outputs import FORMATS

    pytest.importorskip(
        "mailcheck.reporters.junit",
        reason="reporters/junit.py is written with the probe",
    )
    write(repo(tmp_path), "app.mail.yaml", BAD)
    args = [arg for name in FORMATS for arg in ("--output", f"{name}:report.{name}")]
    assert mailcheck(tmp_path, "check", "app.mail.yaml", *args).exit_code == 1
    for name in FORMATS:
        assert (tmp_path / f"report.{name}").stat().st_size > 0, name

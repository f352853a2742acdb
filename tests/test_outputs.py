"""`--output FORMAT[:PATH]`: several reports from one run, files replaced atomically."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from tests.cli_run import BAD, GOOD, mailcheck, repo, write


def test_text_on_the_terminal_and_sarif_and_gitlab_in_files_from_one_run(
    tmp_path: Path,
) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    result = mailcheck(  # the folder `out` does not exist yet: it is created
        tmp_path,
        "check",
        "app.mail.yaml",
        "--output",
        "sarif:out/mailcheck.sarif",
        "--output",
        "gitlab:gl-code-quality.json",
    )
    assert result.exit_code == 1
    assert "app.mail.yaml:6:11: error MC201" in result.stdout  # text, the default, on the terminal
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
    assert (tmp_path / "report.txt").read_text() == "No problems found in 1 file, 1 profile.\n"


def test_files_never_get_colour(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
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
def test_contradictory_or_bad_outputs_are_a_usage_error(tmp_path: Path, args: list[str], message: str) -> None:
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
    assert target.stat().st_ino != inode  # a new file renamed over the old one, not rewritten in place
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".git",
        "app.mail.yaml",
        "report.json",
    ]  # no temp left


def test_a_failed_write_leaves_the_old_file_and_no_temp(tmp_path: Path) -> None:
    write(repo(tmp_path), "ok.mail.yaml", GOOD)
    (tmp_path / "report.sarif").mkdir()  # cannot be replaced by a file
    result = mailcheck(tmp_path, "check", "ok.mail.yaml", "--output", "sarif:report.sarif")
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


# -- reports never harm what is at the path ----------------------------------------------


def _null_device(folder: Path) -> Path:
    """A character device to write to: a private node for /dev/null where we may make one
    (as root, as in CI: a regression then cannot replace the machine's /dev/null), else
    /dev/null itself (which only root could replace)."""
    node = folder / "null"
    try:
        os.mknod(node, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, AttributeError):
        return Path("/dev/null")
    return node


def test_a_character_device_is_written_to_never_replaced(tmp_path: Path) -> None:
    # before: as root, `--output json:/dev/null` made /dev/null a regular file
    write(repo(tmp_path), "app.mail.yaml", BAD)
    device = _null_device(tmp_path)
    before = os.stat(device)
    result = mailcheck(tmp_path, "check", "app.mail.yaml", "--output", f"json:{device}")
    assert result.exit_code == 1, result.stderr
    after = os.stat(device)
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino


def test_a_fifo_is_written_as_a_stream_and_stays_a_fifo(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    # the reading end, opened first and without blocking, so the writer always finds a
    # reader; the report (a few KiB) fits in the pipe's buffer until it is read below
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        result = mailcheck(tmp_path, "check", "app.mail.yaml", "--output", f"json:{fifo.name}")
        received = b""
        while chunk := os.read(reader, 65536):
            received += chunk
    finally:
        os.close(reader)
    assert result.exit_code == 1, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert json.loads(received)["summary"]["errors"] == 2


def test_a_fifo_nobody_reads_is_an_error_at_once_and_the_other_reports_are_written(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    os.mkfifo(tmp_path / "nobody.pipe")
    result = mailcheck(
        tmp_path, "check", "app.mail.yaml", "--output", "json:nobody.pipe", "--output", "sarif:report.sarif"
    )
    assert result.exit_code == 2
    assert result.stderr == "mailcheck: error: cannot write nobody.pipe: no process is reading it\n"
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"
    assert stat.S_ISFIFO((tmp_path / "nobody.pipe").lstat().st_mode)


def test_a_symlink_is_written_through_and_stays_a_symlink(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "real.json").write_text("old")
    (tmp_path / "latest.json").symlink_to("reports/real.json")
    result = mailcheck(tmp_path, "check", "app.mail.yaml", "--output", "json:latest.json")
    assert result.exit_code == 1
    assert (tmp_path / "latest.json").is_symlink()
    assert os.readlink(tmp_path / "latest.json") == "reports/real.json"
    assert json.loads((tmp_path / "reports" / "real.json").read_text())["summary"]["errors"] == 2
    assert sorted(p.name for p in (tmp_path / "reports").iterdir()) == ["real.json"]  # no temp left


@pytest.mark.parametrize("given", ["app.mail.yaml", "./app.mail.yaml", "link.mail.yaml", "hardlink.yaml"])
def test_a_report_over_a_checked_file_is_refused_before_checking(tmp_path: Path, given: str) -> None:
    profile = write(repo(tmp_path), "app.mail.yaml", BAD)
    (tmp_path / "link.mail.yaml").symlink_to("app.mail.yaml")
    os.link(profile, tmp_path / "hardlink.yaml")
    original = profile.read_bytes()
    result = mailcheck(tmp_path, "check", "app.mail.yaml", "--output", f"json:{given}")
    assert result.exit_code == 2
    assert result.stdout == ""  # refused before anything was checked or printed
    assert result.stderr.startswith(f"mailcheck: error: --output json:{Path(given)} would overwrite app.mail.yaml")
    assert profile.read_bytes() == original


def test_a_report_over_the_settings_file_is_refused(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    write(tmp_path, ".mailcheck.yaml", "disable: [MC203]\n")
    result = mailcheck(tmp_path, "check", "app.mail.yaml", "--output", "json:.mailcheck.yaml")
    assert result.exit_code == 2
    assert (tmp_path / ".mailcheck.yaml").read_text() == "disable: [MC203]\n"


def test_a_report_over_a_probed_file_is_refused(tmp_path: Path) -> None:
    write(repo(tmp_path), "app.mail.yaml", BAD)
    result = mailcheck(tmp_path, "probe", "app.mail.yaml", "--output", "junit:app.mail.yaml")
    assert result.exit_code == 2 and "would overwrite app.mail.yaml" in result.stderr
    assert (tmp_path / "app.mail.yaml").read_text().startswith("version: 1")


def test_missing_folders_are_created_and_one_failure_does_not_stop_the_others(tmp_path: Path) -> None:
    # before: `--output junit:reports/j.xml` without reports/ failed the run, no report written
    write(repo(tmp_path), "app.mail.yaml", BAD)
    (tmp_path / "blocked").write_text("a file where a folder is wanted")
    result = mailcheck(
        tmp_path,
        "check",
        "app.mail.yaml",
        "--output", "junit:reports/ci/j.xml",
        "--output", "sarif:blocked/s.sarif",
        "--output", "gitlab:gl.json",
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "cannot write blocked/s.sarif" in result.stderr
    assert (tmp_path / "reports" / "ci" / "j.xml").read_text().startswith("<?xml")
    assert json.loads((tmp_path / "gl.json").read_text())
    assert not list(tmp_path.rglob("*.tmp"))


def test_dev_stdout_as_an_output_writes_to_the_pipe(tmp_path: Path) -> None:
    # /dev/stdout leads, through /proc, to a pipe that has no path to replace
    import subprocess
    import sys

    write(repo(tmp_path), "app.mail.yaml", BAD)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mailcheck",
            "check",
            "app.mail.yaml",
            "--format",
            "github",
            "--output",
            "json:/dev/stdout",
        ],
        cwd=tmp_path,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    annotations, _, report = done.stdout.decode().partition('{\n  "tool"')
    assert annotations.startswith("::error") and json.loads('{"tool"' + report)["summary"]["errors"] == 2

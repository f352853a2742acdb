"""Secret and CA files: regular files only, bounded in size, read without blocking the run.

A FIFO (or /dev/stdin) as `{file: ...}` or `tls.ca_file` must not hang the probe nor hold
up the other profiles; /proc files and multi-line files must not become a password.
Each refusal is MC515 (secret) or MC507 (CA file), saying what the path is."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.probe.probe_helpers import PASSWORD, profile

FAST = 1.5  # seconds: a refusal needs no waiting


@contextlib.contextmanager
def fifo_at(path: Path, after: float = 5.0) -> Iterator[Path]:
    """A FIFO at `path`. Should a reader block opening it (the bug under test), a writer
    opens it after `after` seconds and closes it, so the test ends either way."""
    os.mkfifo(path)
    done = threading.Event()

    def release() -> None:
        if done.wait(after):
            return
        with contextlib.suppress(OSError):  # ENXIO: nobody is blocked reading, nothing to release
            os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    try:
        yield path
    finally:
        done.set()
        thread.join(after + 1)


def _by_name(report) -> dict:
    return {r.profile: r for r in report.results}


def test_a_fifo_as_secret_file_is_refused_at_once_and_the_other_profiles_run(probe, smtp) -> None:
    server = smtp("tls")
    with fifo_at(probe.folder / "secret.fifo"):
        started = time.monotonic()
        report = probe.run(
            {
                "fifo": profile("smtp", server.port, "tls", auth={"password": {"file": "secret.fifo"}}),
                "good": profile("smtp", server.port, "tls"),
            }
        )
        wall = time.monotonic() - started
    results = _by_name(report)
    (finding,) = results["fifo"].findings
    assert finding.rule == "MC515"
    assert "secret file secret.fifo is a FIFO, not a regular file" in finding.message
    assert finding.path == "profiles.fifo.auth.password"
    assert results["good"].status == "ok" and results["good"].login == "ok"
    assert wall < FAST


def test_a_fifo_as_ca_file_is_refused_at_once_and_the_other_profiles_run(probe, smtp) -> None:
    server = smtp("tls")
    with fifo_at(probe.folder / "ca.fifo"):
        started = time.monotonic()
        report = probe.run(
            {
                "fifo": profile("smtp", server.port, "tls", tls={"ca_file": "ca.fifo"}),
                "good": profile("smtp", server.port, "tls"),
            }
        )
        wall = time.monotonic() - started
    results = _by_name(report)
    (finding,) = results["fifo"].findings
    assert finding.rule == "MC507"
    assert "tls.ca_file ca.fifo cannot be used: it is a FIFO, not a regular file" in finding.message
    assert finding.path == "profiles.fifo.tls.ca_file"
    assert results["good"].status == "ok"
    assert server.mailbox.logins == [("PLAIN", "alice@example.com")]  # only the good profile logged in
    assert wall < FAST


@pytest.mark.skipif(not Path("/dev/stdin").exists(), reason="no /dev/stdin")
def test_dev_stdin_as_secret_file_is_refused_when_stdin_is_a_pipe(probe, smtp) -> None:
    """`mailcheck probe` as CI runs it, stdin a pipe nobody writes to: reading it would wait forever."""
    server = smtp("tls")
    path = probe.write({"stdin": profile("smtp", server.port, "tls", auth={"password": {"file": "/dev/stdin"}})})
    reader, writer = os.pipe()  # the write end stays open: the pipe never ends while the probe runs
    started = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mailcheck", "probe", "--format", "json", str(path)],
            stdin=reader,
            capture_output=True,
            text=True,
            timeout=30,
            cwd=probe.folder,
            check=False,
        )
    finally:
        os.close(reader)
        os.close(writer)
    wall = time.monotonic() - started
    (result,) = json.loads(done.stdout)["results"]
    messages = [f["message"] for f in result["findings"] if f["rule"] == "MC515"]
    assert messages and "secret file /dev/stdin is a FIFO, not a regular file" in messages[0], done.stdout
    assert done.returncode == 1
    assert server.mailbox.logins == []
    assert wall < 15  # the interpreter's start and the lint included; the old code never ended


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_character_device_as_secret_file_is_refused(probe, smtp) -> None:
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "tls", auth={"password": {"file": "/dev/zero"}}))
    assert run.rules == ["MC515"], run
    assert "secret file /dev/zero is a character device, not a regular file" in run.finding.message
    assert server.mailbox.logins == []
    assert run.wall < FAST


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="no /proc")
def test_proc_self_environ_is_not_sent_as_the_password(probe, smtp) -> None:
    """It says it is a regular file of size 0, and holds the whole environment, NUL-separated."""
    server = smtp("tls")
    run = probe.one(profile("smtp", server.port, "tls", auth={"password": {"file": "/proc/self/environ"}}))
    assert run.rules == ["MC515"], run
    message = run.finding.message
    assert "secret file /proc/self/environ" in message
    assert "is larger than 4 KiB" in message or "contains a NUL character" in message or "lines" in message
    assert server.mailbox.logins == []


def test_a_secret_file_with_two_lines_is_refused_and_nothing_is_sent(probe, smtp) -> None:
    server = smtp("tls")
    (probe.folder / "two-lines.txt").write_text(f"{PASSWORD}\nsecond line\n")
    run = probe.one(profile("smtp", server.port, "tls", auth={"password": {"file": "two-lines.txt"}}))
    assert run.rules == ["MC515"], run
    assert "secret file two-lines.txt has 2 lines" in run.finding.message
    assert "second" not in run.finding.message and PASSWORD not in run.finding.message
    assert run.result.login == "skipped"
    assert server.mailbox.logins == []


def test_a_secret_file_with_one_line_and_its_newline_is_used(probe, smtp) -> None:
    server = smtp("tls")
    (probe.folder / "one-line.txt").write_text(f"{PASSWORD}\n")
    run = probe.one(profile("smtp", server.port, "tls", auth={"password": {"file": "one-line.txt"}}))
    assert run.rules == [], run
    assert run.result.login == "ok"


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"x" * 4097, "is larger than 4 KiB"),
        (b"s3cr\0t-Qz\n", "contains a NUL character"),
        (b"s3cr\x1b[2Jt-Qz\n", "contains a control character (U+001B)"),
        (b"\n", "is empty"),
        (b"\xff\xfe\n", "is not UTF-8 text"),
    ],
    ids=["too-large", "nul", "escape", "empty", "not-utf8"],
)
def test_secret_files_that_are_not_one_line_of_text_are_refused(probe, smtp, content, problem) -> None:
    server = smtp("tls")
    (probe.folder / "secret.txt").write_bytes(content)
    run = probe.one(profile("smtp", server.port, "tls", auth={"password": {"file": "secret.txt"}}))
    assert run.rules == ["MC515"], run
    assert f"secret file secret.txt {problem}" in run.finding.message
    assert "s3cr" not in run.finding.message and "t-Qz" not in run.finding.message
    assert server.mailbox.logins == []


def test_a_secret_directory_is_named_as_such(probe, smtp) -> None:
    server = smtp("tls")
    (probe.folder / "secrets").mkdir()
    run = probe.one(profile("smtp", server.port, "tls", auth={"password": {"file": "secrets"}}))
    assert run.rules == ["MC515"], run
    assert "secret file secrets is a directory, not a regular file" in run.finding.message


def test_a_ca_file_over_8_mib_is_refused(probe, smtp) -> None:
    server = smtp("tls")
    with (probe.folder / "huge.pem").open("wb") as handle:
        handle.truncate(8 * 1024 * 1024 + 1)
    run = probe.one(profile("smtp", server.port, "tls", tls={"ca_file": "huge.pem"}))
    assert run.rules == ["MC507"], run
    assert "tls.ca_file huge.pem cannot be used: it is larger than 8 MiB" in run.finding.message
    assert server.mailbox.logins == []


def test_a_ca_file_without_a_certificate_is_refused(probe, smtp) -> None:
    server = smtp("tls")
    (probe.folder / "empty.pem").write_text("# no certificates here\n")
    run = probe.one(profile("smtp", server.port, "tls", tls={"ca_file": "empty.pem"}))
    assert run.rules == ["MC507"], run
    assert "tls.ca_file empty.pem cannot be used: it holds no PEM certificate" in run.finding.message


def test_a_ca_bundle_with_comments_in_utf8_is_read(probe, ca, smtp) -> None:
    """Bundles such as certifi's carry UTF-8 comments between the certificates."""
    server = smtp("tls")
    (probe.folder / "bundle.pem").write_bytes("# Issuer: CN=Főtanúsítvány\n".encode() + ca.cert_pem.bytes())
    run = probe.one(profile("smtp", server.port, "tls", tls={"ca_file": "bundle.pem"}))
    assert run.rules == [], run

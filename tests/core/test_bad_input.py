"""Bad input is a finding (MC001) or a one-line error with exit 2: never a traceback,
never unbounded time or memory, never a change to the file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.core.conftest import GOOD_PROFILE


def mc001(result) -> dict:
    findings = result.json()["findings"]
    assert [f["rule"] for f in findings] == ["MC001"], findings
    assert result.exit_code == 1
    return findings[0]


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("version: 1\nprofiles:\n  caf\xe9:\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (b"---\n", "empty"),
        (b"- a\n- b\n", "sequence"),
        (b"version: 1\n---\nversion: 1\n", "more than one YAML document"),
        (b"version: 1\nprofiles:\n\toutgoing: {}\n", "YAML syntax error"),
        (b"version: 1\nprofiles: *nowhere\n", "no anchor"),
        (b"version: 1\nprofiles: !!python/object:os.system {}\n", "not supported"),
        (b"version: 1\nprofiles: {a: [1, 2}\n", "YAML syntax error"),
    ],
)
def test_unreadable_files_are_one_mc001_finding(invoke, write, content, words) -> None:
    write("bad.mail.yaml", content)
    finding = mc001(invoke("check", "--format", "json", "bad.mail.yaml"))
    assert words in finding["message"]
    assert finding["hint"]


def test_latin1_byte_is_located_and_fix_is_named(invoke, write) -> None:
    write("bad.mail.yaml", "version: 1\nprofiles:\n  caf\xe9: {}\n".encode("latin-1"))
    finding = mc001(invoke("check", "--format", "json", "bad.mail.yaml"))
    assert (finding["line"], finding["column"]) == (3, 6)
    assert "UTF-8" in finding["hint"]


def test_tab_indentation_hint_says_spaces(invoke, write) -> None:
    write("bad.mail.yaml", b"version: 1\nprofiles:\n\toutgoing: {}\n")
    finding = mc001(invoke("check", "--format", "json", "bad.mail.yaml"))
    assert finding["line"] == 3
    assert "spaces" in finding["hint"]


def test_utf8_byte_order_mark_is_accepted(invoke, write) -> None:
    write("bom.mail.yaml", b"\xef\xbb\xbf" + GOOD_PROFILE.encode())
    result = invoke("check", "--format", "json", "bom.mail.yaml")
    assert result.exit_code == 0, result.stdout
    assert result.json()["summary"]["profiles"] == 1


def test_yaml_bomb_is_refused_quickly(invoke, write) -> None:
    levels = ['a0: &a0 ["x", "x", "x", "x", "x", "x", "x", "x", "x"]']
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    write("bomb.mail.yaml", "version: 1\nx-bomb:\n" + "".join(f"  {line}\n" for line in levels) + "profiles: {}\n")
    started = time.perf_counter()
    finding = mc001(invoke("check", "--format", "json", "bomb.mail.yaml"))
    assert time.perf_counter() - started < 5
    assert "YAML bomb" in finding["hint"]


def test_deep_nesting_is_refused_without_recursion_error(invoke, write) -> None:
    write("deep.mail.yaml", "version: 1\nprofiles: " + "[" * 100_000 + "]" * 100_000 + "\n")
    started = time.perf_counter()
    finding = mc001(invoke("check", "--format", "json", "deep.mail.yaml"))
    assert time.perf_counter() - started < 5
    assert "deeper than" in finding["message"]


def test_oversized_file_is_refused_without_reading_it(invoke, tmp_path: Path) -> None:
    big = tmp_path / "huge.mail.yaml"
    with big.open("wb") as handle:
        handle.write(b"version: 1\nprofiles: {}\n")
        handle.truncate(50 * 1024 * 1024)  # 50 MB, sparse: fast to make
    started = time.perf_counter()
    finding = mc001(invoke("check", "--format", "json", "huge.mail.yaml"))
    assert time.perf_counter() - started < 2
    assert "MiB" in finding["message"]


def test_dangling_symlink_is_a_one_line_usage_error(invoke, tmp_path: Path) -> None:
    (tmp_path / "gone.mail.yaml").symlink_to(tmp_path / "deleted.yaml")
    result = invoke("check", "gone.mail.yaml")
    assert result.exit_code == 2
    assert result.stderr == "mailcheck: error: no such file or directory: gone.mail.yaml\n"


def test_fifo_is_refused_instead_of_blocking(invoke, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.mail.yaml")  # reading it would wait forever for a writer
    started = time.perf_counter()
    finding = mc001(invoke("check", "--format", "json", "pipe.mail.yaml"))
    assert time.perf_counter() - started < 2
    assert "not a regular file" in finding["message"]


def test_directory_without_profiles_is_a_usage_error(invoke, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = invoke("check", "empty")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "no profile files" in result.stderr


def test_missing_path_is_a_usage_error(invoke) -> None:
    result = invoke("check", "nowhere.mail.yaml")
    assert result.exit_code == 2
    assert result.stderr == "mailcheck: error: no such file or directory: nowhere.mail.yaml\n"


def test_checking_never_changes_the_file(invoke, write) -> None:
    original = b"version: 1\nprofiles:\n  a: {protocol: smtp, host: 'smtp://x', security: tls, port: 587}\n"
    path = write("a.mail.yaml", original)
    before = path.stat().st_mtime_ns
    invoke("check", "a.mail.yaml")
    assert path.read_bytes() == original
    assert path.stat().st_mtime_ns == before

"""Bad input is a finding (MC001) or a one-line error with exit 2: never a traceback,
never unbounded time or memory, never a change to the file."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.cli_run import GOOD as GOOD_PROFILE


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


def test_a_large_plain_file_is_not_taken_for_a_yaml_bomb(tmp_path: Path) -> None:
    # before: the alias bound counted each node once per enclosing level, so 20,000-30,000
    # plain profiles (no alias at all) were refused as a YAML bomb
    from mailcheck.loader import MAX_FILE_BYTES, read_document

    body = "".join(
        f"  p{i}: {{protocol: smtp, host: h{i}.example.com, security: tls, auth: {{username: u{i}, password: {{env: PW}}}}}}\n"
        for i in range(50_000)
    )
    path = tmp_path / "many.mail.yaml"
    path.write_text("version: 1\nprofiles:\n" + body, encoding="utf-8")
    assert path.stat().st_size < MAX_FILE_BYTES
    assert len(read_document(path).data["profiles"]) == 50_000


def test_aliases_that_repeat_a_little_are_fine_and_a_bomb_is_refused_early(tmp_path: Path) -> None:
    from mailcheck.loader import UnreadableDocument, read_document

    shared = "x-base: &base {protocol: smtp, host: h.example.com, security: tls}\n"
    profiles = "".join(f"  p{i}: *base\n" for i in range(5_000))
    fine = tmp_path / "fine.mail.yaml"
    fine.write_text(shared + "version: 1\nprofiles:\n" + profiles, encoding="utf-8")
    assert len(read_document(fine).data["profiles"]) == 5_000
    levels = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    levels += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    bomb = tmp_path / "bomb.mail.yaml"
    bomb.write_text("version: 1\nx-bomb:\n" + "".join(f"  {line}\n" for line in levels) + "profiles: {}\n")
    with pytest.raises(UnreadableDocument) as refused:
        read_document(bomb)
    assert "YAML bomb" in refused.value.problem.hint
    expanded = int(refused.value.problem.message.split(" nodes")[0].split()[-1].replace(",", ""))
    assert expanded < 1_000_000  # counted, not built: refused long before its 10**9 nodes


@pytest.mark.parametrize(
    "name",
    [b"caf\xe9.mail.yaml", b"two\nlines.mail.yaml", b"esc\x1b[31m.mail.yaml"],
    ids=["latin-1 byte", "newline", "escape sequence"],
)
def test_any_file_name_works_in_every_format(invoke, tmp_path: Path, name: bytes) -> None:
    # before: a name that is not UTF-8 gave a traceback in sarif, gitlab and --output
    path = os.fsdecode(tmp_path / os.fsdecode(name))
    Path(path).write_text(GOOD_PROFILE.replace("port: 587", "port: 465"), encoding="utf-8")
    for output_format in ("text", "json", "github", "sarif", "gitlab", "junit"):
        result = invoke("check", "--format", output_format, ".")
        assert result.exit_code == 1, (output_format, result.stderr)
        assert "Traceback" not in result.stderr
        assert "\x1b" not in result.stdout and "\udce9" not in result.stdout
        if output_format == "text":
            shown = result.stdout.splitlines()[0]
            assert shown.startswith(name.decode("ascii", "replace").split("\n")[0][:3])
            assert shown.count(".mail.yaml:") == 1  # one line: the name cannot forge another
    result = invoke("check", ".", "--output", "sarif:out.sarif")
    assert result.exit_code == 1 and (tmp_path / "out.sarif").is_file()
    assert not list(tmp_path.glob(".*.tmp"))
    uris = [
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in __import__("json").loads((tmp_path / "out.sarif").read_text())["runs"][0]["results"]
    ]
    from urllib.parse import unquote_to_bytes

    assert {unquote_to_bytes(u) for u in uris} == {name}  # the URI names the file's real bytes


def test_control_characters_from_a_file_never_reach_the_terminal(invoke, write) -> None:
    write(
        "a.mail.yaml",
        'version: 1\nprofiles:\n  "\\e[2J\\e[31mnice":\n    protocol: smtp\n    host: "h\\e]0;x\\a"\n    security: tls\n',
    )
    result = invoke("check", "a.mail.yaml")
    assert result.exit_code == 1
    assert not any(c in result.stdout for c in "\x1b\x07")
    assert "\\x1b[2J" in result.stdout


def test_long_keys_cost_time_linear_in_their_length(invoke, write) -> None:
    # the misspelt-secret-key search is an edit distance: on a key of 280,000 letters that
    # hold every letter of "password" it took over a second a key; now long keys skip it
    keys = "".join(f"    ? {'pawsord' * 40_000}{i}\n    : 1\n" for i in range(6))
    write(
        "long.mail.yaml",
        "version: 1\nprofiles:\n  a:\n    protocol: smtp\n    host: h.example.com\n    security: tls\n" + keys,
    )
    started = time.perf_counter()
    result = invoke("check", "--format", "json", "long.mail.yaml")
    assert time.perf_counter() - started < 5
    assert [f["rule"] for f in result.json()["findings"]].count("MC102") == 6

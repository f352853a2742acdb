"""Project configuration and suppression comments."""

from __future__ import annotations

from tests.core.conftest import GOOD_PROFILE

CLEARTEXT_RELAY = """\
version: 1
profiles:
  relay:
    protocol: smtp
    host: relay.example.com
    port: 25
    security: none{comment}
    from: {{address: app@example.com}}
"""


def relay(comment: str = "") -> str:
    return CLEARTEXT_RELAY.format(comment=comment)


def test_disable_line_with_reason_silences_that_rule_on_that_line(invoke, write) -> None:
    write("r.mail.yaml", relay("  # mailcheck: disable-line MC205 -- relay on the private network"))
    result = invoke("check", "--format", "json", "--fail-on", "info", "r.mail.yaml")
    assert result.rules == []
    assert result.exit_code == 0


def test_disable_line_for_another_rule_keeps_the_finding(invoke, write) -> None:
    write("r.mail.yaml", relay("  # mailcheck: disable-line MC204"))
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == ["MC205"]


def test_disable_line_accepts_rule_names(invoke, write) -> None:
    write("r.mail.yaml", relay("  # mailcheck: disable-line cleartext-transport"))
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


def test_disable_next_line(invoke, write) -> None:
    text = relay().replace("    security: none", "    # mailcheck: disable-next-line MC205\n    security: none")
    write("r.mail.yaml", text)
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


def test_disable_next_line_does_not_reach_further(invoke, write) -> None:
    text = relay().replace("    port: 25", "    # mailcheck: disable-next-line MC205\n    port: 25")
    write("r.mail.yaml", text)
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == ["MC205"]


def test_disable_file_anywhere_in_the_file(invoke, write) -> None:
    write("r.mail.yaml", relay() + "# mailcheck: disable-file MC205, MC203\n")
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


def test_pyproject_config_disables_and_changes_severity(invoke, write) -> None:
    write("r.mail.yaml", relay())
    write("pyproject.toml", '[tool.mailcheck]\nseverity = {MC205 = "error"}\n')
    result = invoke("check", "--format", "json", "r.mail.yaml")
    assert result.json()["findings"][0]["severity"] == "error"
    assert result.exit_code == 1
    write("pyproject.toml", '[tool.mailcheck]\ndisable = ["cleartext-transport"]\n')
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


def test_mailcheck_yaml_config_fail_on_is_found_from_a_subdirectory(invoke, write, tmp_path, monkeypatch) -> None:
    write("conf/r.mail.yaml", relay())
    write(".mailcheck.yaml", "fail-on: warning\n")
    monkeypatch.chdir(tmp_path / "conf")
    assert invoke("check", "r.mail.yaml").exit_code == 1


def test_command_line_fail_on_overrides_config(invoke, write) -> None:
    write("r.mail.yaml", relay())
    write(".mailcheck.yaml", "fail-on: warning\n")
    assert invoke("check", "--fail-on", "error", "r.mail.yaml").exit_code == 0


def test_config_lookup_stops_at_the_repository_root(invoke, write, tmp_path, monkeypatch) -> None:
    # a settings file above the repository belongs to another project
    project = tmp_path / "outer" / "repo"
    write("outer/.mailcheck.yaml", "fail-on: warning\n")
    write("outer/repo/r.mail.yaml", relay())
    (project / ".git").mkdir()
    monkeypatch.chdir(project)
    assert invoke("check", "r.mail.yaml").exit_code == 0


def test_broken_config_is_a_one_line_error_with_exit_2(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    for text, words in [
        ("fail-on: sometimes\n", "'sometimes' is not error, warning or info"),
        ("disable: [MC999]\n", "unknown rule 'MC999'"),
        ("colour: true\n", "unknown setting 'colour'"),
        ("fail-on: [\n", "YAML syntax error"),
    ]:
        write(".mailcheck.yaml", text)
        result = invoke("check", "ok.mail.yaml")
        assert result.exit_code == 2, text
        assert result.stderr.count("\n") == 1 and words in result.stderr, result.stderr


def test_broken_pyproject_is_a_one_line_error(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    write("pyproject.toml", "[tool.mailcheck\n")
    result = invoke("check", "ok.mail.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("mailcheck: error: ") and result.stderr.count("\n") == 1


def test_a_directive_inside_a_quoted_value_suppresses_nothing(invoke, write) -> None:
    # before: the text of a value was read as a comment, so a value could switch checks off
    text = relay().replace(
        "    from:", '    description: "see wiki#mailcheck: disable-file MC205 -- on the wiki"\n    from:'
    )
    write("r.mail.yaml", text)
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == ["MC205"]


def test_a_directive_inside_a_block_scalar_suppresses_nothing(invoke, write) -> None:
    text = relay().replace(
        "    from:", "    description: |\n      notes\n      # mailcheck: disable-file MC205\n    from:"
    )
    write("r.mail.yaml", text)
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == ["MC205"]


def test_a_real_comment_after_a_value_holding_a_hash_still_suppresses(invoke, write) -> None:
    text = relay("  # mailcheck: disable-line MC205").replace(
        "    security: none", '    description: "a # b"\n    security: none'
    )
    write("r.mail.yaml", text)
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


def test_every_malformed_config_shape_is_a_one_line_error(invoke, write) -> None:
    # before: `tool = "x"` and deeply nested arrays gave a traceback
    write("ok.mail.yaml", GOOD_PROFILE)
    for text in [
        'tool = "x"\n',
        "[tool.mailcheck]\ndisable = " + "[" * 3000 + "]" * 3000 + "\n",
        "[tool.mailcheck]\ndisable = [[1]]\n",
        "[tool.mailcheck]\ndisable = 5\n",
        "[tool.mailcheck]\nseverity = {MC201 = [1]}\n",
        "[tool.mailcheck]\nfail-on = 3\n",
        "tool = [1, 2]\n",
    ]:
        write("pyproject.toml", text)
        result = invoke("check", "--config", "pyproject.toml", "ok.mail.yaml")
        assert result.exit_code == 2, text
        assert "Traceback" not in result.stderr
        assert result.stderr.startswith("mailcheck: error: ") and result.stderr.count("\n") == 1, result.stderr


def test_every_malformed_yaml_config_shape_is_a_one_line_error(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    for text in ["disable: [{a: b}]\n", "severity: {MC201: [error]}\n", "fail-on: {x: 1}\n", "disable: MC201\n"]:
        write(".mailcheck.yaml", text)
        result = invoke("check", "ok.mail.yaml")
        assert result.exit_code == 2, text
        assert result.stderr.startswith("mailcheck: error: ") and result.stderr.count("\n") == 1, result.stderr

"""Project configuration and suppression comments."""

from __future__ import annotations

from tests.cli_run import GOOD as GOOD_PROFILE

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
    assert invoke("check", "--format", "json", "--disable", "MC004", "r.mail.yaml").rules == ["MC205"]


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
    assert invoke("check", "--format", "json", "--disable", "unused-suppression", "r.mail.yaml").rules == ["MC205"]


def test_disable_file_anywhere_in_the_file(invoke, write) -> None:
    write("r.mail.yaml", relay() + "# mailcheck: disable-file MC205, MC206\n")
    assert invoke("check", "--format", "json", "--disable", "MC004", "r.mail.yaml").rules == []


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


# --- --disable ------------------------------------------------------------------------

MISMATCH = GOOD_PROFILE.replace("security: starttls", "security: tls")  # MC201 on port 587


def test_disable_takes_several_rules_separated_by_commas(invoke, write) -> None:
    # before: "unknown rule 'MC201,MC205'", although suppression comments take commas
    write("bad.mail.yaml", MISMATCH)
    write("r.mail.yaml", relay())
    result = invoke(
        "check", "--format", "json", "--disable", "MC201,cleartext-transport", "bad.mail.yaml", "r.mail.yaml"
    )
    assert result.exit_code == 0, result.stderr
    assert result.rules == []
    assert invoke("check", "--format", "json", "--disable", "MC201, MC205", "bad.mail.yaml", "r.mail.yaml").rules == []


def test_disable_repeated_adds_up(invoke, write) -> None:
    write("bad.mail.yaml", MISMATCH)
    write("r.mail.yaml", relay())
    args = ("check", "--format", "json", "bad.mail.yaml", "r.mail.yaml")
    assert invoke(*args, "--disable", "MC201").rules == ["MC205"]
    assert invoke(*args, "--disable", "MC201", "--disable", "cleartext-transport").rules == []


def test_disable_with_an_unknown_rule_among_several_is_a_one_line_error(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    result = invoke("check", "--disable", "MC201,MC2O5", "ok.mail.yaml")
    assert result.exit_code == 2
    assert result.stderr == "mailcheck: error: --disable: unknown rule 'MC2O5' (see `mailcheck rules`)\n"


# --- suppression hygiene, configured like any rule ------------------------------------

STALE = relay().replace("    port: 25", "    port: 25   # mailcheck: disable-line MC203 -- was 2525")


def test_unused_suppression_is_an_info_that_fails_only_at_fail_on_info(invoke, write) -> None:
    write("r.mail.yaml", STALE)
    result = invoke("check", "--format", "json", "--disable", "MC205", "r.mail.yaml")
    (finding,) = result.json()["findings"]
    assert (finding["rule"], finding["severity"], finding["line"]) == ("MC004", "info", 6)
    assert result.exit_code == 0
    assert invoke("check", "--fail-on", "info", "--disable", "MC205", "r.mail.yaml").exit_code == 1


def test_unused_suppression_severity_and_disable_come_from_the_configuration(invoke, write) -> None:
    write("r.mail.yaml", STALE)
    write(".mailcheck.yaml", "disable: [MC205]\nseverity: {unused-suppression: warning}\nfail-on: warning\n")
    result = invoke("check", "--format", "json", "r.mail.yaml")
    assert [(f["rule"], f["severity"]) for f in result.json()["findings"]] == [("MC004", "warning")]
    assert result.exit_code == 1
    write(".mailcheck.yaml", "disable: [MC205, MC004]\n")
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


def test_a_suppression_of_a_rule_disabled_on_the_command_line_is_not_unused(invoke, write) -> None:
    write("r.mail.yaml", relay("  # mailcheck: disable-line MC205"))
    assert invoke("check", "--format", "json", "--disable", "MC205", "r.mail.yaml").rules == []


def test_invalid_suppression_can_be_disabled_and_raised(invoke, write) -> None:
    write("r.mail.yaml", relay("  # mailcheck: disable-line MC205, MC2O4"))
    result = invoke("check", "--format", "json", "r.mail.yaml")
    assert [(f["rule"], f["severity"]) for f in result.json()["findings"]] == [("MC003", "warning")]
    write(".mailcheck.yaml", "severity: {MC003: error}\n")
    assert invoke("check", "r.mail.yaml").exit_code == 1
    write(".mailcheck.yaml", "disable: [invalid-suppression]\n")
    assert invoke("check", "--format", "json", "r.mail.yaml").rules == []


# --- configuration files ----------------------------------------------------------------


def test_config_named_toml_is_read_as_toml_with_top_level_keys(invoke, write) -> None:
    # before: parsed as YAML, "did not find expected <document start>"
    write("r.mail.yaml", relay())
    write("ci/mailcheck.toml", 'disable = ["MC205"]\n# a comment\n')
    result = invoke("check", "--format", "json", "--config", "ci/mailcheck.toml", "r.mail.yaml")
    assert result.exit_code == 0, result.stderr
    assert result.rules == []
    write("ci/strict.toml", 'fail-on = "warning"\n')
    assert invoke("check", "--config", "ci/strict.toml", "r.mail.yaml").exit_code == 1


def test_a_toml_config_with_a_tool_table_is_read_like_pyproject(invoke, write) -> None:
    write("r.mail.yaml", relay())
    write("ci/shared.toml", '[project]\nname = "x"\n\n[tool.mailcheck]\ndisable = ["MC205"]\n')
    assert invoke("check", "--format", "json", "--config", "ci/shared.toml", "r.mail.yaml").rules == []
    write("ci/other.toml", "[tool.ruff]\nline-length = 100\n")
    result = invoke("check", "--config", "ci/other.toml", "r.mail.yaml")
    assert result.exit_code == 2 and "no [tool.mailcheck] table" in result.stderr


def test_pyproject_given_with_config_but_without_the_table_is_a_one_line_error(invoke, write) -> None:
    # before: silently ignored, so the run used no settings at all
    write("ok.mail.yaml", GOOD_PROFILE)
    write("elsewhere/pyproject.toml", '[project]\nname = "x"\n')
    result = invoke("check", "--config", "elsewhere/pyproject.toml", "ok.mail.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("mailcheck: error: elsewhere/pyproject.toml: no [tool.mailcheck] table")
    assert result.stderr.count("\n") == 1


def test_an_empty_mailcheck_yaml_means_the_defaults(invoke, write) -> None:
    # before: "the top level is empty, not a mapping", exit 2
    write("r.mail.yaml", relay())
    for text in ["", "\n\n", "# settings come later\n", "---\n"]:
        write(".mailcheck.yaml", text)
        result = invoke("check", "--format", "json", "r.mail.yaml")
        assert result.exit_code == 0, (text, result.stderr)
        assert result.rules == ["MC205"]
        assert invoke("check", "--config", ".mailcheck.yaml", "r.mail.yaml").exit_code == 0


def test_a_mailcheck_yaml_that_is_not_a_mapping_is_a_one_line_error(invoke, write) -> None:
    write("ok.mail.yaml", GOOD_PROFILE)
    for text in ["- MC201\n", "just some words\n", "42\n"]:
        write(".mailcheck.yaml", text)
        result = invoke("check", "ok.mail.yaml")
        assert result.exit_code == 2, text
        assert result.stderr.startswith("mailcheck: error: ") and result.stderr.count("\n") == 1
        assert ".mailcheck.yaml:1:1: the top level is" in result.stderr and "not a mapping" in result.stderr


def test_a_pyproject_mentioning_the_table_only_in_a_comment_does_not_stop_the_search(
    invoke, write, tmp_path, monkeypatch
) -> None:
    # before: the text "tool.mailcheck" was enough, and the real settings above were never read
    write(".mailcheck.yaml", "fail-on: warning\n")
    write(
        "app/pyproject.toml",
        '# mailcheck settings: see ../.mailcheck.yaml, not [tool.mailcheck]\n[project]\nname = "app"\n',
    )
    write("app/r.mail.yaml", relay())
    monkeypatch.chdir(tmp_path / "app")
    assert invoke("check", "r.mail.yaml").exit_code == 1


def test_dotted_keys_under_tool_are_the_mailcheck_table(invoke, write) -> None:
    # before: `[tool]` + `mailcheck.disable = [...]` was not found, silently
    write("r.mail.yaml", relay())
    write("pyproject.toml", '[tool]\nmailcheck.disable = ["MC205"]\nmailcheck.fail-on = "info"\n')
    result = invoke("check", "--format", "json", "r.mail.yaml")
    assert result.rules == [] and result.exit_code == 0


def test_a_broken_pyproject_met_in_the_search_is_an_error_only_if_it_mentions_mailcheck(
    invoke, write, tmp_path, monkeypatch
) -> None:
    write(".mailcheck.yaml", "fail-on: warning\n")
    write("app/r.mail.yaml", relay())
    monkeypatch.chdir(tmp_path / "app")
    write("app/pyproject.toml", "[project\n")  # not ours: never parsed
    assert invoke("check", "r.mail.yaml").exit_code == 1
    write("app/pyproject.toml", "[tool.mailcheck\n")  # may hold the settings meant: as ruff, an error
    result = invoke("check", "r.mail.yaml")
    assert result.exit_code == 2
    assert result.stderr.startswith("mailcheck: error: ") and "not valid TOML" in result.stderr
    assert result.stderr.count("\n") == 1


def test_mailcheck_yaml_wins_over_pyproject_in_the_same_folder(invoke, write) -> None:
    write("r.mail.yaml", relay())
    write(".mailcheck.yaml", "fail-on: warning\n")
    write("pyproject.toml", '[tool.mailcheck]\ndisable = ["MC205"]\n')
    result = invoke("check", "--format", "json", "r.mail.yaml")
    assert result.rules == ["MC205"] and result.exit_code == 1


def test_the_nearest_folder_wins(invoke, write, tmp_path, monkeypatch) -> None:
    write("r.mail.yaml", relay())
    write(".mailcheck.yaml", "fail-on: warning\n")
    write("app/pyproject.toml", '[tool.mailcheck]\ndisable = ["MC205"]\n')
    monkeypatch.chdir(tmp_path / "app")
    result = invoke("check", "--format", "json", "../r.mail.yaml")
    assert result.rules == [] and result.exit_code == 0


def test_config_option_overrides_the_search(invoke, write) -> None:
    write("r.mail.yaml", relay())
    write(".mailcheck.yaml", "disable: [MC205]\n")
    write("strict.yaml", "fail-on: warning\n")
    result = invoke("check", "--format", "json", "--config", "strict.yaml", "r.mail.yaml")
    assert result.rules == ["MC205"] and result.exit_code == 1


def test_explain_shows_settings_that_load_in_both_files(invoke, write, tmp_path) -> None:
    # before: `disable = ["MC201"]` (TOML) was to go into .mailcheck.yaml (YAML)
    import re

    text = invoke("explain", "MC201").stdout
    suppress = text.split("## How to suppress", 1)[1]
    yaml_block = re.search(r"`\.mailcheck\.yaml`.*?```yaml\n(.*?)```", suppress, re.DOTALL)
    toml_block = re.search(r"`pyproject\.toml`.*?```toml\n(.*?)```", suppress, re.DOTALL)
    assert yaml_block and toml_block, suppress
    write("bad.mail.yaml", MISMATCH)
    assert invoke("check", "--format", "json", "bad.mail.yaml").rules == ["MC201"]
    (tmp_path / ".mailcheck.yaml").write_text(yaml_block[1], encoding="utf-8")
    assert invoke("check", "--format", "json", "bad.mail.yaml").rules == []
    (tmp_path / ".mailcheck.yaml").unlink()
    (tmp_path / "pyproject.toml").write_text(toml_block[1], encoding="utf-8")
    result = invoke("check", "--format", "json", "bad.mail.yaml")
    assert result.rules == [] and result.exit_code == 0

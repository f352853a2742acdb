"""MC001-MC103: the file must be one UTF-8 YAML mapping in the version 1 format."""

from __future__ import annotations

import pytest

SENDER = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
    from: {address: app@example.com}
"""


def test_the_baseline_profile_used_below_is_clean(lint):
    run = lint(SENDER)
    assert run.rules == []
    assert run.exit_code == 0


# --- MC001 invalid-yaml --------------------------------------------------------------


def test_mc001_a_tab_used_for_indentation_is_reported_where_the_tab_is(lint):
    run = lint(SENDER.replace("  outgoing:", "\toutgoing:"))
    finding = run.only("MC001")
    assert finding.at == run.spot("\toutgoing:", "\t")
    assert "tab" in finding.message
    assert "indent with spaces" in finding.hint
    assert run.exit_code == 1


def test_mc001_the_same_file_indented_with_spaces_is_valid(lint):
    assert lint(SENDER).rules == []


def test_mc001_latin1_bytes_are_reported_at_the_byte_with_its_value(lint):
    source = SENDER.encode() + "    description: Caf\xe9 orders\n".encode("latin-1")
    run = lint(source)
    finding = run.only("MC001")
    assert finding.at == (9, len("    description: Caf") + 1)
    assert "0xE9" in finding.message and "UTF-8" in finding.message
    assert "utf-8" in finding.hint.lower()


def test_mc001_the_same_text_encoded_as_utf8_is_valid(lint):
    run = lint((SENDER + "    description: Caf\xe9 orders\n").encode("utf-8"))
    assert run.rules == []


def test_mc001_a_utf8_byte_order_mark_is_accepted(lint):
    assert lint(b"\xef\xbb\xbf" + SENDER.encode()).rules == []


def test_mc001_binary_data_is_reported_not_parsed(lint):
    run = lint(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    finding = run.only("MC001")
    assert "binary" in finding.message


def test_mc001_a_second_document_is_reported_at_its_separator(lint):
    run = lint(SENDER + "---\nversion: 1\n")
    finding = run.only("MC001")
    assert finding.at == run.spot("---")
    assert "more than one" in finding.message
    assert "---" in finding.hint


def test_mc001_an_alias_without_anchor_is_reported_at_the_alias(lint):
    run = lint(SENDER + "    tls: *strict-tls\n")
    finding = run.only("MC001")
    assert finding.at == run.spot("tls: *strict-tls", "*strict-tls")
    assert "*strict-tls" in finding.message
    assert "&strict-tls" in finding.hint


def test_mc001_a_python_tag_is_refused_and_never_run(lint, tmp_path):
    marker = tmp_path / "pwned"
    run = lint(SENDER + f'    description: !!python/object/apply:os.system ["touch {marker}"]\n')
    finding = run.only("MC001")
    assert "tag:yaml.org,2002:python/object/apply:os.system" in finding.message
    assert not marker.exists()


@pytest.mark.parametrize("source", ["", "---\n", "- version: 1\n", "just some text\n"])
def test_mc001_a_top_level_that_is_not_a_mapping_is_reported(lint, source):
    finding = lint(source).only("MC001")
    assert finding.at == (1, 1)
    assert "not a mapping" in finding.message
    assert "version: 1" in finding.hint


# --- MC002 duplicate-key -------------------------------------------------------------


def test_mc002_a_repeated_key_is_reported_at_the_repeat_naming_the_first_line(lint):
    run = lint(SENDER + "    port: 587  # again\n")
    finding = run.only("MC002")
    assert finding.at == run.spot("port: 587  # again", "port")
    assert "'port'" in finding.message and "line 6" in finding.message
    assert "remove one" in finding.hint


def test_mc002_a_key_written_next_to_a_merge_overrides_it_and_is_no_repeat(lint):
    run = lint(
        """
        version: 1
        x-smtp: &smtp
          protocol: smtp
          host: smtp.example.com
          port: 465
          security: tls
        profiles:
          outgoing:
            <<: *smtp
            port: 587
            security: starttls
            from: {address: app@example.com}
        """
    )
    assert run.rules == []


def test_mc002_a_repeated_profile_name_is_reported(lint):
    run = lint(SENDER + "  outgoing:\n    protocol: imap\n    host: imap.example.com\n    security: tls\n")
    finding = run.only("MC002")
    assert finding.at == (9, 3)
    assert "'outgoing'" in finding.message and "line 3" in finding.message


# --- MC101 schema-violation ----------------------------------------------------------


def test_mc101_a_quoted_port_is_text_and_the_hint_removes_the_quotes(lint):
    run = lint(SENDER.replace("port: 587", 'port: "587"'))
    finding = run.only("MC101")
    assert finding.at == run.spot('port: "587"', '"587"')
    assert finding.path == "profiles.outgoing.port"
    assert "'587'" in finding.message
    assert "remove the quotes: port: 587" in finding.hint


def test_mc101_a_port_beyond_65535_names_the_range(lint):
    run = lint(SENDER.replace("port: 587", "port: 70000"))
    finding = run.only("MC101")
    assert finding.at == run.spot("port: 70000", "70000")
    assert "70000" in finding.message
    assert "1 to 65535" in finding.hint


def test_mc101_security_ssl_suggests_tls(lint):
    run = lint(SENDER.replace("port: 587", "port: 465").replace("security: starttls", "security: ssl"))
    finding = run.only("MC101")
    assert finding.at == run.spot("security: ssl", "ssl")
    assert "'ssl'" in finding.message
    assert "did you mean 'tls'?" in finding.hint


def test_mc101_an_unquoted_tls_version_is_a_number_and_the_hint_quotes_it(lint):
    run = lint(SENDER + "    tls: {min_version: 1.2}\n")
    finding = run.only("MC101")
    assert finding.at == run.spot("min_version: 1.2", "1.2")
    assert "1.2" in finding.message
    assert 'min_version: "1.2"' in finding.hint


def test_mc101_yes_is_not_a_boolean_in_yaml_1_2(lint):
    run = lint(SENDER + "    tls: {verify: yes}\n")
    finding = run.only("MC101")
    assert finding.at == run.spot("verify: yes", "yes")
    assert "'yes'" in finding.message
    assert "true or false" in finding.hint


def test_mc101_a_missing_required_field_is_reported_at_its_profile(lint):
    run = lint(SENDER.replace("    security: starttls\n", ""))
    finding = run.only("MC101")
    assert finding.at == run.spot("outgoing:")
    assert "'security'" in finding.message
    assert "add `security: starttls`" in finding.hint


def test_mc101_a_profile_name_outside_the_pattern_is_reported_at_the_name(lint):
    run = lint(SENDER.replace("  outgoing:", "  -outgoing:"))
    finding = run.only("MC101")
    assert finding.at == run.spot("-outgoing:")
    assert "'-outgoing'" in finding.message
    assert "starting with a letter or digit" in finding.hint


def test_mc101_a_timeout_of_zero_is_out_of_range(lint):
    run = lint(SENDER + "    timeout: 0\n")
    finding = run.only("MC101")
    assert finding.at == run.spot("timeout: 0", "0")
    assert "range" in finding.hint


def test_mc101_the_closest_valid_values_pass(lint):
    run = lint(SENDER + '    tls: {min_version: "1.2", verify: true}\n    timeout: 0.5\n')
    assert run.rules == []


# --- MC102 unknown-key ---------------------------------------------------------------


def test_mc102_a_misspelt_key_suggests_the_right_one(lint):
    run = lint(SENDER.replace("security: starttls", "secuirty: starttls"))
    finding = run.finding("MC102")  # MC101 also says that `security` is now missing
    assert finding.at == run.spot("secuirty:")
    assert "'secuirty'" in finding.message
    assert "did you mean 'security'?" in finding.hint


@pytest.mark.parametrize(
    ("line", "spelling"),
    [
        ("ssl: true", "security: tls"),
        ("use_tls: true", "security: starttls"),
        ("starttls: true", "security: starttls"),
        ("secure: true", "security: tls"),
    ],
)
def test_mc102_another_tools_tls_switch_is_told_the_security_key(lint, line, spelling):
    run = lint(SENDER + f"    {line}\n")
    finding = run.only("MC102")
    key = line.split(":")[0]
    assert finding.at == run.spot(line, key)
    assert f"'{key}'" in finding.message
    assert spelling in finding.hint


def test_mc102_from_on_an_imap_profile_is_smtp_only(lint):
    run = lint(
        """
        version: 1
        profiles:
          inbox:
            protocol: imap
            host: imap.example.com
            security: tls
            from: {address: app@example.com}
        """
    )
    finding = run.only("MC102")
    assert finding.at == run.spot("from:")
    assert "smtp profiles only" in finding.hint


def test_mc102_a_top_level_key_of_ones_own_needs_the_x_prefix(lint):
    run = lint(SENDER.replace("profiles:", "defaults: {timeout: 30}\nprofiles:"))
    finding = run.only("MC102")
    assert finding.at == run.spot("defaults:")
    assert "'defaults'" in finding.message
    assert "`x-`" in finding.hint


def test_mc102_a_top_level_x_key_is_the_users_and_ignored(lint):
    assert lint(SENDER.replace("profiles:", "x-defaults: {timeout: 30}\nprofiles:")).rules == []


# --- MC103 unsupported-version -------------------------------------------------------


def test_mc103_version_2_is_reported_at_the_value(lint):
    run = lint(SENDER.replace("version: 1", "version: 2"))
    finding = run.only("MC103")
    assert finding.at == run.spot("version: 2", "2")
    assert "version" in finding.message
    assert "version: 1" in finding.hint


def test_mc103_a_file_without_version_is_reported(lint):
    run = lint(SENDER.replace("version: 1\n", ""))
    finding = run.only("MC103")
    assert finding.at == (1, 1)
    assert "version: 1" in finding.hint


def test_mc103_a_quoted_version_is_not_the_number_1(lint):
    run = lint(SENDER.replace("version: 1", 'version: "1"'))
    assert run.only("MC103").at == run.spot('version: "1"', '"1"')

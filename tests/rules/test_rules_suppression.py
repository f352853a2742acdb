"""MC003-MC004: suppression comments that cannot work, and suppressions that hide nothing."""

from __future__ import annotations

# MC205 (cleartext transport) on the security line, nothing else
RELAY = """\
version: 1
profiles:
  relay:
    protocol: smtp
    host: relay.example.com
    port: 25
    security: none{comment}
    from: {{address: cron@example.com}}
"""
# no finding at all
SENDER = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 587{comment}
    security: starttls
    from: {{address: app@example.com}}
"""


def relay(comment: str = "") -> str:
    return RELAY.format(comment=comment)


def sender(comment: str = "") -> str:
    return SENDER.format(comment=comment)


# --- MC003 invalid-suppression -------------------------------------------------------


def test_mc003_an_unknown_rule_is_a_warning_at_the_rule_with_a_suggestion(lint):
    # before: the mistyped ID was dropped silently and the rest of the comment applied
    run = lint(relay("   # mailcheck: disable-line MC205, MC2O5 -- private network"))
    finding = run.only("MC003")
    assert finding.severity == "warning"
    assert finding.at == run.spot("security: none", "MC2O5")
    assert "unknown rule 'MC2O5'" in finding.message
    assert "did you mean MC205 (cleartext-transport)?" in finding.hint
    assert finding.profile is None and run.exit_code == 0


def test_mc003_a_misspelt_rule_name_is_reported_and_the_rule_stays(lint):
    run = lint(relay("   # mailcheck: disable-line cleartext-transprot"))
    finding = run.finding("MC003")
    assert finding.at == run.spot("security: none", "cleartext-transprot")
    assert "did you mean MC205 (cleartext-transport)?" in finding.hint
    assert sorted(run.rules) == ["MC003", "MC205"]


def test_mc003_an_unknown_directive_is_reported_at_the_word_with_the_valid_forms(lint):
    run = lint(relay("   # mailcheck: disable MC205"))
    finding = run.finding("MC003")
    assert finding.at == run.spot("# mailcheck: disable MC205", "disable")
    assert "unknown suppression directive 'disable'" in finding.message
    assert "disable-line" in finding.hint and "disable-next-line" in finding.hint and "disable-file" in finding.hint
    assert sorted(run.rules) == ["MC003", "MC205"]  # nothing was suppressed


def test_mc003_a_directive_naming_no_rule_is_reported_at_the_hash(lint):
    source = sender().replace("    security:", "    # mailcheck: disable-next-line -- later\n    security:")
    run = lint(source)
    finding = run.only("MC003")
    assert finding.at == run.spot("# mailcheck: disable-next-line", "#")
    assert "names no rule" in finding.message
    assert "# mailcheck: disable-line MC205 -- reason" in finding.hint


def test_mc003_a_comment_with_no_directive_after_the_marker_is_reported(lint):
    run = lint(sender("   # mailcheck:"))
    finding = run.only("MC003")
    assert finding.at == run.spot("# mailcheck:", "#")
    assert "without a directive" in finding.message


def test_mc003_a_valid_directive_is_not_reported(lint):
    assert lint(relay("   # mailcheck: disable-line MC205 -- relay on the private network")).rules == []


def test_mc003_prose_that_mentions_a_directive_is_not_one(lint):
    # a code span or a word before the marker: the comment documents the syntax
    source = "# write `# mailcheck: disable-lin MC205` on the line\n# see mailcheck: docs\n" + sender()
    assert lint(source).rules == []


def test_mc003_a_directive_inside_a_quoted_value_is_not_reported(lint):
    run = lint(sender().replace("    security:", '    description: "# mailcheck: disable MC2O5"\n    security:'))
    assert run.rules == []


def test_mc003_can_be_suppressed_on_its_own_line(lint):
    assert lint(sender("   # mailcheck: disable-line MC2O3, MC003")).rules == []


# --- MC004 unused-suppression --------------------------------------------------------


def test_mc004_a_suppression_on_a_clean_line_is_an_info_at_the_rule(lint):
    # before: a suppression left behind after the fix was never reported
    run = lint(sender("   # mailcheck: disable-line MC203 -- was 2525"))
    finding = run.only("MC004")
    assert finding.severity == "info"
    assert finding.at == run.spot("port: 587", "MC203")
    assert finding.message == "`disable-line MC203` suppresses nothing: there is no MC203 finding on this line"
    assert "remove MC203 from the comment" in finding.hint
    assert run.exit_code == 0


def test_mc004_a_suppression_that_hides_a_finding_is_not_reported(lint):
    assert lint(relay("   # mailcheck: disable-line MC205")).rules == []


def test_mc004_each_rule_of_a_comment_is_judged_alone(lint):
    run = lint(relay("   # mailcheck: disable-line MC205, tls-verify-disabled"))
    finding = run.only("MC004")
    assert finding.at == run.spot("security: none", "tls-verify-disabled")
    assert "no MC206 finding on this line" in finding.message


def test_mc004_disable_file_counts_per_rule_listed(lint):
    run = lint(relay() + "# mailcheck: disable-file MC205, MC203\n")
    finding = run.only("MC004")
    assert finding.at == run.spot("disable-file", "MC203")
    assert "no MC203 finding in this file" in finding.message


def test_mc004_disable_next_line_names_the_line_it_covers(lint):
    run = lint(sender().replace("    port: 587", "    # mailcheck: disable-next-line MC211\n    port: 587"))
    finding = run.only("MC004")
    assert finding.at == run.spot("disable-next-line MC211", "MC211")
    assert "no MC211 finding on line 7" in finding.message


def test_mc004_a_rule_named_twice_is_reported_the_second_time(lint):
    run = lint(relay("   # mailcheck: disable-line MC205, cleartext-transport"))
    finding = run.only("MC004")
    assert finding.at == run.spot("security: none", "cleartext-transport")
    assert "named a second time" in finding.message


def test_mc004_of_two_suppressions_of_one_finding_the_wider_is_unused(lint):
    run = lint(relay("   # mailcheck: disable-line MC205") + "# mailcheck: disable-file MC205\n")
    finding = run.only("MC004")
    assert finding.at == run.spot("disable-file MC205", "MC205")


def test_mc004_a_probe_rule_is_never_reported_by_check(lint):
    # `check` does not probe: whether MC510 would fire depends on the server at probe time
    assert lint(sender("   # mailcheck: disable-line MC510 -- renewed by hand")).rules == []


def test_mc004_a_rule_the_configuration_disables_is_not_reported(lint):
    # the rule did not run: the comment may be needed when it runs again
    run = lint(relay("   # mailcheck: disable-line MC205"), files={".mailcheck.yaml": "disable: [MC205, MC203]\n"})
    assert run.rules == []
    run = lint(sender("   # mailcheck: disable-line MC203"), files={".mailcheck.yaml": "disable: [MC203]\n"})
    assert run.rules == []


def test_mc004_naming_mc004_keeps_an_unused_suppression_quietly(lint):
    # as ruff keeps a suppression of RUF100 itself
    assert lint(sender("   # mailcheck: disable-line MC203, MC004 -- back to 2525 next month")).rules == []


def test_mc004_a_suppression_of_a_structural_finding_is_used(lint):
    run = lint(sender().replace("    security:", "    colour: blue   # mailcheck: disable-line MC102\n    security:"))
    assert run.rules == []

"""Every finding in one run: a problem in one field never hides findings about the others.

Rules run on every profile that is a mapping. A rule stays silent only about a field that
is itself invalid or missing; disabling or suppressing MC101/MC102 never silences another.
"""

from __future__ import annotations

from tests.cli_run import GOOD as GOOD_PROFILE

# The profile: cleartext login with an inline password and verification off, plus
# one unknown key. Before, only MC102 was reported, and nothing with --disable unknown-key.
OWNER = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp.example.com
    port: 25
    security: none
    owner: team-payments
    tls: {verify: false}
    auth: {username: app@example.com, password: hunter2}
    from: {address: app@example.com}
"""
SECURITY_FINDINGS = {"MC204", "MC206", "MC303"}


def rules(result) -> set[str]:
    return {f["rule"] for f in result.json()["findings"]}


def test_an_unknown_key_does_not_hide_the_security_findings(invoke, write) -> None:
    write("app.mail.yaml", OWNER)
    result = invoke("check", "--format", "json", "app.mail.yaml")
    assert SECURITY_FINDINGS | {"MC102"} <= rules(result)


def test_disabling_unknown_key_never_silences_another_rule(invoke, write) -> None:
    write("app.mail.yaml", OWNER)
    result = invoke("check", "--format", "json", "--disable", "unknown-key", "app.mail.yaml")
    assert result.exit_code == 1
    assert rules(result) >= SECURITY_FINDINGS
    assert "MC102" not in rules(result)


def test_suppressing_a_schema_violation_never_silences_another_rule(invoke, write) -> None:
    text = OWNER.replace("    owner: team-payments\n", "    timeout: 0   # mailcheck: disable-line MC101\n")
    write("app.mail.yaml", text)
    result = invoke("check", "--format", "json", "app.mail.yaml")
    assert result.exit_code == 1
    assert rules(result) >= SECURITY_FINDINGS
    assert "MC101" not in rules(result)


EIGHT_MISTAKES = """\
version: 1
profiles:
  outgoing:
    protocol: smtp
    host: smtp://smtp.example.com
    port: 465
    security: starttls
    timeout: 0
    colour: blue
    tls: {verify: false, min_version: "1.0"}
    auth: {username: app@example.com, password: Tr0ub4dor-and-3}
    from: {address: Helpdesk <helpdesk@example.com>}
"""


def test_eight_mistakes_are_eight_findings_in_one_run(invoke, write) -> None:
    write("app.mail.yaml", EIGHT_MISTAKES)
    result = invoke("check", "--format", "json", "app.mail.yaml")
    # before: MC101 and MC102 only; fixed one at a time, the others appeared run by run
    assert rules(result) == {"MC101", "MC102", "MC201", "MC206", "MC207", "MC209", "MC303", "MC401"}


def test_an_invalid_field_silences_only_the_rules_that_read_it(invoke, write) -> None:
    # port is a string: MC101. Read as the default port (25 for security none), it would
    # give a false MC208 "submits on port 25"; the cleartext login is still reported.
    text = OWNER.replace("port: 25", 'port: "587"').replace("    owner: team-payments\n", "")
    write("app.mail.yaml", text)
    found = rules(invoke("check", "--format", "json", "app.mail.yaml"))
    assert {"MC101", "MC204", "MC206", "MC303"} <= found
    assert not found & {"MC201", "MC202", "MC203", "MC208"}  # the port rules: silent, not guessing


def test_a_profile_without_protocol_says_which_checks_were_skipped(invoke, write) -> None:
    text = OWNER.replace("    protocol: smtp\n", "").replace("    owner: team-payments\n", "")
    write("app.mail.yaml", text)
    findings = invoke("check", "--format", "json", "app.mail.yaml").json()["findings"]
    missing = next(f for f in findings if f["rule"] == "MC101")
    assert "'protocol' is required" in missing["message"]
    assert "the checks that depend on the protocol were skipped" in missing["message"]
    # what does not depend on the protocol is still checked
    assert {"MC206", "MC303"} <= {f["rule"] for f in findings}


def test_a_profile_that_is_not_a_mapping_says_no_check_can_run(invoke, write) -> None:
    write("app.mail.yaml", "version: 1\nprofiles:\n  outgoing: smtp.example.com\n")
    finding = invoke("check", "--format", "json", "app.mail.yaml").json()["findings"][0]
    assert finding["rule"] == "MC101"
    assert "no other check can run on this profile" in finding["message"]


def test_a_badly_named_profile_is_still_checked(invoke, write) -> None:
    write("app.mail.yaml", OWNER.replace("  outgoing:", "  'out going':").replace("    owner: team-payments\n", ""))
    found = rules(invoke("check", "--format", "json", "app.mail.yaml"))
    assert {"MC101", "MC204", "MC206", "MC303"} <= found


def test_a_structurally_invalid_profile_is_still_not_probed(invoke, write) -> None:
    write("app.mail.yaml", OWNER)
    result = invoke("probe", "app.mail.yaml")
    assert result.exit_code == 1
    assert "outgoing (app.mail.yaml): not probed: structurally invalid" in result.stdout


def test_a_valid_profile_still_reports_nothing(invoke, write) -> None:
    write("app.mail.yaml", GOOD_PROFILE)
    assert invoke("check", "--format", "json", "app.mail.yaml").json()["findings"] == []


def test_without_a_protocol_the_other_fields_are_still_checked(invoke, write) -> None:
    # before: no branch of the profile applied, so `security: {file: ""}` went unchecked to
    # the rules, and one of them crashed with a traceback
    write(
        "app.mail.yaml",
        "version: 1\nprofiles:\n  a:\n    host: h.example.com\n    port: '587'\n    security: {file: ''}\n",
    )
    result = invoke("check", "--format", "json", "app.mail.yaml")
    assert result.exit_code == 1
    paths = {f["path"] for f in result.json()["findings"] if f["rule"] == "MC101"}
    assert paths == {"profiles.a", "profiles.a.security", "profiles.a.port"}

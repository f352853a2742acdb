"""MC214 and MC601-MC603: what apps' config files add, through their adapters (grafana.ini here)."""

from __future__ import annotations

import pytest

from tests.cli_run import INLINE_SECRET

GRAFANA = """\
[smtp]
enabled = true
host = smtp.example.com:587
user = grafana@example.com
password = $__env{GF_SMTP_PASSWORD}
from_address = grafana@example.com
startTLS_policy = MandatoryStartTLS
"""


def grafana(lint, text: str):
    return lint(text, file_name="grafana.ini")


def test_a_clean_grafana_smtp_section_has_no_finding(lint):
    run = grafana(lint, GRAFANA)
    assert run.findings == [] and run.exit_code == 0


# --- MC214 opportunistic-starttls ------------------------------------------------------


def test_mc214_a_profile_that_says_opportunistic_is_an_error(lint):
    run = lint(
        """\
        version: 1
        profiles:
          out:
            protocol: smtp
            host: smtp.example.com
            port: 587
            security: opportunistic
            from: {address: app@example.com}
        """
    )
    finding = run.only("MC214")
    assert finding.severity == "error"
    assert finding.at == run.spot("security: opportunistic", "opportunistic")
    assert "strip" in finding.message and finding.hint == "require the upgrade: set security: starttls"


@pytest.mark.parametrize("policy", ["", "OpportunisticStartTLS"])
def test_mc214_grafana_without_a_mandatory_policy_is_opportunistic(lint, policy):
    text = GRAFANA.replace("startTLS_policy = MandatoryStartTLS", f"startTLS_policy = {policy}")
    run = grafana(lint, text)
    finding = run.only("MC214")
    assert finding.at == (7, 19)  # where the policy's value is (or would be) written
    assert "the login and the mail" in finding.message
    assert "startTLS_policy = MandatoryStartTLS" in finding.hint  # the fix in Grafana's terms


def test_mc214_grafana_without_the_key_points_at_the_section(lint):
    run = grafana(lint, GRAFANA.replace("startTLS_policy = MandatoryStartTLS\n", ""))
    assert run.only("MC214").at == (1, 1)


def test_mc214_port_465_is_implicit_tls_whatever_the_policy(lint):
    # go-mail: SSL when the port is 465, and the policy is ignored then
    run = grafana(lint, GRAFANA.replace(":587", ":465").replace("MandatoryStartTLS", "NoStartTLS"))
    assert run.findings == []


def test_mc214_a_loopback_relay_is_not_reported(lint):
    run = grafana(lint, "[smtp]\nhost = localhost:25\nfrom_address = grafana@example.com\n")
    assert run.findings == []


# --- MC602 unrecognised-app-value ---------------------------------------------------------


def test_mc602_a_misspelt_policy_is_reported_with_what_grafana_does_instead(lint):
    run = grafana(lint, GRAFANA.replace("MandatoryStartTLS", "MandatoryStartTLs"))
    typo = run.finding("MC602")
    assert typo.at == run.spot("startTLS_policy", "MandatoryStartTLs")
    assert "opportunistic" in typo.message
    assert "`MandatoryStartTLS`" in typo.hint
    assert run.finding("MC214").at == typo.at  # and what it means is reported too


def test_mc602_a_key_in_other_case_is_ignored_by_grafana(lint):
    run = grafana(lint, GRAFANA.replace("startTLS_policy", "starttls_policy"))
    unknown = run.finding("MC602")
    assert unknown.at == run.spot("starttls_policy")
    assert unknown.hint == "write `startTLS_policy`"
    assert "MC214" in run.rules  # Grafana then uses its default: opportunistic


def test_mc602_a_boolean_go_ini_does_not_read_is_false(lint):
    run = grafana(lint, GRAFANA + "skip_verify = ture\n")
    finding = run.only("MC602")
    assert finding.at == run.spot("skip_verify", "ture")
    assert "takes it as false" in finding.message


def test_mc602_a_password_cut_at_an_inline_comment_character(lint):
    run = grafana(lint, GRAFANA.replace("$__env{GF_SMTP_PASSWORD}", f"{INLINE_SECRET}#rest;more"))
    assert sorted(run.rules) == ["MC303", "MC602"]
    cut = run.finding("MC602")
    assert 'triple quotes: password = """..."""' in cut.hint
    assert INLINE_SECRET not in run.output and "rest" not in run.output


def test_mc602_a_password_in_triple_quotes_is_whole(lint):
    run = grafana(lint, GRAFANA.replace("$__env{GF_SMTP_PASSWORD}", f'"""{INLINE_SECRET}#rest"""'))
    assert run.rules == ["MC303"]
    assert INLINE_SECRET not in run.output


# --- MC603 app-constraint ---------------------------------------------------------------


def test_mc603_grafana_host_without_a_port_fails_at_send_time(lint):
    run = grafana(lint, GRAFANA.replace("smtp.example.com:587", "smtp.example.com"))
    finding = run.finding("MC603")
    assert finding.at == run.spot("host =", "smtp.example.com")
    assert "missing port in address" in finding.message
    assert finding.hint.startswith("write the port too")


def test_mc603_grafana_password_without_user_is_never_used(lint):
    run = grafana(lint, GRAFANA.replace("user = grafana@example.com\n", ""))
    finding = run.finding("MC603")
    assert finding.at == run.spot("password =", "$__env")
    assert "sends without logging in" in finding.message


def test_mc603_a_complete_grafana_host_is_not_reported(lint):
    assert grafana(lint, GRAFANA.replace(":587", ":2525")).rules == ["MC203"]


# --- MC601 conflicting-tls-switches (Django's settings.py) ---------------------------------

DJANGO = """\
import os

EMAIL_HOST = "smtp.example.com"
EMAIL_PORT = 465
EMAIL_USE_SSL = True
EMAIL_HOST_USER = "app@example.com"
EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]
DEFAULT_FROM_EMAIL = "app@example.com"
"""


def test_mc601_django_with_both_tls_switches_is_an_error(lint):
    run = lint(DJANGO + "EMAIL_USE_TLS = True\n", file_name="settings.py")
    finding = run.finding("MC601")
    assert finding.severity == "error"
    assert finding.line == len(DJANGO.splitlines()) + 1  # at the second switch
    assert "EMAIL_USE_TLS" in finding.message and "EMAIL_USE_SSL" in finding.message


def test_mc601_one_switch_is_not_reported(lint):
    run = lint(DJANGO, file_name="settings.py")
    assert "MC601" not in run.rules

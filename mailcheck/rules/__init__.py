"""The rules: one module each (`mcNNN_name.py`), listed below by kind, as yamllint lists its own.

A rule module holds RULE (ID, name, severity; its docstring is the documentation) and what
its kind asks for (rules/base.py). The engine (checker.py) runs the lint kinds in turn: the
load rule on a file that cannot be loaded, the document rules on the loaded file, the
profile rules on each of its profiles, and the settled rules once every other finding has
been disabled or suppressed; the probe runner stamps a probe rule on each outcome its module
builds. Adding a rule is writing its module and listing it here: tests/rules/test_registry.py
fails for a module of this package that is neither listed nor a support module.

The lists are built when first asked for, not when this package is imported: `check` never
loads the probe rules unless a lookup by ID or name needs them (an unknown ID in a comment,
`mailcheck rules`, SARIF's rule table).
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from mailcheck.findings import Rule
    from mailcheck.outcome import Outcome
    from mailcheck.rules.base import DocumentRule, LoadRule, ProbeRule, ProfileRule, SettledRule

SUPPORT_MODULES = frozenset({"base", "structure"})  # what rules share; not rules themselves


class LintRules(NamedTuple):
    """The rules `mailcheck check` runs, by kind, each kind in the order it runs."""

    load: LoadRule
    document: tuple[DocumentRule, ...]
    profile: tuple[ProfileRule, ...]
    settled: tuple[SettledRule, ...]

    def rules(self) -> list[Rule]:
        return [self.load.RULE, *(m.RULE for kind in (self.document, self.profile, self.settled) for m in kind)]


@cache
def lint_rules() -> LintRules:
    from mailcheck.rules import (
        mc001_invalid_yaml,
        mc002_duplicate_key,
        mc003_invalid_suppression,
        mc004_unused_suppression,
        mc101_schema_violation,
        mc102_unknown_key,
        mc103_unsupported_version,
        mc201_port_security_mismatch,
        mc202_port_of_other_protocol,
        mc203_nonstandard_port,
        mc204_cleartext_auth,
        mc205_cleartext_transport,
        mc206_tls_verify_disabled,
        mc207_weak_tls_version,
        mc208_submission_on_port_25,
        mc209_invalid_host,
        mc210_tls_settings_unused,
        mc211_ip_host_without_server_name,
        mc212_ca_file_not_found,
        mc213_control_character,
        mc214_opportunistic_starttls,
        mc301_missing_username,
        mc302_missing_secret,
        mc303_inline_secret,
        mc304_secret_for_other_mechanism,
        mc305_unresolvable_reference,
        mc401_invalid_address,
        mc402_missing_sender,
        mc404_round_trip_receiver_unknown,
        mc601_conflicting_tls_switches,
        mc602_unrecognised_app_value,
        mc603_app_constraint,
        mc701_provider_port_mismatch,
        mc702_provider_host_mismatch,
        mc703_provider_username_form,
        mc704_provider_requires_oauth2,
        mc705_provider_cleartext_only,
        mc706_provider_sources_disagree,
    )

    return LintRules(
        load=mc001_invalid_yaml,
        document=(
            mc002_duplicate_key,
            mc003_invalid_suppression,
            mc101_schema_violation,
            mc102_unknown_key,
            mc103_unsupported_version,
            mc601_conflicting_tls_switches,
            mc602_unrecognised_app_value,
            mc603_app_constraint,
        ),
        profile=(
            mc201_port_security_mismatch,
            mc202_port_of_other_protocol,
            mc203_nonstandard_port,
            mc204_cleartext_auth,
            mc205_cleartext_transport,
            mc206_tls_verify_disabled,
            mc207_weak_tls_version,
            mc208_submission_on_port_25,
            mc209_invalid_host,
            mc210_tls_settings_unused,
            mc211_ip_host_without_server_name,
            mc212_ca_file_not_found,
            mc213_control_character,
            mc214_opportunistic_starttls,
            mc301_missing_username,
            mc302_missing_secret,
            mc303_inline_secret,
            mc304_secret_for_other_mechanism,
            mc305_unresolvable_reference,
            mc401_invalid_address,
            mc402_missing_sender,
            mc404_round_trip_receiver_unknown,
            mc701_provider_port_mismatch,
            mc702_provider_host_mismatch,
            mc703_provider_username_form,
            mc704_provider_requires_oauth2,
            mc705_provider_cleartext_only,
            mc706_provider_sources_disagree,
        ),
        settled=(mc004_unused_suppression,),
    )


@cache
def probe_rules() -> tuple[ProbeRule, ...]:
    """The rules `mailcheck probe` reports, one per kind of outcome."""
    from mailcheck.rules import (
        mc501_dns_failure,
        mc502_connection_refused,
        mc503_connect_timeout,
        mc504_tls_expected_plaintext_found,
        mc505_plaintext_expected_tls_found,
        mc506_starttls_not_offered,
        mc507_certificate_untrusted,
        mc508_certificate_name_mismatch,
        mc509_certificate_expired,
        mc510_certificate_expiring,
        mc511_tls_version_too_old,
        mc512_auth_not_offered,
        mc513_auth_mechanism_unsupported,
        mc514_auth_failed,
        mc515_secret_unavailable,
        mc516_test_message_rejected,
        mc517_protocol_error,
        mc518_step_timeout,
        mc519_cleartext_auth_refused,
        mc520_unsafe_command,
        mc521_accepts_any_credentials,
        mc522_test_message_not_delivered,
        mc523_test_message_in_junk,
        mc524_srv_disagrees,
        mc525_srv_not_offered,
    )

    return (
        mc501_dns_failure,
        mc502_connection_refused,
        mc503_connect_timeout,
        mc504_tls_expected_plaintext_found,
        mc505_plaintext_expected_tls_found,
        mc506_starttls_not_offered,
        mc507_certificate_untrusted,
        mc508_certificate_name_mismatch,
        mc509_certificate_expired,
        mc510_certificate_expiring,
        mc511_tls_version_too_old,
        mc512_auth_not_offered,
        mc513_auth_mechanism_unsupported,
        mc514_auth_failed,
        mc515_secret_unavailable,
        mc516_test_message_rejected,
        mc517_protocol_error,
        mc518_step_timeout,
        mc519_cleartext_auth_refused,
        mc520_unsafe_command,
        mc521_accepts_any_credentials,
        mc522_test_message_not_delivered,
        mc523_test_message_in_junk,
        mc524_srv_disagrees,
        mc525_srv_not_offered,
    )


@cache
def all_rules() -> dict[str, Rule]:
    """Every rule by ID, in ID order."""
    rules = [*lint_rules().rules(), *(module.RULE for module in probe_rules())]
    return {rule.id: rule for rule in sorted(rules, key=lambda r: r.id)}


class _Index(NamedTuple):
    by_id: dict[str, Rule]
    by_name: dict[str, Rule]

    @classmethod
    def of(cls, rules: list[Rule]) -> _Index:
        return cls({r.id: r for r in rules}, {r.name: r for r in rules})

    def find(self, id_or_name: str) -> Rule | None:
        wanted = id_or_name.strip()
        return self.by_id.get(wanted.upper()) or self.by_name.get(wanted.lower())


@cache
def _lint_index() -> _Index:
    return _Index.of(lint_rules().rules())


@cache
def _index() -> _Index:
    return _Index.of(list(all_rules().values()))


def find_rule(id_or_name: str) -> Rule | None:
    """A rule by its ID (MC201, case-insensitive) or its name (port-security-mismatch).
    The lint rules are looked in first: most names a run meets are theirs."""
    return _lint_index().find(id_or_name) or _index().find(id_or_name)


@cache
def _rules_by_outcome() -> dict[type[Outcome], Rule]:
    return {module.Outcome: module.RULE for module in probe_rules()}


def probe_rule_of(outcome: Outcome) -> Rule:
    """The rule whose module built `outcome`: what the runner stamps on its finding."""
    return _rules_by_outcome()[type(outcome)]

"""The rule registry and the engine: every rule module is listed under its kind, and what a
rule reports becomes a finding of that rule, whatever the rule says."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, get_args

import pytest

import mailcheck.rules
from mailcheck import checker
from mailcheck.config import Settings
from mailcheck.findings import Problem, Rule, Severity
from mailcheck.probe import outcome
from mailcheck.profile import FieldUnavailable
from mailcheck.rules import SUPPORT_MODULES, LintRules, all_rules, find_rule, lint_rules, probe_rule_of, probe_rules
from mailcheck.rules import mc101_schema_violation as mc101
from mailcheck.rules import mc102_unknown_key as mc102
from mailcheck.rules.base import DocumentContext, ProfileContext
from mailcheck.rules.structure import SecretShape

RULES_DIR = Path(mailcheck.rules.__file__).parent


def lint_modules() -> list[Any]:
    lint = lint_rules()
    return [lint.load, *lint.document, *lint.profile, *lint.settled]


def probe_modules() -> list[Any]:
    return list(probe_rules())


def registered() -> list[ModuleType]:
    return lint_modules() + probe_modules()


def short_name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[1]


def test_every_module_of_the_rules_package_is_a_listed_rule_or_a_support_module() -> None:
    files = {p.stem for p in RULES_DIR.glob("*.py") if p.stem != "__init__"}
    listed = [short_name(m) for m in registered()]
    assert len(listed) == len(set(listed)), "a rule module is listed twice"
    unlisted = files - set(listed) - SUPPORT_MODULES
    assert not unlisted, f"rule modules the registry does not list: {sorted(unlisted)}"
    assert set(listed) <= files
    assert files >= SUPPORT_MODULES


def test_a_rule_module_is_named_after_its_rule() -> None:
    for module in registered():
        rule: Rule = module.RULE
        assert short_name(module) == f"{rule.id.lower()}_{rule.name.replace('-', '_')}"


def test_all_rules_lists_each_rule_once_in_id_order() -> None:
    rules = all_rules()
    assert list(rules) == sorted(rules)
    assert sorted(rules) == sorted(m.RULE.id for m in registered())


def test_probe_rules_are_the_probe_stage_and_the_others_lint() -> None:
    probe = {m.RULE.id for m in probe_rules()}
    for rule in all_rules().values():
        assert rule.stage == ("probe" if rule.id in probe else "lint"), rule.id


def test_each_kind_has_what_the_engine_calls() -> None:
    for module in lint_modules():
        assert callable(module.check), module.__name__
        assert not hasattr(module, "Outcome"), module.__name__
    for module in probe_modules():
        assert not hasattr(module, "check"), module.__name__


def test_each_probe_rule_has_an_outcome_class_of_its_own() -> None:
    classes = [m.Outcome for m in probe_modules()]
    assert len(set(classes)) == len(classes)
    for module in probe_modules():
        assert issubclass(module.Outcome, outcome.Outcome) and module.Outcome is not outcome.Outcome
        assert module.Outcome.__module__ == module.__name__
        assert probe_rule_of(module.Outcome((("host",),), "m", "h")) is module.RULE


def test_an_outcome_names_no_rule() -> None:
    from mailcheck.rules import mc501_dns_failure as mc501

    found = mc501.outcome("smtp.example.com", "NXDOMAIN")
    assert not hasattr(found, "rule")
    assert probe_rule_of(found).id == "MC501"


def test_find_rule_takes_ids_and_names_of_lint_and_probe_rules() -> None:
    assert find_rule("mc201") is all_rules()["MC201"]
    assert find_rule(" port-security-mismatch ") is all_rules()["MC201"]
    assert find_rule("AUTH-FAILED") is all_rules()["MC514"]
    assert find_rule("MC999") is None


def test_mc101_and_mc102_share_out_the_shapes_of_a_broken_secret() -> None:
    both, either = mc101.SECRET_SHAPES & mc102.SECRET_SHAPES, mc101.SECRET_SHAPES | mc102.SECRET_SHAPES
    assert not both, f"reported by both rules: {both}"
    assert either == set(get_args(SecretShape))


def test_a_rule_is_stamped_with_its_id_name_and_severity() -> None:
    rule = Rule("MC999", "made-up", Severity.WARNING, "A made-up rule.")
    finding = rule.stamp(Problem(3, 5, ("profiles", "out", "port"), "m", "h"), "a.mail.yaml")
    assert (finding.rule, finding.name, finding.severity) == ("MC999", "made-up", Severity.WARNING)
    assert (finding.file, finding.line, finding.column, finding.profile, finding.path) == (
        "a.mail.yaml",
        3,
        5,
        "out",
        "profiles.out.port",
    )
    assert rule.stamp(Problem(1, 1, (), "m", "h"), "a.mail.yaml").profile is None


# --- the engine runs kinds of rule, whichever rules they are ------------------------------

PROFILE = """\
version: 1
profiles:
  out:
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
"""


def _fake(rule_id: str, check: Any) -> SimpleNamespace:
    return SimpleNamespace(RULE=Rule(rule_id, f"fake-{rule_id.lower()}", Severity.INFO, "A fake rule."), check=check)


def _check_with(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, rules: LintRules, *, disable: frozenset[str] = frozenset()
) -> list[tuple[str, str, int, int]]:
    monkeypatch.setattr(checker, "lint_rules", lambda: rules)
    path = tmp_path / "a.mail.yaml"
    path.write_text(textwrap.dedent(PROFILE), encoding="utf-8")
    result = checker.check_file(path, "a.mail.yaml", Settings(disable=disable))
    return [(f.rule, f.message, f.line, f.column) for f in result.findings]


def test_the_engine_runs_each_kind_and_stamps_the_rule_that_reported(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def on_document(context: DocumentContext) -> list[Problem]:
        return [Problem(1, 1, (), "document", "h")]

    def on_profile(context: ProfileContext) -> list[Problem]:
        return [context.problem(("port",), f"profile {context.profile.name}", "h")]

    def settled(context: object) -> list[Problem]:
        return [Problem(2, 1, (), "settled", "h")]

    rules = LintRules(
        load=_fake("MC990", lambda failure: []),
        document=(_fake("MC991", on_document),),
        profile=(_fake("MC992", on_profile),),
        settled=(_fake("MC993", settled),),
    )
    assert _check_with(monkeypatch, tmp_path, rules) == [
        ("MC991", "document", 1, 1),
        ("MC993", "settled", 2, 1),
        ("MC992", "profile out", 6, 11),
    ]


def test_a_disabled_rule_is_not_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def never(context: object) -> list[Problem]:
        raise AssertionError("a disabled rule ran")

    rules = LintRules(load=_fake("MC990", never), document=(_fake("MC991", never),), profile=(), settled=())
    assert _check_with(monkeypatch, tmp_path, rules, disable=frozenset({"MC991"})) == []


def test_a_profile_rule_stops_quietly_at_a_field_it_cannot_read(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def partly(context: ProfileContext) -> Any:
        yield context.problem(("host",), "before", "h")
        raise FieldUnavailable(("port",))

    rules = LintRules(
        load=_fake("MC990", lambda failure: []), document=(), profile=(_fake("MC992", partly),), settled=()
    )
    assert _check_with(monkeypatch, tmp_path, rules) == [("MC992", "before", 5, 11)]


def test_an_unreadable_file_is_reported_by_the_load_rule_alone(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def loaded(failure: Any) -> list[Problem]:
        return [Problem(failure.mark.line, failure.mark.column, (), failure.message, failure.hint)]

    rules = LintRules(load=_fake("MC990", loaded), document=(), profile=(), settled=())
    monkeypatch.setattr(checker, "lint_rules", lambda: rules)
    path = tmp_path / "a.mail.yaml"
    path.write_text("- a list\n", encoding="utf-8")
    (finding,) = checker.check_file(path, "a.mail.yaml", Settings()).findings
    assert finding.rule == "MC990" and "not a mapping" in finding.message


def test_check_does_not_load_the_probe_rules(tmp_path: Path) -> None:
    profile = tmp_path / "a.mail.yaml"
    profile.write_text(textwrap.dedent(PROFILE), encoding="utf-8")
    program = (
        "import sys\n"
        "from mailcheck.cli import run\n"
        f"run(['check', {str(profile)!r}])\n"
        "print(sorted(m for m in sys.modules if m.startswith('mailcheck.rules.mc5')))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr

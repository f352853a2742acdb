"""Every lint rule has tests here: a rule added without them fails this test."""

from __future__ import annotations

import re
from pathlib import Path

from mailcheck.rules import all_rules

HERE = Path(__file__).parent
REPORTS = re.compile(r"""\.(?:only|finding)\("(MC\d{3})"\)""")
TEST_NAME = re.compile(r"^def (test_(mc\d{3})_\w+)", re.MULTILINE)


def test_every_lint_rule_has_a_test_that_reports_it_and_one_that_does_not():
    sources = "\n".join(p.read_text(encoding="utf-8") for p in sorted(HERE.glob("test_rules_*.py")))
    reported = set(REPORTS.findall(sources))
    tests_per_rule: dict[str, int] = {}
    for _, rule in TEST_NAME.findall(sources):
        tests_per_rule[rule.upper()] = tests_per_rule.get(rule.upper(), 0) + 1
    lint_rules = {rule.id for rule in all_rules().values() if rule.stage == "lint"}

    assert lint_rules - reported == set(), "rules no test expects to be reported"
    assert {r for r in lint_rules if tests_per_rule.get(r, 0) < 2} == set(), "rules without a bad and a good case"

"""The README documents every rule and starts with the two set-up commands."""

from __future__ import annotations

from pathlib import Path

from mailcheck.rules import all_rules

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_rule_is_in_the_readme_with_its_name() -> None:
    missing = [
        f"{r.id} {r.name}"
        for r in all_rules().values()
        if f"| {r.id} | {r.name} |" not in README and f"{r.id}" not in README
    ]
    assert not missing


def test_every_lint_rule_has_a_row_in_the_rules_table() -> None:
    rows = [f"| {r.id} | {r.name} | {r.severity.value} |" for r in all_rules().values() if r.stage == "lint"]
    assert [row for row in rows if row not in README] == []


def test_readme_opens_with_the_main_job_and_the_test_command() -> None:
    commands = README.split("```bash\n", 1)[1].split("```", 1)[0].splitlines()
    assert commands[0].endswith("mailcheck check examples/*.mail.yaml")
    assert commands[1].endswith("python -m pytest")

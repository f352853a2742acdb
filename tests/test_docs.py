"""docs/rules.md, `mailcheck explain` and SARIF help: one text, from the rules' docstrings."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mailcheck.docs import RULES_DOC, rule_anchor, rules_markdown
from mailcheck.rules import all_rules
from tests.cli_run import mailcheck
from tests.node_tools import ROOT

RULES = list(all_rules().values())
REQUIRED_SECTIONS = ("What it does", "Why is this bad?", "Example", "Use instead")


def test_docs_rules_md_is_generated_from_the_rules() -> None:
    # on failure: python scripts/gen_docs.py
    assert (ROOT / RULES_DOC).read_text(encoding="utf-8") == rules_markdown(RULES)


def test_the_generator_check_mode_agrees() -> None:
    done = subprocess.run(
        [sys.executable, "scripts/gen_docs.py", "--check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_documents_what_why_bad_good_and_suppression(rule) -> None:
    sections = rule.sections()
    for title in REQUIRED_SECTIONS:
        assert sections.get(title, "").strip(), f"{rule.id} has no '{title}' section"
    # a rule about apps' config files shows the app's language (```ini, ```python)
    fence = "```yaml" if not rule.id.startswith("MC6") else "```"
    assert fence in sections["Example"] and fence in sections["Use instead"]
    doc = (ROOT / RULES_DOC).read_text(encoding="utf-8")
    heading = f"## {rule.id} {rule.name}"
    assert heading in doc and f"(#{rule_anchor(rule)})" in doc
    body = doc.split(heading, 1)[1].split("\n## ", 1)[0]
    assert f"# mailcheck: disable-line {rule.id}" in body


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_explain_prints_the_same_sections_as_the_docs(tmp_path, rule) -> None:
    result = mailcheck(tmp_path, "explain", rule.id)
    assert result.exit_code == 0
    for title in REQUIRED_SECTIONS:
        assert rule.sections()[title] in result.stdout
    assert f"disable-file {rule.id}" in result.stdout

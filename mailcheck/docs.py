"""Rule documentation for `mailcheck explain`, docs/rules.md and SARIF's rule help: each
rule module's docstring (Rule.doc), then how to suppress the rule, the same for every rule
and so written once here. The rules come from the registry (mailcheck.rules.all_rules)."""

from __future__ import annotations

from collections.abc import Iterable

from mailcheck.findings import Rule

# The project-wide settings in the syntax of each file that can hold them: YAML for
# .mailcheck.yaml, TOML for pyproject.toml (tests load both snippets from `explain` output).
SUPPRESS = """\
On the line: `# mailcheck: disable-line {id} -- reason`; on the next line: `# mailcheck: disable-next-line {id}`; for the whole file: `# mailcheck: disable-file {id}`.

For the project, in `.mailcheck.yaml`:

```yaml
disable: [{id}]
```

or in `pyproject.toml`:

```toml
[tool.mailcheck]
disable = ["{id}"]
```"""


def explain_rule(rule: Rule) -> str:
    """The terminal text of `mailcheck explain ID`."""
    header = f"{rule.id} {rule.name} ({rule.severity.value}{', reported by mailcheck probe' if rule.stage == 'probe' else ''})"
    body = rule.doc.strip()
    return f"{header}\n{'=' * len(header)}\n\n{body}\n\n## How to suppress\n{SUPPRESS.format(id=rule.id)}\n"


# --- docs/rules.md and SARIF help: the same sections, as Markdown -------------------------

# The project has no web address of its own, so no URL is built here: SARIF leaves out the
# optional helpUri (each rule's help text travels inside the log instead).
RULES_DOC = "docs/rules.md"  # relative to the repository root
SECTION_ORDER = ("What it does", "Why is this bad?", "Example", "Use instead", "References")


def rule_anchor(rule: Rule) -> str:
    """The heading anchor GitHub gives `## MC204 cleartext-auth`: `mc204-cleartext-auth`."""
    return f"{rule.id.lower()}-{rule.name}"


def reported_by(rule: Rule) -> str:
    return "`mailcheck probe`" if rule.stage == "probe" else "`mailcheck check`"


def rule_help_markdown(rule: Rule) -> str:
    """One rule's documentation below its heading: summary, sections, how to suppress."""
    sections = rule.sections()
    ordered = [s for s in SECTION_ORDER if s in sections] + [s for s in sections if s not in SECTION_ORDER]
    parts = [f"{rule.summary}.", f"Severity: **{rule.severity.value}**. Reported by {reported_by(rule)}."]
    parts += [f"### {title}\n\n{sections[title]}" for title in ordered]
    parts.append(f"### How to suppress\n\n{SUPPRESS.format(id=rule.id)}")
    return "\n\n".join(parts) + "\n"


def rules_markdown(rules: Iterable[Rule]) -> str:
    """The whole of docs/rules.md: an index table, then one section per rule."""
    rules = list(rules)
    lines = [
        "# mailcheck rules",
        "",
        "<!-- Generated from the rules' docstrings by `python scripts/gen_docs.py`; do not edit by hand. -->",
        "",
        "Every finding names one of these rules. `mailcheck explain ID` prints the same text in a",
        "terminal, and SARIF output carries it as each rule's help.",
        "",
        "| ID | Name | Severity | Reported by | What it finds |",
        "| --- | --- | --- | --- | --- |",
    ]
    for rule in rules:
        link = f"[{rule.id}](#{rule_anchor(rule)})"
        summary = rule.summary.replace("|", "\\|")  # a pipe would end the table cell
        lines.append(f"| {link} | {rule.name} | {rule.severity.value} | {reported_by(rule)} | {summary} |")
    body = "\n".join(lines) + "\n"
    for rule in rules:
        body += f"\n## {rule.id} {rule.name}\n\n{rule_help_markdown(rule)}"
    return body

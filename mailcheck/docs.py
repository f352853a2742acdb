"""Rule documentation, from the rules' own docstrings: `explain`, docs/rules.md, SARIF help."""

from __future__ import annotations

from mailcheck.findings import Rule

SUPPRESS = (
    "On the line: `# mailcheck: disable-line {id} -- reason`; on the next line: "
    "`# mailcheck: disable-next-line {id}`; for the whole file: `# mailcheck: disable-file {id}`; "
    "for the project: `disable = [\"{id}\"]` in `.mailcheck.yaml` or `[tool.mailcheck]`."
)


def explain_rule(rule: Rule) -> str:
    """The terminal text of `mailcheck explain ID`."""
    header = f"{rule.id} {rule.name} ({rule.severity.value}{', reported by mailcheck probe' if rule.stage == 'probe' else ''})"
    body = rule.doc.strip()
    return f"{header}\n{'=' * len(header)}\n\n{body}\n\n## How to suppress\n{SUPPRESS.format(id=rule.id)}\n"

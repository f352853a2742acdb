"""mailcheck.suppressions: reading `# mailcheck: ...` directives and crediting them.

The directive grammar is the one the README documents (Suppression):
`# mailcheck: disable-line|disable-next-line|disable-file ID[,ID] [-- reason]`, read from
comments only. Columns are 1-based, as every finding's.
"""

from __future__ import annotations

import pytest

from mailcheck.findings import Finding, Severity
from mailcheck.suppressions import Entry, Problem, Suppressions, parse_suppressions

KNOWN = {"MC203": "MC203", "nonstandard-port": "MC203", "MC205": "MC205", "cleartext-transport": "MC205"}


def parse(line: str, number: int = 3) -> Suppressions:
    """The directives of a file whose line `number` is `line`; its comment starts at the first "#"."""
    lines = [""] * (number - 1) + [line]
    return parse_suppressions({number: line[line.index("#") :]}, KNOWN.get, lines)


def finding(rule: str, line: int) -> Finding:
    return Finding(rule, "name", Severity.ERROR, "f.mail.yaml", line, 1, None, "", "message", "hint")


@pytest.mark.parametrize(("scope", "target"), [("disable-line", 3), ("disable-next-line", 4), ("disable-file", None)])
def test_each_scope_covers_its_lines(scope: str, target: int | None) -> None:
    line = f"    port: 2525  # mailcheck: {scope} MC203"
    (entry,) = parse(line).entries
    assert entry == Entry("MC203", "MC203", scope, 3, line.index("MC203") + 1, target)


def test_ids_and_names_separated_by_commas_each_with_its_column() -> None:
    line = "# mailcheck: disable-file MC203, cleartext-transport"
    entries = parse(line, number=1).entries
    assert [(e.rule, e.text, e.column) for e in entries] == [
        ("MC203", "MC203", line.index("MC203") + 1),
        ("MC205", "cleartext-transport", line.index("cleartext") + 1),
    ]


def test_a_reason_and_a_following_comment_name_no_rules() -> None:
    assert [e.rule for e in parse("x: 1  # mailcheck: disable-line MC205 -- MC203 is fine here").entries] == ["MC205"]
    assert [e.rule for e in parse("x: 1  # mailcheck: disable-line MC205 # MC203").entries] == ["MC205"]


def test_a_directive_may_follow_another_comment() -> None:
    (entry,) = parse("x: 1  # legacy relay # mailcheck: disable-line MC205").entries
    assert entry.rule == "MC205"


@pytest.mark.parametrize(
    "comment",
    [
        "# write `# mailcheck: disable-line MC205` on the line",  # prose about a directive
        "# mailcheck is great",
        "# see mailcheck:disable-line MC205",
    ],
)
def test_text_that_only_mentions_mailcheck_is_no_directive(comment: str) -> None:
    found = parse(f"x: 1  {comment}")
    assert found.entries == [] and found.problems == []


@pytest.mark.parametrize(
    ("line", "kind", "text", "column"),
    [
        ("x: 1  # mailcheck:", "no-directive", "", 7),
        ("x: 1  # mailcheck: disable-lines MC205", "unknown-directive", "disable-lines", 20),
        ("x: 1  # mailcheck: disable-line", "no-rule", "disable-line", 7),
        ("x: 1  # mailcheck: disable-line -- no rule named", "no-rule", "disable-line", 7),
        ("x: 1  # mailcheck: disable-line MC999", "unknown-rule", "MC999", 33),
    ],
)
def test_malformed_directives_are_problems_at_their_place(line: str, kind: str, text: str, column: int) -> None:
    found = parse(line)
    assert found.entries == []
    assert found.problems == [Problem(kind, 3, column, text)]


def test_an_unknown_rule_does_not_void_the_known_ones() -> None:
    found = parse("x: 1  # mailcheck: disable-line MC999, MC205")
    assert [e.rule for e in found.entries] == ["MC205"]
    assert [p.kind for p in found.problems] == ["unknown-rule"]


def test_hide_credits_the_narrowest_directive_and_reports_the_rest_unused() -> None:
    found = parse_suppressions(
        {1: "# mailcheck: disable-file MC205", 5: "# mailcheck: disable-line MC205"},
        KNOWN.get,
        ["# mailcheck: disable-file MC205", "", "", "", "x: 1  # mailcheck: disable-line MC205"],
    )
    assert found.hide(finding("MC205", 5))
    assert [(e.scope, e.line) for e in found.unused()] == [("disable-file", 1)]
    assert found.hide(finding("MC205", 9))  # elsewhere in the file: the file-wide one
    assert found.unused() == []


def test_hide_matches_the_rule_and_the_line() -> None:
    found = parse("port: 2525  # mailcheck: disable-next-line MC203")
    assert not found.hide(finding("MC203", 3))  # the directive's own line is not the next one
    assert not found.hide(finding("MC205", 4))
    assert found.hide(finding("MC203", 4))


def test_a_rule_named_twice_is_credited_once() -> None:
    found = parse("x: 1  # mailcheck: disable-line MC205, cleartext-transport")
    first, second = found.entries
    assert (first.duplicate, second.duplicate) == (False, True)
    assert found.hide(finding("MC205", 3))
    assert found.unused() == [second]

"""The review's Markdown and JSON, for text from the files that tries to escape its place."""

from __future__ import annotations

import json
import os
import re

import pytest

from mailcheck.findings import Finding, Severity
from mailcheck.reporters.json import review_json as to_json
from mailcheck.reporters.markdown import markdown
from mailcheck.review import ReviewResult
from mailcheck.review.classify import Effect
from mailcheck.review.compare import Change, Rename, Review
from mailcheck.secrets import Redactor
from tests.markdown_read import code_span_text, code_spans, prose_text, table_cells

NOT_UTF8 = os.fsdecode(b"caf\xff.mail.yaml")
HOSTILE = [
    ("``", "``"),
    ("```x```", "```x```"),
    ("`", "`"),
    ("`start", "`start"),
    ("end`", "end`"),
    ("a|b", "a|b"),
    ("a\\|b", "a\\|b"),
    ("ends with \\", "ends with \\"),
    ("  both sides  ", "  both sides  "),
    (" ", " "),
    ("esc\x1b[31m", "esc\\x1b[31m"),
    ("cr\rlf\n", "cr\\x0dlf\\x0a"),
    ("rlo\u202etxt", "rlo\\u202etxt"),
    ("*b* _i_ [l](x) <b> &amp; ~~s~~", "*b* _i_ [l](x) <b> &amp; ~~s~~"),
]


def _finding(file: str, message: str) -> Finding:
    return Finding("MC303", "inline-secret", Severity.ERROR, file, 3, 5, "p", "profiles.p", message, "hint")


def _review(text: str, file: str = "app.mail.yaml") -> Review:
    return Review(
        base=f"base {text}",
        head="head",
        added=[(file, f"new {text}")],
        removed=[(file, text)],
        renamed=[Rename((file, f"old {text}"), (file, f"renamed {text}"), same_settings=False)],
        changes=[Change(file, text, f"x.{text}", text, f"{text}!", Effect.WEAKENING, f"why {text}")],
        introduced=[_finding(file, f"message {text}")],
    )


@pytest.mark.parametrize(("text", "shown"), HOSTILE)
def test_each_table_cell_holds_exactly_its_value(text: str, shown: str) -> None:
    [row] = [line for line in markdown(_review(text)).splitlines() if line.startswith("| **")]
    cells = table_cells(row)
    assert len(cells) == 6, cells
    profile, file = cells[1].rsplit(" (", 1)
    assert code_span_text(profile, in_table=True) == shown
    assert code_span_text(file.removesuffix(")"), in_table=True) == "app.mail.yaml"
    assert code_span_text(cells[2], in_table=True) == f"x.{shown}"
    assert code_span_text(cells[3], in_table=True) == shown
    assert code_span_text(cells[4], in_table=True) == f"{shown}!"
    assert prose_text(cells[5]) == f"why {shown}".strip()  # a cell's outer spaces are not its text


@pytest.mark.parametrize(("text", "shown"), HOSTILE)
def test_list_lines_and_the_heading_show_names_and_messages_as_written(text: str, shown: str) -> None:
    lines = markdown(_review(text)).splitlines()
    assert code_spans(lines[0]) == [f"base {shown}", "head"]
    by_start = {line.split(" ", 2)[1]: line for line in lines if line.startswith("- ")}
    assert code_spans(by_start["added"]) == [f"new {shown}", "app.mail.yaml"]
    assert code_spans(by_start["removed"]) == [shown, "app.mail.yaml"]
    assert code_spans(by_start["renamed"]) == [f"old {shown}", "app.mail.yaml", f"renamed {shown}", "app.mail.yaml"]
    finding = by_start["error"]
    assert code_spans(finding) == ["app.mail.yaml:3"]
    assert prose_text(finding.split("`: ", 1)[1]) == f"message {shown}"


def test_no_control_character_reaches_the_markdown() -> None:
    output = markdown(_review("\x1b]8;;http://x\x07\r\n\u2066\x00\x7f\x9b"))
    assert not [c for c in output if c != "\n" and (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F)]
    assert "\u2066" not in output


def test_a_file_name_that_is_not_utf8_is_shown_escaped_in_both_formats() -> None:
    review = _review("p", file=NOT_UTF8)
    text = markdown(review)
    text.encode("utf-8")  # would raise on a lone surrogate
    assert "(`caf\\xff.mail.yaml`)" in text and "`caf\\xff.mail.yaml:3`" in text
    document = json.loads(to_json(review).encode("utf-8"))
    assert document["changes"][0]["file"] == "caf\\xff.mail.yaml"
    assert document["profiles"]["added"] == [{"file": "caf\\xff.mail.yaml", "profile": "new p"}]
    assert document["findings"]["introduced"][0]["file"] == "caf\\xff.mail.yaml"


def test_json_keeps_values_exact() -> None:
    document = json.loads(to_json(_review("a|b`\n")))
    assert document["changes"][0]["before"] == "a|b`\n"


@pytest.mark.parametrize("secret", ["pa|ss-word-1", 'pa"ss-word-2', "pa\\ss-word-3", "pa`ss*word_4"])
def test_a_secret_is_masked_before_it_is_escaped(secret: str) -> None:
    """Escaped for Markdown (`\\|`) or JSON (`\\"`), a secret no longer matches itself:
    a pass over the finished output would miss it."""
    redactor = Redactor()
    redactor.add(secret)
    review = _review("p")
    review.introduced = [_finding("app.mail.yaml", f"the value {secret} is inline")]
    result = ReviewResult(review, redactor)
    escaped = {secret, json.dumps(secret)[1:-1], re.sub(r"([\\`*_\[\]<&~|])", r"\\\1", secret)}
    for format_name in ("markdown", "json"):
        output = result.render(format_name)
        assert not [form for form in escaped if form in output]
    message = json.loads(result.render("json"))["findings"]["introduced"][0]["message"]
    assert message == "the value **** is inline"


def test_a_short_secret_does_not_break_the_json() -> None:
    redactor = Redactor()
    redactor.add("1")  # `password: 1` is a secret too
    document = json.loads(ReviewResult(_review("p"), redactor).render("json"))
    assert document["summary"]["weakening"] == 1 and document["findings"]["introduced"][0]["line"] == 3

"""Source lines under findings: secrets masked by span, long lines cut to a window, so the
output stays linear in the input."""

from __future__ import annotations

import json

from mailcheck.excerpt import CUT, WINDOW, mask_spans, window
from mailcheck.loader import Mark, Span
from tests.cli_run import mailcheck, repo, write


def test_a_window_keeps_the_caret_on_the_same_character() -> None:
    text = "a" * 500 + "HERE" + "b" * 500
    shown = window(text, 501)
    assert len(shown.text) == WINDOW + 2 * len(CUT)
    assert shown.text.startswith(CUT) and shown.text.endswith(CUT)
    assert shown.text[shown.caret - 1 : shown.caret + 3] == "HERE"


def test_a_short_line_is_shown_whole() -> None:
    shown = window("    port: 465", 11)
    assert (shown.text, shown.caret) == ("    port: 465", 11)


def test_a_span_over_two_lines_masks_each_from_its_indentation() -> None:
    span = Span(Mark(1, 17), Mark(2, 20))
    assert mask_spans("      password: first-half", 1, [span]) == "      password: ****"
    assert mask_spans("        second-half rest", 2, [span]) == "        **** rest"


def one_line_file(profiles: int) -> str:
    body = ", ".join(
        f"p{i}: {{protocol: smtp, host: smtp{i}.example.com, port: 465, security: starttls, "
        f"auth: {{username: u{i}@example.com, password: Zq8-{i:06d}-pw}}}}"
        for i in range(profiles)
    )
    return f"version: 1\nprofiles: {{{body}}}\n"


def test_findings_on_one_long_line_do_not_repeat_the_line(tmp_path) -> None:
    # before: 2,000 profiles on one 150 KB line gave 898 MB of text (the line once per finding)
    source = one_line_file(300)
    write(repo(tmp_path), "flow.mail.yaml", source)
    text = mailcheck(tmp_path, "check", "flow.mail.yaml").stdout
    sarif = mailcheck(tmp_path, "check", "--format", "sarif", "flow.mail.yaml").stdout
    findings = json.loads(mailcheck(tmp_path, "check", "--format", "json", "flow.mail.yaml").stdout)["findings"]
    assert len(findings) == 600  # MC201 and MC303 in each profile
    assert len(text) < 2 * len(findings) * (WINDOW + 400)  # a window per finding, not the line
    snippets = [
        r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"]
        for r in json.loads(sarif)["runs"][0]["results"]
    ]
    assert max(map(len, snippets)) <= WINDOW + 2 * len(CUT)
    assert "Zq8-" not in text and "Zq8-" not in sarif


def test_the_caret_points_at_the_value_inside_the_window(tmp_path) -> None:
    write(repo(tmp_path), "flow.mail.yaml", one_line_file(40))
    text = mailcheck(tmp_path, "check", "flow.mail.yaml").stdout
    blocks = [b for b in text.split("\n\n") if "MC201" in b]
    assert len(blocks) == 40
    for block in blocks:
        source, caret = block.splitlines()[-2:]
        column = caret.index("^") - caret.index("|") + source.index("|")
        assert source[column:].startswith("465"), block

"""Reading back the Markdown `mailcheck diff` writes, the way GitHub's parser reads it.

Small and strict on purpose: enough of GFM tables (spec section 4.10) and CommonMark code
spans (0.31.2, section 6.1) to tell what a reader of the rendered comment would see.
"""

from __future__ import annotations

import re


def table_cells(row: str) -> list[str]:
    """The cells of a GFM table row: split on pipes not escaped by a backslash."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row)[1:-1]]


def code_span_text(markdown: str, *, in_table: bool = False) -> str:
    """What a text that must be exactly one code span shows; fails unless the span covers
    all of it. In a table cell the table's `\\|` escape is undone first, as GFM does."""
    if in_table:
        markdown = markdown.replace("\\|", "|")
    opening = len(markdown) - len(markdown.lstrip("`"))
    assert opening > 0, f"not a code span: {markdown!r}"
    closing = next(  # the span ends at the first backtick string of the same length
        m for m in re.finditer("`+", markdown) if m.start() > 0 and len(m.group()) == opening
    )
    assert closing.end() == len(markdown), f"the span closes early: {markdown!r}"
    text = markdown[opening : closing.start()]
    if text.startswith(" ") and text.endswith(" ") and text.strip(" "):
        text = text[1:-1]  # one space stripped from each end
    return text.replace("\n", " ")  # line endings read as spaces


def code_spans(line: str) -> list[str]:
    """The texts of the code spans in one line, found as CommonMark finds them: a backtick
    string (not backslash-escaped) opens a span that the next backtick string of the same
    length closes, backslashes being literal inside; one with no closer is literal."""
    spans: list[str] = []
    position = 0
    while opener := _OPENER.search(line, position):
        closer = next(
            (m for m in _RUN.finditer(line, opener.end()) if len(m.group()) == len(opener.group())),
            None,
        )
        if closer is None:
            position = opener.end()
            continue
        spans.append(code_span_text(line[opener.start() : closer.end()]))
        position = closer.end()
    return spans


_RUN = re.compile("`+")
_OPENER = re.compile(r"(?<!\\)`+")
_ESCAPABLE = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def prose_text(markdown: str) -> str:
    """Plain text as CommonMark reads it when nothing in it is markup: backslash escapes
    of ASCII punctuation (section 2.4) undone. Fails when a character that starts markup
    (emphasis, code, link, raw HTML, entity, strikethrough) is left unescaped."""
    unescaped = re.sub(rf"\\([{_ESCAPABLE}])", "", markdown)
    assert not re.search(r"[`*_\[\]<&~|]", unescaped), f"markup left in {markdown!r}"
    return re.sub(rf"\\([{_ESCAPABLE}])", r"\1", markdown)

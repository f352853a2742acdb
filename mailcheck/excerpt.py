"""The source line shown under a finding: secrets masked where they are written, control
characters made visible, and cut to a window around the column.

Masking goes by source span first (the loader records where every secret is written, in
any YAML spelling), then by value, for a secret repeated elsewhere (in a comment, say). The
window keeps output linear in the input: a finding on a 150 KB flow-style line shows about
WINDOW characters of it, not the whole line once per finding.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mailcheck.loader import Span
from mailcheck.secrets import MASK, Redactor
from mailcheck.text import visible

WINDOW = 120  # characters of a long line shown around the column
CUT = "…"  # marks where a line was cut

Segments = list[tuple[int, int]]  # 1-based [first, last) columns of a line, sorted, disjoint


@dataclass(frozen=True, slots=True)
class Excerpt:
    text: str  # the shown part of the line
    caret: int  # 1-based column of the finding within `text`


@dataclass
class SourceLines:
    """The lines of one file as findings show them."""

    lines: list[str]
    spans: list[Span]
    redact: Redactor
    _by_line: dict[int, list[Span]] | None = field(default=None, repr=False)
    _masked: dict[int, tuple[str, Segments]] = field(default_factory=dict, repr=False)

    def excerpt(self, line: int, column: int) -> Excerpt | None:
        if not 1 <= line <= len(self.lines):
            return None
        masked, segments = self._masked_line(line)
        caret = _masked_column(column, segments)
        # Cut long lines before the value masking and escaping, with a margin as wide as the
        # longest secret on each side, so that a secret at the edge is still seen whole.
        margin = WINDOW + self.redact.longest
        start = max(0, caret - 1 - margin)
        piece = masked[start : caret - 1 + margin]
        caret -= start
        redacted = self.redact(piece)
        caret = min(_shifted(caret, piece, self.redact), len(redacted) + 1)
        shown = visible(redacted)
        caret = _shifted(caret, redacted, visible)
        cut_head, cut_tail = start > 0, caret - 1 + margin < len(masked)
        return window(shown, caret, cut_head=cut_head, cut_tail=cut_tail)

    def _masked_line(self, line: int) -> tuple[str, Segments]:
        if line not in self._masked:
            text = self.lines[line - 1]
            segments = _merged(c for span in self._spans_on(line) if (c := span.columns_on(line, text)) is not None)
            self._masked[line] = (_apply_mask(text, segments), segments)
        return self._masked[line]

    def _spans_on(self, line: int) -> list[Span]:
        if self._by_line is None:
            self._by_line = {}
            for span in self.spans:
                for number in range(span.start.line, span.end.line + 1):
                    self._by_line.setdefault(number, []).append(span)
        return self._by_line.get(line, [])


def _merged(columns: object) -> Segments:
    merged: list[list[int]] = []
    for first, last in sorted(columns):  # type: ignore[call-overload]
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [(first, last) for first, last in merged]


def _apply_mask(text: str, segments: Segments) -> str:
    out, position = [], 1
    for first, last in segments:
        out += [text[position - 1 : first - 1], MASK]
        position = last
    out.append(text[position - 1 :])
    return "".join(out)


def mask_spans(text: str, line: int, spans: list[Span]) -> str:
    """`text`, line number `line` of a file, with every part inside a secret span masked."""
    return _apply_mask(text, _merged(c for span in spans if (c := span.columns_on(line, text)) is not None))


def _masked_column(column: int, segments: Segments) -> int:
    """Where `column` lands once `segments` are masked (inside a secret: on its mask)."""
    caret = column
    for first, last in segments:
        if column >= last:
            caret += len(MASK) - (last - first)
        elif column >= first:
            caret -= column - first
    return caret


def _shifted(column: int, before: str, transform: Callable[[str], str]) -> int:
    """Where `column` of `before` lands once `transform` rewrote the text before it."""
    return len(transform(before[: column - 1])) + 1


def window(text: str, caret: int, width: int = WINDOW, *, cut_head: bool = False, cut_tail: bool = False) -> Excerpt:
    """At most `width` characters of `text` around `caret`, with CUT where it was cut
    (also where the caller had cut it already)."""
    start = 0
    if len(text) > width:
        start = min(max(0, caret - 1 - width // 2), len(text) - width)
        cut_head, cut_tail = cut_head or start > 0, cut_tail or start + width < len(text)
        text = text[start : start + width]
    head = CUT if cut_head else ""
    return Excerpt(head + text + (CUT if cut_tail else ""), caret - start + len(head))

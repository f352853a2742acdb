"""INI files as go-ini (gopkg.in/ini.v1) reads them with its default options, positions kept.

Grafana loads grafana.ini with go-ini's defaults, and a reader with other rules would check
other values than the app uses. What go-ini does (parser.go, `parse`, `readKeyName`,
`readValue`, https://github.com/go-ini/ini), and so this reader:
- a line whose first non-blank character is `#` or `;` is a comment;
- `[name]` opens a section, up to the last `]`; a section met twice is one section, and a
  key met twice keeps its last value;
- a key ends at the first `=` or `:`; it may be quoted with `"`, `\"\"\"` or a backtick;
- a value in `\"\"\"` or backticks is taken as written, over several lines if it does not
  close on its own; otherwise a trailing `\\` continues it on the next line, an inline
  comment starts at the first `#` or `;` anywhere in it (so `password = a#b` is `a`), and
  then one pair of surrounding `"` or `'` is removed;
- a line that is none of these (no delimiter) is an error: the app does not start.
An app that loads with other options says so: Gitea sets `IgnoreContinuation` (parse_ini's
`continuation=False`), so a trailing `\\` stays in the value and the next line is its own.
Values and keys are kept with their positions; comments with theirs, for suppressions.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mailcheck.loader import Mark, Span, UnreadableDocument
from mailcheck.secrets import is_secret_key
from mailcheck.sources.base import Binding

COMMENT_MARKERS = "#;"
DELIMITERS = "=:"


@dataclass
class Section:
    name: str
    mark: Mark  # of the `[` that first opened it
    entries: dict[str, Binding] = field(default_factory=dict)  # the last value of each key


@dataclass
class IniFile:
    sections: dict[str, Section] = field(default_factory=dict)
    comments: dict[int, str] = field(default_factory=dict)  # line -> the comment's text, from its marker
    # what an inline comment cut off a value: the rest is not part of it (a `#` in a password)
    cut_values: dict[tuple[str, str], Binding] = field(default_factory=dict)

    def section(self, name: str) -> Section | None:
        return self.sections.get(name)


def parse_ini(text: str, *, continuation: bool = True) -> IniFile:
    """Read `text` as go-ini would; raise UnreadableDocument where go-ini refuses the file.
    `continuation=False` is go-ini's `LoadOptions{IgnoreContinuation: true}`: a value ending
    in `\\` is taken as written (parser.go, readValue, checks it before inline comments)."""
    return _Reader(text.split("\n"), continuation=continuation).read()


class _Reader:
    def __init__(self, lines: list[str], *, continuation: bool = True) -> None:
        self.lines = lines
        self.continuation = continuation
        self.number = 0  # of the line being read, 1-based
        self.result = IniFile()

    def read(self) -> IniFile:
        section = Section("DEFAULT", Mark(1, 1))
        while self.number < len(self.lines):
            self.number += 1
            raw = self.lines[self.number - 1]
            line = raw.lstrip()
            indent = len(raw) - len(line)
            if not line.strip():
                continue
            if line[0] in COMMENT_MARKERS:
                self.result.comments[self.number] = line.rstrip()
                continue
            if line[0] == "[":
                section = self._section(line, indent)
                continue
            self._entry(section, line, indent)
        return self.result

    def _section(self, line: str, indent: int) -> Section:
        close = line.rfind("]")
        if close < 0:
            raise self._error("a section header is not closed with `]`", indent + 1)
        name = line[1:close]
        self._comment_after(line, close + 1, indent)
        existing = self.result.sections.get(name)
        if existing is None:
            existing = self.result.sections[name] = Section(name, Mark(self.number, indent + 1))
        return existing

    def _entry(self, section: Section, line: str, indent: int) -> None:
        key, value_start = self._key(line, indent)
        rest = line[value_start:]
        offset = value_start + (len(rest) - len(rest.lstrip()))
        binding, cut = self._value(key, line, offset, indent)
        section.entries[key] = binding
        if cut:
            self.result.cut_values[(section.name, key)] = binding
        else:
            self.result.cut_values.pop((section.name, key), None)

    def _key(self, line: str, indent: int) -> tuple[str, int]:
        """The key and the index in `line` just after its delimiter."""
        quote = '"""' if line.startswith('"""') and len(line) > 6 else line[0] if line[0] in '"`' else ""
        if quote:
            close = line.find(quote, len(quote))
            if close < 0:
                raise self._error("a quoted key is not closed", indent + 1)
            delimiter = _first_of(line, DELIMITERS, close + len(quote))
            if delimiter < 0:
                raise self._error("no `=` after the key: the app refuses the file", indent + 1)
            return line[len(quote) : close].strip(), delimiter + 1
        delimiter = _first_of(line, DELIMITERS, 0)
        if delimiter <= 0:
            problem = (
                "a key is empty" if delimiter == 0 else "a line is neither a key = value, a [section] nor a comment"
            )
            raise self._error(f"{problem}: the app refuses the file", indent + 1)
        return line[:delimiter].strip(), delimiter + 1

    def _value(self, key: str, line: str, offset: int, indent: int) -> tuple[Binding, bool]:
        """The value starting at `line[offset:]`, and whether an inline comment cut it."""
        start = Mark(self.number, indent + offset + 1)
        key_mark = Mark(self.number, indent + 1)
        text = line[offset:]
        stripped = text.rstrip()
        if not stripped:
            return Binding(key, "", key_mark, start, Span(start, start)), False
        quote = '"""' if len(text) > 3 and text.startswith('"""') else "`" if text[0] == "`" else ""
        if quote:
            return self._quoted(key, key_mark, start, text, quote), False
        if self.continuation and stripped.endswith("\\"):
            return self._continued(key, key_mark, start, stripped[:-1]), False
        comment = _first_of(stripped, COMMENT_MARKERS, 0)
        if comment >= 0:
            self.result.comments[self.number] = stripped[comment:]
            value_text = stripped[:comment].rstrip()
        else:
            value_text = stripped
        end = Mark(self.number, start.column + len(value_text))
        return Binding(key, _unquoted(value_text), key_mark, start, Span(start, end)), comment >= 0

    def _quoted(self, key: str, key_mark: Mark, start: Mark, text: str, quote: str) -> Binding:
        body = text[len(quote) :]
        close = body.rfind(quote)
        if close >= 0:
            end = Mark(self.number, start.column + len(quote) + close + len(quote))
            self._comment_after(text, len(quote) + close + len(quote), start.column - 1)
            return Binding(key, body[:close], key_mark, start, Span(start, end))
        parts = [body]
        while self.number < len(self.lines):  # the value goes on until a line holds the quote
            self.number += 1
            following = self.lines[self.number - 1]
            close = following.rfind(quote)
            if close >= 0:
                parts.append(following[:close])
                self._comment_after(following, close + len(quote), 0)
                end = Mark(self.number, close + len(quote) + 1)
                return Binding(key, "\n".join(parts), key_mark, start, Span(start, end))
            parts.append(following)
        raise UnreadableDocument(
            f"a value quoted with {quote} is never closed", f"close it with {quote}: the app refuses the file", start
        )

    def _continued(self, key: str, key_mark: Mark, start: Mark, head: str) -> Binding:
        value, end = head, Mark(self.number, start.column + len(head) + 1)
        while self.number < len(self.lines):
            following = self.lines[self.number].strip()
            if not following:
                break
            self.number += 1
            column = len(self.lines[self.number - 1]) - len(self.lines[self.number - 1].lstrip()) + 1
            value += following
            end = Mark(self.number, column + len(following))
            if not value.endswith("\\"):
                break
            value = value[:-1]
        return Binding(key, value, key_mark, start, Span(start, end))

    def _comment_after(self, text: str, index: int, indent: int) -> None:
        comment = _first_of(text, COMMENT_MARKERS, index)
        if comment >= 0:
            self.result.comments[self.number] = text[comment:].rstrip()

    def _error(self, message: str, column: int) -> UnreadableDocument:
        return UnreadableDocument(message, "fix the line: the app stops at it", Mark(self.number, column))


def _first_of(text: str, characters: str, start: int) -> int:
    found = [i for i in (text.find(c, start) for c in characters) if i >= 0]
    return min(found) if found else -1


def _unquoted(value: str) -> str:
    """go-ini's hasSurroundedQuote: one pair of `"` or `'` around a value with no other."""
    for quote in "\"'":
        if len(value) >= 2 and value[0] == quote and value[-1] == quote and quote not in value[1:-1]:
            return value[1:-1]
    return value


# --- what apps read through go-ini, the same in each ---------------------------------------

# go-ini's parseBool (key.go), exactly: Key.MustBool(default) returns the default for any
# other spelling, so `ture` is false without a word
TRUE = frozenset(["1", "t", "T", "true", "TRUE", "True", "YES", "yes", "Yes", "y", "ON", "on", "On"])
FALSE = frozenset(["0", "f", "F", "false", "FALSE", "False", "NO", "no", "No", "n", "OFF", "off", "Off"])


def written(section: Section, key: str) -> Binding | None:
    """The key's binding when it has a value: an app reads an empty value as its default."""
    binding = section.entries.get(key)
    return binding if binding is not None and binding.value != "" else None


def secret_spans(ini: IniFile, *, is_reference: Callable[[str], bool] = lambda value: False) -> list[Span]:
    """Every value under a secret-looking key in any section (an app's ini holds database and
    admin passwords too), masked wherever a finding's line is shown; a value an inline `#`
    or `;` cut is masked to the end of its line, since the rest is the secret's too. An
    empty value, or one the app reads from elsewhere (`is_reference`), holds no secret."""
    spans = []
    for section in ini.sections.values():
        for key, binding in section.entries.items():
            if not is_secret_key(key) or binding.value == "" or is_reference(binding.value):
                continue
            cut = (section.name, key) in ini.cut_values
            spans.append(Span(binding.span.start, Mark(binding.span.end.line, 10**6) if cut else binding.span.end))
    return spans


def directive_comments(ini: IniFile, masked: list[Span]) -> dict[int, str]:
    """The comments suppressions may be read from: not a "comment" an inline `#` cut from a
    secret, which is the rest of the secret."""
    secret_lines = {line for span in masked for line in range(span.start.line, span.end.line + 1)}
    return {line: text for line, text in ini.comments.items() if line not in secret_lines}

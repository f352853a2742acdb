"""What every adapter builds on: settings as written, profiles with positions, the app's notes.

An adapter reads an app's config file with a real parser that keeps positions, turns the
app's settings into `Binding`s (a key and its value as written), and builds profiles from
them with a `ProfileBuilder`: each value it sets carries the position of the setting it came
from, so a finding about `security` points at `startTLS_policy` in grafana.ini. A value the
app derives from nothing written points at the section (or file top) where it belongs.
What the profile format cannot say (two TLS switches both on, a value the app does not
understand, the app's own constraints) the adapter notes as a problem for the rule that
names it (MC601-MC603).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from mailcheck.loader import START, Document, LoadProblem, Mark, MarkedMap, Span
from mailcheck.secrets import secret_values

Keys = tuple[str, ...]


class App(NamedTuple):
    """The app a config file belongs to, and how its fixes are spelt."""

    name: str  # as `--as` takes it: "grafana"
    title: str  # "Grafana"
    # rule ID -> the fix in the app's own settings, replacing the hint in profile terms
    hints: Mapping[str, str] = {}


class Adapter(Protocol):
    """What an adapter module provides (sources/__init__.py imports it when a file of its app is read)."""

    APP: App

    def recognises(self, text: str) -> bool:
        """Whether `text` holds this app's mail settings (for files a walk found by name)."""
        ...

    def adapt(self, path: Path, text: str) -> Document:
        """The profiles `text` (the file at `path`) configures, marked where it writes them."""
        ...


class Binding(NamedTuple):
    """One setting as written: `host = smtp.example.com:587` in an INI section, a `.env` line."""

    key: str
    value: str  # as the app reads it: quotes removed, escapes decoded
    key_mark: Mark
    value_mark: Mark
    span: Span  # where the value is written, quotes included: what masking covers


@dataclass
class ProfileBuilder:
    """One profile being built from an app's settings, each value with its position."""

    name: str
    mark: Mark  # where the app's settings for it start: a missing key points here
    data: MarkedMap = field(init=False)
    secrets: list[tuple[Span, Any]] = field(default_factory=list)
    deferred: set[Keys] = field(default_factory=set)  # keys the app reads at run time (see `defer`)

    def __post_init__(self) -> None:
        self.data = MarkedMap(self.mark)

    def set(self, keys: Keys, value: Any, binding: Binding | None = None, *, at: Mark | None = None) -> None:
        """Set `keys` (("tls", "verify")) to `value`, written at `binding`'s value (or at `at`;
        else at the profile's start, for a value the app derives from nothing written)."""
        value_mark = at or (binding.value_mark if binding else self.mark)
        key_mark = binding.key_mark if binding else value_mark
        node = self.data
        for key in keys[:-1]:
            child = node.get(key)
            if not isinstance(child, MarkedMap):
                child = MarkedMap(value_mark)
                node[key], node.key_marks[key], node.value_marks[key] = child, key_mark, value_mark
            node = child
        node[keys[-1]] = _marked(value, value_mark)
        node.key_marks[keys[-1]], node.value_marks[keys[-1]] = key_mark, value_mark

    def secret(self, keys: Keys, value: Any, binding: Binding) -> None:
        """Set a secret: where it is written inline, its span is masked in every output (a
        reference to one, `{env: NAME}`, is not a secret and stays readable)."""
        self.set(keys, value, binding)
        if secret_values(value):
            self.secrets.append((binding.span, value))

    def defer(self, keys: Keys, placeholder: Any, binding: Binding) -> None:
        """A value the app reads at run time (`$__env{SMTP_HOST}`, `os.environ["EMAIL_HOST"]`):
        `placeholder` (of the field's type; for text, the expression as written) stands in
        for it, readable in messages, and rules that judge a value's form skip it
        (ProfileView.is_deferred). The probe does not use such a profile."""
        self.set(keys, placeholder, binding)
        self.deferred.add(keys)


def _marked(value: Any, mark: Mark) -> Any:
    """Mappings (a `{env: NAME}` reference) are marked where the value is written."""
    if not isinstance(value, dict) or isinstance(value, MarkedMap):
        return value
    marked = MarkedMap(mark)
    for key, item in value.items():
        marked[key] = item
        marked.key_marks[key] = marked.value_marks[key] = mark
    return marked


def note(rule: str, at: Binding | Mark, message: str, hint: str, path: Keys = ()) -> LoadProblem:
    """A problem for rule `rule` (MC601-MC603) at a setting as written, or at a position."""
    mark = at.value_mark if isinstance(at, Binding) else at
    return LoadProblem(rule, message, hint, mark, path)


def adapted_document(
    path: Path,
    text: str,
    app: App,
    profiles: Iterable[ProfileBuilder],
    *,
    notes: Iterable[LoadProblem] = (),
    comments: Mapping[int, str] | None = None,
    comment_markers: str = "#",
    masked: Iterable[Span] = (),
    profile_apps: Mapping[str, App] | None = None,
) -> Document:
    """The document an app's file stands for: version 1 and its profiles, each value marked
    where the app's file writes it. `masked` adds spans to mask that are not profile
    secrets (a password the app would read but no profile uses); `profile_apps` names, for a
    file several apps read (a Compose file), the app of each profile, whose hints its
    findings get."""
    built = list(profiles)
    by_name = MarkedMap(START)
    for profile in built:
        by_name[profile.name] = profile.data
        by_name.key_marks[profile.name] = by_name.value_marks[profile.name] = profile.mark
    data = MarkedMap(START)
    data["version"], data["profiles"] = 1, by_name
    data.value_marks["profiles"] = data.key_marks["profiles"] = START
    spans = [span for profile in built for span, _ in profile.secrets] + list(masked)
    values = [text for profile in built for _, value in profile.secrets for text in secret_values(value)]
    return Document(
        path,
        text.splitlines(),
        data,
        problems=list(notes),
        secret_spans=spans,
        secret_values=values,
        comments=dict(comments or {}),
        comment_markers=comment_markers,
        app=app,
        profile_apps=dict(profile_apps or {}),
        deferred={p.name: frozenset(p.deferred) for p in built if p.deferred},
    )

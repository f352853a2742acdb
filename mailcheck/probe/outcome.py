"""What a probe step concludes: an outcome of one of the probe rules (MC501-MC520).

The rule modules build outcomes (they own the wording, next to their documentation);
the session raises them to end a probe, or notes them (warnings) and goes on. The
runner turns each into a Finding located at the profile value it is about.
"""

from __future__ import annotations

from mailcheck.findings import Rule

Keys = tuple[str, ...]


class Outcome(Exception):
    """A rule's verdict on one profile. `keys` are candidate profile keys to point at:
    the first one the profile writes itself is used, the last one otherwise."""

    def __init__(self, rule: Rule, keys: tuple[Keys, ...], message: str, hint: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.keys = keys
        self.message = message
        self.hint = hint


def quote(text: str, limit: int = 200) -> str:
    """Server text fit for a one-line message: control characters escaped, length capped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


PORT_OR_HOST: tuple[Keys, ...] = (("port",), ("host",))

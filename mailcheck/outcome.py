"""What a probe step concludes: an outcome of one of the probe rules (MC501-MC525).

Here, in the core, not in mailcheck.probe: the rule modules build outcomes, and `mailcheck
check` loads the rules but never the probe.

Each probe rule module has its own Outcome, a subclass of the one here, and the functions
that build it (they own the wording, next to their documentation); the session raises them
to end a probe, or notes them (warnings) and goes on. The runner turns each into a Finding
of the rule whose class it is (mailcheck.rules.probe_rule_of), located at the profile value
it is about: an outcome names no rule, so none can be reported under another rule's ID.
"""

from __future__ import annotations

Keys = tuple[str, ...]


class Outcome(Exception):
    """A probe rule's verdict on one profile (raised as the rule module's subclass).
    `keys` are candidate profile keys to point at: the first one the profile writes
    itself is used, the last one otherwise."""

    def __init__(self, keys: tuple[Keys, ...], message: str, hint: str) -> None:
        super().__init__(message)
        self.keys = keys
        self.message = message
        self.hint = hint


def quote(text: str, limit: int = 200) -> str:
    """Server text fit for a one-line message: control characters escaped, length capped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    return shown if len(shown) <= limit else shown[: limit - 3] + "..."


PORT_OR_HOST: tuple[Keys, ...] = (("port",), ("host",))

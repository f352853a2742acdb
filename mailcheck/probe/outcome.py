"""The probe outcome type, which lives in the core (mailcheck.outcome): re-exported here
for the probe modules and callers that import it from the probe."""

from __future__ import annotations

from mailcheck.outcome import PORT_OR_HOST, Keys, Outcome, quote

__all__ = ["PORT_OR_HOST", "Keys", "Outcome", "quote"]

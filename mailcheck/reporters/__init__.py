"""Output formats: one Reporter class per format (see base.py), found by name here.

The registry names each class by module and class name, and a class is imported when it
is asked for, so a run loads only the formats it writes (`check` to a terminal: text).
"""

from __future__ import annotations

import importlib

from mailcheck.reporters.base import FormatUnavailable, Reporter

__all__ = ["REPORTERS", "FormatUnavailable", "Reporter", "reporter_class", "reporter_for"]

# format name -> "module:Class" under mailcheck.reporters
REPORTERS: dict[str, str] = {
    "text": "text:TextReporter",
    "json": "json:JsonReporter",
    "github": "github:GithubReporter",
    "sarif": "sarif:SarifReporter",
    "gitlab": "gitlab:GitlabReporter",
    "junit": "junit:JunitReporter",
    "markdown": "markdown:MarkdownReporter",
    "openmetrics": "openmetrics:OpenMetricsReporter",
}


def reporter_class(format_name: str) -> type[Reporter]:
    """The Reporter class of the format named `format_name`; KeyError for an unknown name."""
    module_name, _, class_name = REPORTERS[format_name].partition(":")
    found = getattr(importlib.import_module(f"{__name__}.{module_name}"), class_name)
    if not (isinstance(found, type) and issubclass(found, Reporter)):
        raise TypeError(f"{REPORTERS[format_name]} is not a Reporter")
    return found


def reporter_for(format_name: str, command: str) -> type[Reporter]:
    """The class that renders `command`'s reports as `format_name`, else FormatUnavailable."""
    try:
        found = reporter_class(format_name)
    except KeyError:
        raise FormatUnavailable(format_name, command) from None
    if command not in found.renders:
        raise FormatUnavailable(format_name, command)
    return found

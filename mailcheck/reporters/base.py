"""What every output format is: a Reporter class that renders the reports it declares.

A format whose output is the same for every command it renders implements `render_any`,
which reads only the report contract (mailcheck.report.Report); one whose layout differs
by command implements `render_check`, `render_probe` or `render_diff`, which get the
concrete report. `render` checks the report's command against `renders` and sends it on.
"""

from __future__ import annotations

import abc
from typing import TYPE_CHECKING, ClassVar

if TYPE_CHECKING:
    from typing import TypeAlias

    from mailcheck.probe.report import ProbeReport
    from mailcheck.report import CheckReport, Command, Report
    from mailcheck.review import ReviewResult

    # Every report a command makes, told apart by their `command`.
    AnyReport: TypeAlias = CheckReport | ProbeReport | ReviewResult


class FormatUnavailable(LookupError):
    """A format that does not exist, or that does not render this command's reports."""

    def __init__(self, format_name: str, command: str) -> None:
        super().__init__(f"format {format_name} is not available for {command}")


class Reporter(abc.ABC):
    """One output format, rendering a whole report to one string."""

    name: ClassVar[str]  # the format's name in --format, --output and the registry
    renders: ClassVar[frozenset[Command]]  # the commands whose reports it renders

    def __init__(self, *, color: bool = False) -> None:
        self.color = color  # ANSI colours, for a terminal: only formats for people use them

    def render(self, report: AnyReport) -> str:
        if report.command not in self.renders:
            raise FormatUnavailable(self.name, report.command)
        if report.command == "check":
            return self.render_check(report)
        if report.command == "probe":
            return self.render_probe(report)
        return self.render_diff(report)

    def render_check(self, report: CheckReport) -> str:
        return self.render_any(report)

    def render_probe(self, report: ProbeReport) -> str:
        return self.render_any(report)

    def render_diff(self, report: ReviewResult) -> str:
        return self.render_any(report)

    def render_any(self, report: Report) -> str:
        """The one layout of a format that renders every command's report the same way."""
        raise NotImplementedError(f"{type(self).__name__} declares {report.command} but has no layout for it")

"""JUnit XML for CI dashboards: a test suite per file, a test case per profile.

A profile with an error-level finding fails (its findings are the failure's text);
warnings and infos go to the case's output. Built with xml.etree, which escapes; text
is also stripped of the characters XML 1.0 cannot carry at all (a server can send any byte).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mailcheck.findings import Finding, Severity
from mailcheck.format import profiles_of
from mailcheck.reporters.base import Reporter
from mailcheck.reporters.text import format_finding

if TYPE_CHECKING:
    from mailcheck.checker import FileResult
    from mailcheck.probe.report import ProbeReport
    from mailcheck.report import CheckReport

FILE_CASE = "(file)"  # the test case for findings about a file rather than one profile
_NOT_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _text(findings: Iterable[Finding]) -> str:
    return "\n".join(format_finding(f, None, color=False) for f in findings)


class _Suites:
    """The document being built, with the counts JUnit readers expect on every level."""

    def __init__(self, name: str) -> None:
        self.root = ET.Element("testsuites", name=name)
        self.suites: dict[str, ET.Element] = {}

    def case(self, file: str, name: str, seconds: float = 0.0) -> ET.Element:
        suite = self.suites.get(file)
        if suite is None:
            suite = self.suites[file] = ET.SubElement(self.root, "testsuite", name=_clean(file))
        return ET.SubElement(suite, "testcase", classname=_clean(file), name=_clean(name), time=f"{seconds:.3f}")

    def judge(self, case: ET.Element, findings: list[Finding], extra_output: str = "") -> None:
        """A failure for error findings; everything else as output."""
        errors = [f for f in findings if f.severity is Severity.ERROR]
        others = [f for f in findings if f.severity is not Severity.ERROR]
        if errors:
            first = errors[0]
            failure = ET.SubElement(case, "failure", type=first.rule, message=_clean(f"{first.rule} {first.message}"))
            failure.text = _clean(_text(errors))
        output = "\n".join(part for part in (_text(others), extra_output) if part)
        if output:
            ET.SubElement(case, "system-out").text = _clean(output)

    def fail(self, case: ET.Element, kind: str, message: str) -> None:
        ET.SubElement(case, "failure", type=kind, message=_clean(message)).text = _clean(message)

    def render(self) -> str:
        totals = {"tests": 0, "failures": 0, "time": 0.0}
        for suite in self.suites.values():
            cases = suite.findall("testcase")
            counts = {
                "tests": len(cases),
                "failures": sum(1 for c in cases if c.find("failure") is not None),
                "time": sum(float(c.get("time", "0")) for c in cases),
            }
            suite.set("tests", str(counts["tests"]))
            suite.set("failures", str(counts["failures"]))
            suite.set("errors", "0")
            suite.set("time", f"{counts['time']:.3f}")
            for key in totals:
                totals[key] += counts[key]
        self.root.set("tests", str(totals["tests"]))
        self.root.set("failures", str(totals["failures"]))
        self.root.set("errors", "0")
        self.root.set("time", f"{totals['time']:.3f}")
        ET.indent(self.root)
        return ET.tostring(self.root, encoding="unicode", xml_declaration=True) + "\n"


def _profile_names(result: FileResult) -> list[str]:
    profiles = profiles_of(result.document.data) if result.document is not None else None
    return [str(name) for name in profiles] if profiles is not None else []


class JunitReporter(Reporter):
    name = "junit"
    renders = frozenset({"check", "probe"})

    def render_check(self, report: CheckReport) -> str:
        """A case per profile of each file, and one for the findings about the file itself."""
        suites = _Suites("mailcheck check")
        for result in report.results:
            names = _profile_names(result)
            for name in names:
                suites.judge(suites.case(result.file, name), [f for f in result.findings if f.profile == name])
            about_file = [f for f in result.findings if f.profile not in names]
            if about_file or not names:
                suites.judge(suites.case(result.file, FILE_CASE), about_file)
        return suites.render()

    def render_probe(self, report: ProbeReport) -> str:
        """A case per profile probed, with its steps and lint findings as output; a failed
        case per profile that could not be probed."""
        suites = _Suites("mailcheck probe")
        for result in report.results:
            case = suites.case(result.file, result.profile, result.seconds)
            lint = [f for f in report.lint_findings if f.file == result.file and f.profile == result.profile]
            steps = "\n".join(f"{s.name}: {s.status} {s.seconds:.3f}s {s.detail}".rstrip() for s in result.steps)
            lint_text = f"lint:\n{_text(lint)}" if lint else ""
            suites.judge(case, result.findings, "\n".join(part for part in (f"steps:\n{steps}", lint_text) if part))
        for skipped in report.not_probed:
            case = suites.case(skipped.file, skipped.profile or FILE_CASE)
            suites.fail(case, "not-probed", f"not probed: {skipped.reason}")
        return suites.render()

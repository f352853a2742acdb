"""Machine-readable output: the documented JSON shape, stable across versions."""

from __future__ import annotations

import json
from typing import Any

from mailcheck import __version__


def render_check(report: Any, *, color: bool = False) -> str:
    document = {
        "tool": "mailcheck",
        "version": __version__,
        "summary": report.summary(),
        "findings": [f.as_dict() for f in report.findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def render_probe(report: Any, *, color: bool = False) -> str:
    document = {
        "tool": "mailcheck",
        "version": __version__,
        "summary": report.summary(),
        "seconds": round(report.seconds, 3),
        "results": [r.as_dict() for r in report.results],
        "not_probed": [n.as_dict() for n in report.not_probed],
        "lint": [f.as_dict() for f in report.lint_findings],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

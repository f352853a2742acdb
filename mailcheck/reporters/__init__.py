"""Output formats. Each module renders a report to a string; the CLI picks one by name."""

from __future__ import annotations

import importlib
from typing import Any, Protocol


class Renderer(Protocol):
    def __call__(self, report: Any, *, color: bool = False) -> str: ...


CHECK_FORMATS = ("text", "json", "github")


def renderer(format_name: str, command: str = "check") -> Renderer:
    """The `render_<command>` function of the reporter module named `format_name`."""
    module = importlib.import_module(f"{__name__}.{format_name}")
    return getattr(module, f"render_{command}")

"""Where a report goes: `--format` for the terminal, `--output FORMAT[:PATH]` for more.

One run renders the same report several times (text to the terminal, SARIF to a file for
code scanning) instead of being run once per format. `check` and `probe` share this module:
a command adds the options with `output_options(command)` and calls `emit(...)`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

FORMATS = ("text", "json", "github", "sarif", "gitlab", "junit")
STDOUT = "-"

F = TypeVar("F", bound=Callable[..., Any])


class OutputError(Exception):
    """An output cannot be written or the outputs contradict each other; a one-line message."""


@dataclass(frozen=True)
class Output:
    format: str
    path: Path | None  # None: standard output

    def __str__(self) -> str:
        return f"{self.format}:{self.path}" if self.path else self.format


class OutputSpec(click.ParamType):
    """FORMAT or FORMAT:PATH; `-` as PATH is standard output."""

    name = "FORMAT[:PATH]"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> Output:
        if isinstance(value, Output):
            return value
        name, _, path = str(value).partition(":")
        if name not in FORMATS:
            self.fail(
                f"unknown format {name!r} in {value!r}; choose from {', '.join(FORMATS)}",
                param,
                ctx,
            )
        if _ and not path:
            self.fail(
                f"no file after {name + ':'!r}; give FORMAT:PATH, or FORMAT alone for the terminal",
                param,
                ctx,
            )
        return Output(name, None if path in ("", STDOUT) else Path(path))


def output_options(command: str) -> Callable[[F], F]:
    """The `--format` and `--output` options, as one decorator for `check` and `probe`."""

    def decorate(function: F) -> F:
        function = click.option(
            "--output",
            "outputs",
            multiple=True,
            type=OutputSpec(),
            help=f"Also write the {command} report in FORMAT to PATH (repeatable); FORMAT alone "
            "replaces the terminal format. Example: --output sarif:mailcheck.sarif",
        )(function)
        return click.option(
            "--format",
            "format_name",
            type=click.Choice(FORMATS),
            help="Terminal output format [default: text; github on GitHub Actions].",
        )(function)

    return decorate


def plan(
    format_name: str | None, outputs: tuple[Output, ...], default_format: str
) -> list[Output]:
    """The outputs of a run: exactly one on the terminal, each file once."""
    terminal = [o for o in outputs if o.path is None]
    if format_name is not None:
        terminal.insert(0, Output(format_name, None))
    if len(terminal) > 1:
        raise OutputError(
            f"only one output can go to the terminal, got {', '.join(map(str, terminal))}"
        )
    files = [o for o in outputs if o.path is not None]
    seen: dict[str, Output] = {}
    for output in files:
        key = os.path.abspath(output.path)  # type: ignore[arg-type]
        if key in seen:
            raise OutputError(
                f"{output.path} is given twice ({seen[key]} and {output})"
            )
        seen[key] = output
    return (terminal or [Output(default_format, None)]) + files


def emit(report: Any, command: str, outputs: list[Output], *, color: bool) -> None:
    """Render `report` once per output: the terminal first, then each file, replaced atomically."""
    for output in sorted(outputs, key=lambda o: o.path is not None):
        text = _renderer(output.format, command)(
            report, color=color and output.path is None
        )
        if output.path is None:
            click.echo(text, nl=False, color=True)
        else:
            write_atomic(output.path, text)


def _renderer(format_name: str, command: str) -> Callable[..., str]:
    from mailcheck.reporters import renderer

    try:
        return renderer(format_name, command)
    except (ImportError, AttributeError):
        raise OutputError(
            f"format {format_name} is not available for {command}"
        ) from None


def write_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` so readers see the old file or the new one, never half of it."""
    import tempfile  # only when a file is written: keeps `mailcheck --version` quick

    folder = path.parent if str(path.parent) else Path(".")
    try:
        mode = path.stat().st_mode & 0o7777 if path.exists() else _default_mode()
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(
            temp, mode
        )  # mkstemp makes 0600; a report is as readable as any new file
        os.replace(temp, path)
    except OSError as err:
        Path(temp).unlink(missing_ok=True)
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask

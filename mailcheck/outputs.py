"""Where a report goes: `--format` for the terminal, `--output FORMAT[:PATH]` for more.

One run renders the same report several times (text to the terminal, SARIF to a file for
code scanning) instead of being run once per format. `check` and `probe` share this module:
a command adds the options with `output_options(command)` and calls `emit(...)`, which
renders with the format's Reporter (mailcheck.reporters).
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from mailcheck.reporters import Reporter
    from mailcheck.reporters.base import AnyReport

# The formats `check` and `probe` both render (the registry, mailcheck.reporters, also holds
# `diff`'s markdown); listed here so that building the options imports no reporter.
FORMATS = ("text", "json", "github", "sarif", "gitlab", "junit")
# Formats of one of the two only (`openmetrics`: the probe's measurements). Both commands take
# every name, and the one that does not render it refuses it in one line, before writing
# anything (the registry's "format openmetrics is not available for check"), exit 2.
PROBE_ONLY_FORMATS = ("openmetrics",)
OPTION_FORMATS = FORMATS + PROBE_ONLY_FORMATS
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


if TYPE_CHECKING:
    _OutputParamType = click.ParamType[Output]  # generic in click's annotations since 8.2
else:
    _OutputParamType = click.ParamType  # and not subscriptable at run time in click 8.1


class OutputSpec(_OutputParamType):
    """FORMAT or FORMAT:PATH; `-` as PATH is standard output."""

    name = "FORMAT[:PATH]"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Output:
        if isinstance(value, Output):
            return value
        name, _, path = str(value).partition(":")
        if name not in OPTION_FORMATS:
            self.fail(
                f"unknown format {name!r} in {value!r}; choose from {', '.join(OPTION_FORMATS)}",
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
            type=click.Choice(OPTION_FORMATS),
            help="Terminal output format [default: text; github on GitHub Actions].",
        )(function)

    return decorate


def plan(format_name: str | None, outputs: tuple[Output, ...], default_format: str) -> list[Output]:
    """The outputs of a run: exactly one on the terminal, each file once."""
    terminal = [o for o in outputs if o.path is None]
    if format_name is not None:
        terminal.insert(0, Output(format_name, None))
    if len(terminal) > 1:
        raise OutputError(f"only one output can go to the terminal, got {', '.join(map(str, terminal))}")
    files = [o for o in outputs if o.path is not None]
    seen: dict[str, Output] = {}
    for output in files:
        assert output.path is not None
        key = os.path.abspath(output.path)
        if key in seen:
            raise OutputError(f"{output.path} is given twice ({seen[key]} and {output})")
        seen[key] = output
    return (terminal or [Output(default_format, None)]) + files


def refuse_inputs(outputs: list[Output], inputs: Iterable[Path]) -> None:
    """OutputError when a report would be written over a file being checked (or read)."""
    files = [o for o in outputs if o.path is not None]
    if not files:
        return
    given = {os.path.realpath(p): p for p in inputs}
    for output in files:
        assert output.path is not None
        target = os.path.realpath(output.path)
        same = given.get(target) or next((p for p in given.values() if _same_file(p, output.path)), None)
        if same is not None:
            raise OutputError(f"--output {output} would overwrite {same}, which is being checked")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)  # a hard link is the same file under another name
    except OSError:
        return False


def emit(report: AnyReport, command: str, outputs: list[Output], *, color: bool) -> None:
    """Render `report` (made by `command`) once per output: the terminal first, then each
    file. A file that cannot be written does not stop the others; the failures are one
    OutputError after. A format that does not render `command`'s reports is an OutputError,
    raised before anything is printed or written."""
    failures: list[str] = []
    ordered = sorted(outputs, key=lambda o: o.path is not None)
    reporters = [_reporter(output.format, command) for output in ordered]
    for output, reporter_class in zip(ordered, reporters, strict=True):
        reporter = reporter_class(color=color and output.path is None)
        text = reporter.render(report)
        if output.path is None:
            click.echo(text, nl=False, color=True)
            continue
        try:
            write_report(output.path, text)
        except OutputError as err:
            failures.append(str(err))
    if failures:
        raise OutputError("; ".join(failures))


def _reporter(format_name: str, command: str) -> type[Reporter]:
    from mailcheck.reporters import FormatUnavailable, reporter_for

    try:
        return reporter_for(format_name, command)
    except FormatUnavailable as err:
        raise OutputError(str(err)) from None


def write_report(path: Path, text: str) -> None:
    """Write a report to `path` without harming what is there.

    A regular file (or nothing yet) is replaced atomically; a character device or FIFO
    (`/dev/null`, `/dev/stdout`, a pipe to another program) is written to as a stream and
    never replaced; a symlink is followed and its target handled so, never replaced itself.
    Anything else (a directory, a socket, a block device) is refused.
    """
    data = text.encode("utf-8", "backslashreplace")
    try:
        info = os.stat(path)  # what the path leads to, through any symlinks
    except FileNotFoundError:
        info = None  # nothing there yet, or a symlink to nothing yet
    except OSError as err:
        raise OutputError(f"cannot write {path}: {err.strerror or err}") from None
    if info is not None and (stat.S_ISCHR(info.st_mode) or stat.S_ISFIFO(info.st_mode)):
        _write_stream(path, data)  # opened by its own name: /dev/stdout leads to a pipe, not a path
    elif info is None or stat.S_ISREG(info.st_mode):
        _replace_atomically(path, Path(os.path.realpath(path)), data, info)
    else:
        kind = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file, device or FIFO"
        raise OutputError(f"cannot write {path}: it is {kind}")


def _replace_atomically(shown: Path, target: Path, data: bytes, info: os.stat_result | None) -> None:
    """Readers see the old file or the new one, never half of it; no temporary file stays."""
    import tempfile  # only when a file is written: keeps `mailcheck --version` quick

    mode = stat.S_IMODE(info.st_mode) if info is not None else _default_mode()
    temp: str | None = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, mode)  # mkstemp makes 0600; a report is as readable as any new file
        os.replace(temp, target)
        temp = None
    except OSError as err:
        raise OutputError(f"cannot write {shown}: {err.strerror or err}") from None
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def _write_stream(path: Path, data: bytes) -> None:
    """Write to a device or FIFO in place. A FIFO nobody reads would block the open forever:
    it is opened without blocking, which fails at once in that case."""
    import fcntl

    shown = path
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK | os.O_NOCTTY)
    except OSError as err:
        reason = "no process is reading it" if err.errno == errno.ENXIO else err.strerror or str(err)
        raise OutputError(f"cannot write {shown}: {reason}") from None
    try:
        with os.fdopen(fd, "wb") as handle:  # closes fd whatever happens next
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) & ~os.O_NONBLOCK)
            handle.write(data)
    except OSError as err:
        raise OutputError(f"cannot write {shown}: {err.strerror or err}") from None


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask

"""What the command line's parts share: exit codes, the one-line error, colour and format.

cli.py and every command module import this; it imports neither, so the command line has
no import cycle. A command returns its exit code; cli.py ends the run with it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from mailcheck.sources import Source

EXIT_OK = 0  # nothing reaches the failing level
EXIT_FINDINGS = 1  # a finding does (check), a profile failed (probe), a change weakens (diff)
EXIT_USAGE = 2  # bad input: options, paths, settings, outputs
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports SIGINT


def usage_error(message: str) -> int:
    """Say what is wrong in one line on stderr, never a traceback: the exit code to return."""
    from mailcheck.text import visible

    click.echo(f"mailcheck: error: {visible(message)}", err=True)
    return EXIT_USAGE


def use_color(stream: object) -> bool:
    """Colour for a terminal, unless NO_COLOR is set."""
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def default_format() -> str:
    """GitHub annotations inside a GitHub Actions job, text elsewhere."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def read_as_option(command: Callable[..., int]) -> Callable[..., int]:
    """`--as APP`, for the commands that read files (check, probe): every file read as that
    app's config file, whatever its name. It passes the Source, or None."""
    from mailcheck.sources import SOURCES, source_named

    def to_source(_ctx: click.Context, _param: click.Parameter, value: str | None) -> Source | None:
        return source_named(value) if value else None

    return click.option(
        "--as",
        "read_as",
        type=click.Choice([source.name for source in SOURCES], case_sensitive=False),
        metavar="APP",
        callback=to_source,
        help="Read every file as this app's config file (" + ", ".join(s.name for s in SOURCES) + "), "
        "whatever its name.",
    )(command)


def profile_file_options(command: Callable[..., int]) -> Callable[..., int]:
    """`-o/--output OUT.mail.yaml` and `--force`, for the commands that write a profile file
    (import, init): standard output by default, a file atomically, never an existing one
    without --force."""
    command = click.option("--force", is_flag=True, help="Replace OUT if it exists.")(command)
    return click.option(
        "-o",
        "--output",
        "output",
        type=click.Path(path_type=Path),
        metavar="OUT.mail.yaml",
        help="Write the profile file here (atomically) instead of standard output; `-` is standard output.",
    )(command)

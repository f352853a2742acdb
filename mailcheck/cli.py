"""The command line. Thin: it parses options, calls the library and returns the exit code.

Each command returns its exit code (the helpers they share are in commands/common.py,
which imports nothing from here); the group ends the run with it, so click's standalone
mode and CliRunner see the same code as `main`. Modules are imported inside commands, so
`mailcheck --version` and a pre-commit run on a few files start in milliseconds.
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from mailcheck import VERSION_TEXT, __version__
from mailcheck.commands.common import (
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    default_format,
    read_as_option,
    usage_error,
    use_color,
)
from mailcheck.commands.diff import diff
from mailcheck.commands.import_cmd import import_command
from mailcheck.commands.init_cmd import init_command
from mailcheck.commands.probe import probe
from mailcheck.outputs import Output, OutputError, emit, output_options, plan

if TYPE_CHECKING:
    from mailcheck.report import CheckReport
    from mailcheck.run import StandardInput
    from mailcheck.sources import Source


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mailcheck", message=VERSION_TEXT)
def cli() -> None:
    """Lint and probe SMTP, IMAP and POP3 mail profiles kept as YAML."""


@cli.result_callback()
def _exit_with(code: int | None) -> NoReturn:
    """End the run with the exit code the command returned."""
    click.get_current_context().exit(EXIT_OK if code is None else code)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_options("check")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    help="Lowest severity that makes the exit code 1 [default: error].",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file: .mailcheck.yaml (YAML), pyproject.toml or another .toml file (default: the nearest .mailcheck.yaml or pyproject.toml with [tool.mailcheck]).",
)
@click.option(
    "--disable",
    multiple=True,
    metavar="ID[,ID...]",
    help="Turn rules off: IDs or names, separated by commas (repeatable).",
)
@click.option(
    "--stdin-filename",
    type=click.Path(path_type=Path),
    metavar="PATH",
    help="With `-` (standard input): the file name to report, to find the settings from and that ca_file paths are relative to.",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Text output: print the findings only, no summary line, nothing when there are none.",
)
@click.option(
    "--no-gitignore",
    "respect_gitignore",
    is_flag=True,
    flag_value=False,
    default=True,
    help="Search directories without skipping the files git ignores.",
)
@read_as_option
def check(
    paths: tuple[Path, ...],
    format_name: str | None,
    outputs: tuple[Output, ...],
    fail_on: str | None,
    config_path: Path | None,
    disable: tuple[str, ...],
    stdin_filename: Path | None,
    quiet: bool,
    respect_gitignore: bool,
    read_as: Source | None,
) -> int:
    """Check profile files and apps' config files; directories are searched for *.mail.yaml,
    *.mail.yml and the apps' files (grafana.ini, settings.py, ...), `-` reads standard input."""
    from mailcheck.outputs import refuse_inputs
    from mailcheck.run import RunError, run_check

    try:
        targets = plan(format_name, outputs, default_format())
        stdin = _standard_input(paths, stdin_filename)
        report, settings = run_check(
            list(paths) or [Path(".")],
            config_path=config_path,
            disable=disable,
            before_check=lambda files: refuse_inputs(targets, files),
            stdin=stdin,
            respect_gitignore=respect_gitignore,
            read_as=read_as,
        )
        terminal, files = targets[0], targets[1:]
        if quiet and terminal.format == "text":
            _echo_findings_only(report, color=use_color(sys.stdout))
            emit(report, "check", files, color=False)
        else:
            emit(report, "check", targets, color=use_color(sys.stdout))
    except (RunError, OutputError) as err:
        return usage_error(str(err))
    from mailcheck.findings import Severity

    level = Severity(fail_on) if fail_on else settings.fail_on
    return EXIT_FINDINGS if report.fails(level) else EXIT_OK


def _standard_input(paths: tuple[Path, ...], stdin_filename: Path | None) -> StandardInput | None:
    """What `-` (or `--stdin-filename` alone, as ruff takes it) reads: standard input, up to
    one byte past the loader's bound so that a larger input is an MC001 finding, not a read
    of everything."""
    from mailcheck.run import STDIN, RunError, StandardInput

    reads_stdin = [p for p in paths if str(p) == STDIN]
    if not reads_stdin and (stdin_filename is None or paths):
        if stdin_filename is not None:
            raise RunError("--stdin-filename names what `-` reads: give `-` as the only path")
        return None
    if len(paths) > 1:
        raise RunError("`-` (standard input) is checked alone: give no other path (a file named - is ./-)")
    from mailcheck.loader import MAX_FILE_BYTES

    stream = getattr(sys.stdin, "buffer", None)
    if stream is None:  # closed, or replaced by a stream of text only
        raise RunError("standard input cannot be read as bytes")
    try:
        content = stream.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise RunError(f"cannot read standard input: {err.strerror or err}") from None
    return StandardInput(content, stdin_filename) if stdin_filename is not None else StandardInput(content)


def _echo_findings_only(report: CheckReport, *, color: bool) -> None:
    """`--quiet` text: each finding as text shows it, without the summary line."""
    from mailcheck.reporters.text import finding_block

    blocks = [finding_block(report, finding, color=color) for finding in report.findings]
    if blocks:
        click.echo("\n\n".join(blocks), color=True)


@cli.command("rules")
def list_rules() -> int:
    """List every rule with its ID, name and default severity."""
    from mailcheck.rules import all_rules

    for rule in all_rules().values():
        stage = " (probe)" if rule.stage == "probe" else ""
        click.echo(f"{rule.id}  {rule.name:<34} {rule.severity.value:<8} {rule.summary}{stage}")
    return EXIT_OK


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> int:
    """Explain one rule: what it checks, why, and how to fix it."""
    from mailcheck.docs import explain_rule
    from mailcheck.rules import find_rule

    rule = find_rule(rule_id)
    if rule is None:
        return usage_error(f"no rule {rule_id!r}; `mailcheck rules` lists them")
    click.echo(explain_rule(rule))
    return EXIT_OK


@cli.command()
@click.option("--generate", is_flag=True, help="Generate it from the models instead (to refresh schemas/).")
def schema(generate: bool) -> int:
    """Print the JSON Schema of the profile format."""
    from mailcheck.schema import GeneratorUnavailable, generate_schema, published_schema_text, render_schema

    if generate:
        try:
            text = render_schema(generate_schema())
        except GeneratorUnavailable as err:  # pydantic is the `schema` extra
            return usage_error(str(err))
        click.echo(text, nl=False)
    else:
        click.echo(published_schema_text(), nl=False)
    return EXIT_OK


cli.add_command(diff)
cli.add_command(probe)
cli.add_command(import_command)
cli.add_command(init_command)


_CLICK_FAILURE = 1  # what click's standalone mode exits with for an abort or a closed pipe


def main() -> None:
    sys.exit(run())


def run(args: list[str] | None = None) -> int:
    """The exit code of `mailcheck ARGS` (sys.argv by default): the command's own; click's
    for --help (0) and usage errors (2, with its message); 130 when interrupted."""
    try:
        code = cli.main(args, prog_name="mailcheck", standalone_mode=False)
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except click.Abort as err:  # click's form of KeyboardInterrupt (and of EOFError at a prompt)
        click.echo("Aborted!", err=True)
        return EXIT_INTERRUPTED if isinstance(err.__cause__, KeyboardInterrupt) else _CLICK_FAILURE
    except KeyboardInterrupt:  # one click let through as it is (before or after the command)
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`mailcheck rules | head -1`)
        _silence_stdout()
        return _CLICK_FAILURE
    return code if isinstance(code, int) else EXIT_OK


def _silence_stdout() -> None:
    """Send what is left to write to the null device, so the interpreter's final flush does
    not fail again (as the Python documentation advises for SIGPIPE)."""
    with contextlib.suppress(OSError, ValueError):  # no file descriptor behind stdout: nothing to flush
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

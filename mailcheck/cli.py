"""The command line. Thin: it parses options, calls the library and picks the exit code.

Modules are imported inside commands, so `mailcheck --version` and a pre-commit run on a
few files start in milliseconds.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import NoReturn

import click

from mailcheck import VERSION_TEXT, __version__
from mailcheck.outputs import Output, OutputError, emit, output_options, plan

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


def fail(message: str) -> NoReturn:
    """A one-line error on stderr and exit code 2: for bad input, never a traceback."""
    from mailcheck.text import visible

    click.echo(f"mailcheck: error: {visible(message)}", err=True)
    sys.exit(EXIT_USAGE)


def use_color(stream: object) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="mailcheck", message=VERSION_TEXT)
def cli() -> None:
    """Lint and probe SMTP, IMAP and POP3 mail profiles kept as YAML."""


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@output_options("check")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info"]), help="Lowest severity that makes the exit code 1 [default: error].")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False), help="Settings file (default: nearest .mailcheck.yaml or pyproject.toml).")
@click.option("--disable", multiple=True, metavar="ID", help="Turn a rule off (repeatable).")
def check(paths: tuple[Path, ...], format_name: str | None, outputs: tuple[Output, ...], fail_on: str | None, config_path: Path | None, disable: tuple[str, ...]) -> None:
    """Check profile files; directories are searched for *.mail.yaml and *.mail.yml."""
    from mailcheck.outputs import refuse_inputs
    from mailcheck.run import RunError, run_check

    try:
        targets = plan(format_name, outputs, default_format())
        report, settings = run_check(
            list(paths) or [Path(".")],
            config_path=config_path,
            disable=disable,
            before_check=lambda files: refuse_inputs(targets, files),
        )
        emit(report, "check", targets, color=use_color(sys.stdout))
    except (RunError, OutputError) as err:
        fail(str(err))
    from mailcheck.findings import Severity

    level = Severity(fail_on) if fail_on else settings.fail_on
    sys.exit(EXIT_FINDINGS if report.fails(level) else EXIT_OK)


@cli.command("rules")
def list_rules() -> None:
    """List every rule with its ID, name and default severity."""
    from mailcheck.rules import all_rules

    for rule in all_rules().values():
        stage = " (probe)" if rule.stage == "probe" else ""
        click.echo(f"{rule.id}  {rule.name:<34} {rule.severity.value:<8} {rule.summary}{stage}")


@cli.command()
@click.argument("rule_id")
def explain(rule_id: str) -> None:
    """Explain one rule: what it checks, why, and how to fix it."""
    from mailcheck.docs import explain_rule
    from mailcheck.rules import find_rule

    rule = find_rule(rule_id)
    if rule is None:
        fail(f"no rule {rule_id!r}; `mailcheck rules` lists them")
    click.echo(explain_rule(rule))


@cli.command()
@click.option("--generate", is_flag=True, help="Generate it from the models instead (to refresh schemas/).")
def schema(generate: bool) -> None:
    """Print the JSON Schema of the profile format."""
    from mailcheck.schema import generate_schema, published_schema_text, render_schema

    if generate:
        click.echo(render_schema(generate_schema()), nl=False)
    else:
        click.echo(published_schema_text(), nl=False)


from mailcheck.commands.diff import diff

cli.add_command(diff)
from mailcheck.commands.probe import probe

cli.add_command(probe)


def main() -> None:
    try:
        cli(prog_name="mailcheck")
    except KeyboardInterrupt:
        sys.exit(130)

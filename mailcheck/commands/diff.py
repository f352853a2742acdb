"""`mailcheck diff BASE [HEAD]`: what a change to the profiles does to security, for review."""

from __future__ import annotations

from pathlib import Path

import click

from mailcheck.commands.common import EXIT_FINDINGS, EXIT_OK, usage_error


@click.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option(
    "--format",
    "format_name",
    type=click.Choice(["markdown", "json"]),
    default="markdown",
    show_default=True,
    help="Markdown for a pull request comment, JSON for tools.",
)
@click.option("--fail-on-weakening", is_flag=True, help="Exit 1 when a change weakens security.")
def diff(base: str, head: str | None, format_name: str, fail_on_weakening: bool) -> int:
    """Review profile changes from BASE to HEAD (default: the working tree).

    BASE and HEAD are git revisions (main, origin/main, HEAD~1, a tag), or two profile
    files. Each changed setting is classed weakening, strengthening or neutral, and the
    findings the change introduces or fixes are listed. Secret values are never shown.
    """
    from mailcheck.review import ReviewError, run_review

    try:
        result = run_review(base, head, cwd=Path.cwd())
    except ReviewError as err:
        return usage_error(str(err))  # it may quote a file name or revision: shown on one line, printable
    click.echo(result.render(format_name), nl=False)
    return EXIT_FINDINGS if fail_on_weakening and result.review.weakens else EXIT_OK

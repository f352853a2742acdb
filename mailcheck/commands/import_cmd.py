"""`mailcheck import FILE`: a Thunderbird autoconfig file or an Autodiscover response as profiles."""

from __future__ import annotations

from pathlib import Path

import click

from mailcheck.commands.common import EXIT_OK, profile_file_options, usage_error


@click.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=True))
@profile_file_options
@click.option(
    "--address",
    metavar="ADDRESS",
    help="Your e-mail address: fills %EMAILADDRESS%, %EMAILLOCALPART% and %EMAILDOMAIN% and sets `from` on SMTP profiles.",
)
def import_command(file: Path, output: Path | None, force: bool, address: str | None) -> int:
    """Convert FILE, a Thunderbird autoconfig XML (clientConfig 1.1) or a Microsoft
    Autodiscover POX response, into a profile file: one profile per IMAP, POP3 or SMTP server,
    secrets as {env: NAME}, each value commented with the element it came from."""
    from mailcheck.importing import ImportFailure, convert, user_address
    from mailcheck.importing.output import write_profile_file

    try:
        conversion = convert(file, user_address(address) if address is not None else None)
        if output is None or str(output) == "-":
            click.echo(conversion.text, nl=False)
        else:
            write_profile_file(output, conversion.text, source=file, force=force)
    except ImportFailure as err:
        return usage_error(str(err))
    return EXIT_OK

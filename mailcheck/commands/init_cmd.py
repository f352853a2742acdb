"""`mailcheck init ADDRESS`: a profile file for an address, from the packaged provider snapshot."""

from __future__ import annotations

from pathlib import Path

import click

from mailcheck.commands.common import EXIT_OK, profile_file_options, usage_error


@click.command("init")
@click.argument("address")
@profile_file_options
def init_command(address: str, output: Path | None, force: bool) -> int:
    """Write a profile file for ADDRESS from the provider snapshot packaged with mailcheck
    (Thunderbird's ISPDB and nodemailer's presets), offline: an SMTP profile and an IMAP (else
    POP3) profile of the address's provider, `from` set, secrets as {env: NAME}, each value
    commented with the source it came from."""
    from mailcheck.importing.output import write_profile_file
    from mailcheck.importing.servers import ImportFailure
    from mailcheck.initialise import profile_text, user_address

    try:
        text = profile_text(user_address(address))
        if output is None or str(output) == "-":
            click.echo(text, nl=False)
        else:
            write_profile_file(output, text, source=None, force=force)
    except ImportFailure as err:
        return usage_error(str(err))
    return EXIT_OK

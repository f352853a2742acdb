"""`mailcheck init ADDRESS`: a profile file for an address, from the packaged provider snapshot,
or with --discover from what the address's domain publishes online."""

from __future__ import annotations

from pathlib import Path

import click

from mailcheck.commands.common import EXIT_OK, profile_file_options, usage_error


@click.command("init")
@click.argument("address")
@profile_file_options
@click.option(
    "--discover",
    is_flag=True,
    help="Look the settings up online, in Thunderbird's order (autoconfig files, the snapshot, the MX host's "
    "provider), then the SRV records, and probe each server's real mode before writing it (never logging in).",
)
@click.option("--nameserver", metavar="IP[:PORT]", help="With --discover: every DNS lookup goes to this server only.")
@click.option("--allow-http", is_flag=True, help="With --discover: also ask the autoconfig URLs over plain http.")
@click.option(
    "--ca-file",
    type=click.Path(exists=True, dir_okay=False),
    metavar="PEM",
    help="With --discover: trust only these CA certificates for the https autoconfig URLs (default: the system's).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True, max=300),
    metavar="SECONDS",
    help="With --discover: the bound of each fetch, lookup and probe (default: the profile format's default timeout).",
)
def init_command(
    address: str,
    output: Path | None,
    force: bool,
    discover: bool,
    nameserver: str | None,
    allow_http: bool,
    ca_file: str | None,
    timeout: float | None,
) -> int:
    """Write a profile file for ADDRESS from the provider snapshot packaged with mailcheck
    (Thunderbird's ISPDB and nodemailer's presets), offline: an SMTP profile and an IMAP (else
    POP3) profile of the address's provider, `from` set, secrets as {env: NAME}, each value
    commented with the source it came from. With --discover, online: the domain's autoconfig
    files, the snapshot, the MX host's provider, the SRV records, each server's mode seen on
    the server itself."""
    from mailcheck.importing.output import write_profile_file
    from mailcheck.importing.servers import ImportFailure
    from mailcheck.initialise import user_address

    if not discover:
        given = [
            name
            for name, value in (("--nameserver", nameserver), ("--ca-file", ca_file), ("--timeout", timeout))
            if value
        ]
        given += ["--allow-http"] if allow_http else []
        if given:
            return usage_error(f"{', '.join(given)} only go with --discover")
    try:
        checked = user_address(address)
        if discover:
            from mailcheck.discover import Settings, profile_text
            from mailcheck.discover.fetch import UnusableCaFile, tls_context
            from mailcheck.probe.resolve import Nameserver

            try:
                resolver = Nameserver.parse(nameserver) if nameserver else None
                tls = tls_context(ca_file)
            except (ValueError, UnusableCaFile) as err:
                return usage_error(str(err))
            from mailcheck.profile import common_default

            settings = Settings(resolver, allow_http, tls, timeout or float(common_default(("timeout",))))
            text = profile_text(checked, settings)
        else:
            from mailcheck.initialise import profile_text as offline_text

            text = offline_text(checked)
        if output is None or str(output) == "-":
            click.echo(text, nl=False)
        else:
            write_profile_file(output, text, source=None, force=force)
    except ImportFailure as err:
        return usage_error(str(err))
    return EXIT_OK

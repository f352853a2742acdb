"""`mailcheck probe`: connect to each profile's server and name every failure.

Thin, like the rest of the CLI: it parses options, calls mailcheck.probe.runner and
picks the exit code. Only click is imported at module level, so `mailcheck --help`
stays fast; the probe machinery loads when the command runs.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mailcheck.commands.common import EXIT_FINDINGS, EXIT_OK, default_format, read_as_option, usage_error, use_color
from mailcheck.concurrency import DEFAULT_CONCURRENCY
from mailcheck.outputs import Output, output_options

if TYPE_CHECKING:
    from mailcheck.sources import Source

PROGRESS_AFTER = 3  # show progress on a terminal when more profiles than this run


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--profile", "profiles", multiple=True, metavar="NAME", help="Probe only this profile (repeatable).")
@click.option("--send-test", is_flag=True, help="Send a test message with SMTP profiles that set test.send_to.")
@click.option(
    "--round-trip",
    is_flag=True,
    help="Implies --send-test: read the test message back with the profile test.receive_with names, "
    "report how long delivery took (MC522 if it does not arrive, MC523 in Junk) and delete it.",
)
@click.option(
    "--round-trip-timeout",
    type=click.FloatRange(0, 300, min_open=True),
    metavar="SECONDS",
    help="How long --round-trip waits for the message once the server accepted it (default: the SMTP profile's timeout).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 4096),
    default=DEFAULT_CONCURRENCY,
    show_default=True,
    help="Profiles probed at once.",
)
@output_options("probe")
@click.option(
    "--allow-cleartext-auth", is_flag=True, help="Allow logins over unencrypted connections (security: none)."
)
@click.option(
    "--check-auth-enforced",
    is_flag=True,
    help="Before the real login, try one with a random wrong secret; MC521 if the server accepts it "
    "(costs one failed login per profile).",
)
@click.option(
    "--cert-warn-days",
    type=click.IntRange(0, 3650),
    default=14,
    show_default=True,
    help="Warn (MC510) when the certificate expires within this many days.",
)
@click.option(
    "--nameserver", metavar="HOST[:PORT]", help="Resolve host names with this DNS server only (an IP address)."
)
@click.option(
    "--dns",
    is_flag=True,
    help="Compare each profile with the SRV records (RFC 6186, RFC 8314) of its address domain "
    "(MC524 when it is not among them, MC525 when the domain offers no such service).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Settings file (default: nearest .mailcheck.yaml or pyproject.toml).",
)
@read_as_option
def probe(
    paths: tuple[Path, ...],
    profiles: tuple[str, ...],
    send_test: bool,
    round_trip: bool,
    round_trip_timeout: float | None,
    concurrency: int,
    format_name: str | None,
    outputs: tuple[Output, ...],
    allow_cleartext_auth: bool,
    check_auth_enforced: bool,
    cert_warn_days: int,
    nameserver: str | None,
    dns: bool,
    config_path: Path | None,
    read_as: Source | None,
) -> int:
    """Probe profiles against their live servers: DNS, TCP, TLS, certificate, login, test message.

    Lints first (the findings are reported too) and probes the structurally valid profiles.
    Exit code 0 when every probed profile passes, 1 when one fails, 2 for a usage error.
    """
    from mailcheck.findings import Severity
    from mailcheck.outputs import OutputError, emit, plan, refuse_inputs
    from mailcheck.probe.options import ProbeOptions
    from mailcheck.probe.resolve import Nameserver
    from mailcheck.probe.runner import run_probe
    from mailcheck.run import RunError

    try:
        resolver = Nameserver.parse(nameserver) if nameserver else None
        targets = plan(format_name, outputs, default_format())
    except (ValueError, OutputError) as err:
        return usage_error(str(err))
    if round_trip_timeout is not None and not round_trip:
        return usage_error("--round-trip-timeout needs --round-trip")
    options = ProbeOptions(
        send_test=send_test or round_trip,
        round_trip=round_trip,
        round_trip_timeout=round_trip_timeout,
        allow_cleartext_auth=allow_cleartext_auth,
        check_auth_enforced=check_auth_enforced,
        cert_warn_days=cert_warn_days,
        nameserver=resolver,
        dns=dns,
    )
    progress = _Progress(sys.stderr)
    try:
        report = run_probe(
            list(paths) or [Path(".")],
            profiles=profiles,
            options=options,
            concurrency=concurrency,
            config_path=config_path,
            on_start=progress.start,
            on_result=progress.advance,
            before_check=lambda files: refuse_inputs(targets, files),
            read_as=read_as,
        )
    except (RunError, OutputError) as err:
        return usage_error(str(err))
    finally:
        progress.finish()
    try:
        emit(report, "probe", targets, color=use_color(sys.stdout))
    except OutputError as err:
        return usage_error(str(err))
    return EXIT_FINDINGS if report.fails(Severity.ERROR) else EXIT_OK


class _Progress:
    """`probed 12/200` on the terminal's stderr, rewritten in place; silent when piped."""

    def __init__(self, stream: object) -> None:
        self.stream = stream
        self.total = 0
        self.done = 0
        self.active = False

    def start(self, total: int) -> None:
        self.total = total
        self.active = total > PROGRESS_AFTER and bool(getattr(self.stream, "isatty", lambda: False)())

    def advance(self, _result: object) -> None:
        self.done += 1
        if self.active:
            click.echo(f"\rprobed {self.done}/{self.total}", nl=False, file=self.stream)  # type: ignore[arg-type]

    def finish(self) -> None:
        if self.active:
            click.echo("\r\x1b[K", nl=False, file=self.stream)  # type: ignore[arg-type]

"""The live probe: connect to each profile's server and name every failure.

Modules, from the wire up: `wire` (bounded line I/O, the per-profile deadline, the guard
every command line passes), `offloop` (blocking work in threads, never on the event loop),
`localfile` (secret and CA files: regular files only, bounded), `secret_source` (resolving
a profile's secret), `resolve` (DNS), `tls` (the run's shared contexts, handshake failures,
certificate facts), `sniff` (which mode a port speaks, without credentials), `dialogue`
with `smtp`, `imap`, `pop3` (the protocol-specific commands and what counts as success),
`sasl` (mechanisms), `session` (the one generic flow, as step functions: greeting,
capabilities, STARTTLS, TLS, certificate, login, test message, QUIT), `secondlook` (one
more handshake with a laxer context, never a login), `steps` (timing, and the one mapping
of (step, error) to outcome), `runner` (selection, concurrency) and `report` (what the
reporters render). The outcome type is the core's (mailcheck.outcome), as the probe
rules that build outcomes are.

Nothing here is imported by `mailcheck check`: the linter stays fast and offline.
"""

from mailcheck.concurrency import DEFAULT_CONCURRENCY  # defined in the core: the CLI shows it without loading the probe

__all__ = ["DEFAULT_CONCURRENCY"]

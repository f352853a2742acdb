"""The live probe: connect to each profile's server and name every failure.

Modules, from the wire up: `wire` (bounded line I/O, the per-profile deadline, the guard
every command line passes), `offloop` (blocking work in threads, never on the event loop),
`localfile` (secret and CA files: regular files only, bounded), `secret_source` (resolving
a profile's secret), `resolve` (DNS), `tls` (the run's shared contexts, handshake failures,
certificate facts), `sniff` (which mode a port speaks, without credentials), `dialogue`
with `smtp`, `imap`, `pop3` (the protocol-specific commands and what counts as success),
`sasl` (mechanisms), `session` (the one generic flow: greeting, capabilities, STARTTLS,
TLS, certificate, login, test message, QUIT), `runner` (selection, concurrency) and
`report` (what the reporters render).

Nothing here is imported by `mailcheck check`: the linter stays fast and offline.
"""

# Probes mostly wait on the network, so a run takes about its slowest probe when they all
# run at once: 256 covers 300 profiles in one wave (measured with benchmarks/probe_bench.py:
# wall 1.1x the slowest probe, against 2.3x at 128) and keeps two sockets per probe within
# the usual limit of 1,024 open files. Here, not in runner.py, so `--help` loads no probe code.
DEFAULT_CONCURRENCY = 256

"""The live probe: connect to each profile's server and name every failure.

Modules, from the wire up: `wire` (bounded line I/O and the per-profile deadline),
`resolve` (DNS), `tls` (contexts, handshake failures, certificate facts), `sniff` (which
mode a port speaks, without credentials), `dialogue` with `smtp`, `imap`, `pop3` (the
protocol-specific commands), `sasl` (mechanisms), `session` (the one generic flow:
greeting, capabilities, STARTTLS, TLS, certificate, login, test message, QUIT), `runner`
(selection, concurrency) and `report` (what the reporters render).

Nothing here is imported by `mailcheck check`: the linter stays fast and offline.
"""

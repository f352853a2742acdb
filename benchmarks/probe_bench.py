"""How much concurrency buys `mailcheck probe`: 200 profiles against loopback servers.

Starts, in a child process (so that the servers do not share the probe's interpreter),
two aiosmtpd servers with trustme certificates (STARTTLS and implicit TLS, AUTH PLAIN
required) behind a proxy that adds a one-way delay to every chunk, like a network
would. Then probes the profiles (half STARTTLS, half implicit TLS, each logging in)
concurrently and one at a time, and prints the wall times against the slowest single
probe. Loopback only. A script that prints figures, not a test:

    python benchmarks/probe_bench.py [--profiles 200] [--latency-ms 10] [--skip-serial]

Whether deadlines hold with many TLS profiles at once (every profile implicit TLS, each
with the profile timeout given, trusting a CA bundle the size of a system store):

    python benchmarks/probe_bench.py --profiles 300 --implicit-tls-only --timeout 3 \
        --bundle-cas 199 --latency-ms 0 --skip-serial
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import socket
import ssl
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from mailcheck.probe import DEFAULT_CONCURRENCY  # the package only: no probe machinery before the fork

HOST = "127.0.0.1"
USER, PASSWORD, PASSWORD_ENV = "bench@example.com", "bench-Password-1", "MAILCHECK_BENCH_PASSWORD"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _serve(folder: str, latency: float, bundle_cas: int, ready: multiprocessing.Queue) -> None:
    """The child process: two aiosmtpd servers, a delaying proxy in front of each. ca.pem
    holds the servers' CA, after `bundle_cas` other CAs (as a company bundle would)."""
    import logging

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logging.disable(logging.CRITICAL)
    ca = trustme.CA()
    others = b"".join(trustme.CA().cert_pem.bytes() for _ in range(bundle_cas))
    Path(folder, "ca.pem").write_bytes(others + ca.cert_pem.bytes())
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost", HOST).configure_cert(context)

    def authenticate(server, session, envelope, mechanism, data):
        return AuthResult(success=data.login.decode() == USER and data.password.decode() == PASSWORD)

    class Accept:
        async def handle_DATA(self, server, session, envelope):
            return "250 OK"

    common = {"hostname": HOST, "server_hostname": "bench.mailcheck.test", "authenticator": authenticate}
    starttls = Controller(Accept(), port=_free_port(), tls_context=context, require_starttls=True, **common)
    implicit = Controller(Accept(), port=_free_port(), ssl_context=context, auth_require_tls=False, **common)
    for controller in (starttls, implicit):
        controller.start()

    async def proxies() -> None:
        fronts = [await _delaying_proxy(c.port, latency) for c in (starttls, implicit)]
        ready.put([f.sockets[0].getsockname()[1] for f in fronts])
        await asyncio.Event().wait()  # until the parent terminates this process

    asyncio.run(proxies())


async def _delaying_proxy(target: int, latency: float) -> asyncio.AbstractServer:
    async def pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await asyncio.sleep(latency)
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def handle(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(HOST, target)
        await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))

    return await asyncio.start_server(handle, HOST, 0, backlog=1024)


def _write_profiles(folder: Path, count: int, ports: list[int], implicit_tls_only: bool, timeout: float) -> Path:
    lines = ["version: 1", "profiles:"]
    for i in range(count):
        mode = 1 if implicit_tls_only else i % 2
        security = ("starttls", "tls")[mode]
        lines += [
            f"  bench-{i:04d}:",
            "    protocol: smtp",
            f"    host: {HOST}",
            f"    port: {ports[mode]}",
            f"    security: {security}",
            f"    timeout: {timeout:g}",
            "    tls: {ca_file: ca.pem, server_name: localhost}",
            f"    auth: {{username: {USER}, password: {{env: {PASSWORD_ENV}}}}}",
        ]
    path = folder / "bench.mail.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _probe(path: Path, concurrency: int) -> tuple[float, float, int, Counter[str]]:
    """(wall seconds, slowest single probe, profiles that passed, findings by rule)."""
    from mailcheck.probe.options import ProbeOptions
    from mailcheck.probe.runner import run_probe

    started = time.monotonic()
    report = run_probe([path], options=ProbeOptions(environ={PASSWORD_ENV: PASSWORD}), concurrency=concurrency)
    wall = time.monotonic() - started
    findings = Counter(f.rule for r in report.results for f in r.findings)
    return wall, max(r.seconds for r in report.results), sum(r.status == "ok" for r in report.results), findings


def _failures(findings: Counter[str]) -> str:
    return ", ".join(f"{count} {rule}" for rule, count in sorted(findings.items())) or "no findings"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=10.0, help="one-way delay added by the proxy")
    parser.add_argument("--concurrency", type=int, default=DEFAULT_CONCURRENCY, help="default: mailcheck's own")
    parser.add_argument("--skip-serial", action="store_true", help="do not probe one at a time")
    parser.add_argument("--implicit-tls-only", action="store_true", help="every profile implicit TLS, one server")
    parser.add_argument("--timeout", type=float, default=30.0, help="each profile's timeout (seconds)")
    parser.add_argument(
        "--bundle-cas", type=int, default=0, help="other CAs in the profiles' ca_file besides the test CA"
    )
    args = parser.parse_args()
    modes = "implicit TLS" if args.implicit_tls_only else "half STARTTLS, half implicit TLS"

    with tempfile.TemporaryDirectory(prefix="mailcheck-probe-bench-") as tmp:
        folder = Path(tmp)
        ready: multiprocessing.Queue = multiprocessing.Queue()
        servers = multiprocessing.Process(
            target=_serve, args=(tmp, args.latency_ms / 1000, args.bundle_cas, ready), daemon=True
        )
        servers.start()
        try:
            ports = ready.get(timeout=60)
            path = _write_profiles(folder, args.profiles, ports, args.implicit_tls_only, args.timeout)
            print(
                f"mailcheck probe: {args.profiles} SMTP profiles ({modes}, AUTH PLAIN, timeout {args.timeout:g} s, "
                f"ca_file of {args.bundle_cas + 1} CAs) against aiosmtpd on loopback, {args.latency_ms:g} ms added "
                f"each way; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs"
            )
            wall, slowest, ok, findings = _probe(path, args.concurrency)
            print(
                f"  concurrent (--concurrency {args.concurrency}): wall {wall:.2f} s, slowest single probe {slowest:.2f} s "
                f"(wall = {wall / slowest:.1f}x the slowest probe), {ok}/{args.profiles} passed ({_failures(findings)})"
            )
            if not args.skip_serial:
                serial, serial_slowest, serial_ok, serial_findings = _probe(path, 1)
                print(
                    f"  one at a time (--concurrency 1): wall {serial:.2f} s, slowest single probe {serial_slowest:.2f} s, "
                    f"{serial_ok}/{args.profiles} passed ({_failures(serial_findings)}); "
                    f"concurrency is {serial / wall:.1f}x faster"
                )
        finally:
            servers.terminate()
            servers.join(5)


if __name__ == "__main__":
    main()

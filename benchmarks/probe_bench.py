"""How much concurrency buys `mailcheck probe`: 200 profiles against loopback servers.

Starts, in a child process (so that the servers do not share the probe's interpreter),
two aiosmtpd servers with trustme certificates (STARTTLS and implicit TLS, AUTH PLAIN
required) behind a proxy that adds a one-way delay to every chunk, like a network
would. Then probes the profiles (half STARTTLS, half implicit TLS, each logging in)
concurrently and one at a time, and prints the wall times against the slowest single
probe. Loopback only. A script that prints figures, not a test:

    python benchmarks/probe_bench.py [--profiles 200] [--latency-ms 10] [--skip-serial]
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
from pathlib import Path

HOST = "127.0.0.1"
USER, PASSWORD, PASSWORD_ENV = "bench@example.com", "bench-Password-1", "MAILCHECK_BENCH_PASSWORD"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _serve(folder: str, latency: float, ready: multiprocessing.Queue) -> None:
    """The child process: two aiosmtpd servers, a delaying proxy in front of each."""
    import logging

    import trustme
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logging.disable(logging.CRITICAL)
    ca = trustme.CA()
    ca.cert_pem.write_to_path(os.path.join(folder, "ca.pem"))
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


def _write_profiles(folder: Path, count: int, ports: list[int]) -> Path:
    lines = ["version: 1", "profiles:"]
    for i in range(count):
        security = ("starttls", "tls")[i % 2]
        lines += [
            f"  bench-{i:03d}:",
            "    protocol: smtp",
            f"    host: {HOST}",
            f"    port: {ports[i % 2]}",
            f"    security: {security}",
            "    timeout: 30",
            "    tls: {ca_file: ca.pem, server_name: localhost}",
            f"    auth: {{username: {USER}, password: {{env: {PASSWORD_ENV}}}}}",
        ]
    path = folder / "bench.mail.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _probe(path: Path, concurrency: int) -> tuple[float, float, int]:
    """(wall seconds, slowest single probe, profiles that passed)."""
    from mailcheck.probe.options import ProbeOptions
    from mailcheck.probe.runner import run_probe

    started = time.monotonic()
    report = run_probe([path], options=ProbeOptions(environ={PASSWORD_ENV: PASSWORD}), concurrency=concurrency)
    wall = time.monotonic() - started
    return wall, max(r.seconds for r in report.results), sum(r.status == "ok" for r in report.results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=200)
    parser.add_argument("--latency-ms", type=float, default=10.0, help="one-way delay added by the proxy")
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--skip-serial", action="store_true", help="do not probe one at a time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mailcheck-probe-bench-") as tmp:
        folder = Path(tmp)
        ready: multiprocessing.Queue = multiprocessing.Queue()
        servers = multiprocessing.Process(target=_serve, args=(tmp, args.latency_ms / 1000, ready), daemon=True)
        servers.start()
        try:
            ports = ready.get(timeout=30)
            path = _write_profiles(folder, args.profiles, ports)
            print(
                f"mailcheck probe: {args.profiles} SMTP profiles (half STARTTLS, half implicit TLS, AUTH PLAIN) "
                f"against aiosmtpd on loopback, {args.latency_ms:g} ms added each way; Python {sys.version.split()[0]}, "
                f"{os.cpu_count()} CPUs"
            )
            wall, slowest, ok = _probe(path, args.concurrency)
            print(f"  concurrent (--concurrency {args.concurrency}): wall {wall:.2f} s, slowest single probe {slowest:.2f} s "
                  f"(wall = {wall / slowest:.1f}x the slowest probe), {ok}/{args.profiles} passed")
            if not args.skip_serial:
                serial, serial_slowest, serial_ok = _probe(path, 1)
                print(f"  one at a time (--concurrency 1): wall {serial:.2f} s, slowest single probe {serial_slowest:.2f} s, "
                      f"{serial_ok}/{args.profiles} passed; concurrency is {serial / wall:.1f}x faster")
        finally:
            servers.terminate()
            servers.join(5)


if __name__ == "__main__":
    main()

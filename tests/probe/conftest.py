"""Fixtures for the probe tests: a CA, servers on loopback, and a folder to probe profiles in.

Only 127.0.0.0/8 is ever contacted; DNS failures use a resolver on 127.0.0.1.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from tests.probe.probe_helpers import USERS, Probe
from tests.probe.probe_servers import (
    Behaviour,
    LineServer,
    SmtpServer,
    server_context,
    start_line_server,
    start_smtp,
)


@pytest.fixture(scope="session")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="session")
def good_context(ca: trustme.CA) -> ssl.SSLContext:
    """A certificate from the test CA for localhost and 127.0.0.1, valid until 3000."""
    return server_context(ca)


@pytest.fixture
def smtp(good_context: ssl.SSLContext) -> Iterator[Callable[..., SmtpServer]]:
    """Start aiosmtpd servers: smtp("starttls"), smtp("tls", context=...), smtp("none")."""
    started: list[SmtpServer] = []

    def start(mode: str = "starttls", context: ssl.SSLContext | None = None, **kwargs: Any) -> SmtpServer:
        server = start_smtp(mode, context or good_context, USERS, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.controller.stop()


@pytest.fixture
def line_server() -> Iterator[Callable[[Behaviour], LineServer]]:
    """Start threaded loopback servers that run a behaviour per connection."""
    started: list[LineServer] = []

    def start(behaviour: Behaviour) -> LineServer:
        server = start_line_server(behaviour)
        started.append(server)
        return server

    yield start
    for server in started:
        server.close()


@pytest.fixture
def probe(tmp_path: Path, ca: trustme.CA) -> Probe:
    return Probe(tmp_path, ca)

"""pytest wiring for the integration suite: real Postfix + Dovecot on loopback.

Every test in this directory is marked ``integration`` (``-m "not integration"``
deselects them).  The ``mail_servers`` fixture needs the Debian packages
installed by ``.ci/install-mail-servers.sh`` and root: outside CI it skips with a
hint when they are missing; in CI (``CI=true``) that is a failure, so the suite
can never silently stop running there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.mailservers import DOVECOT_BIN, POSTFIX_BIN, MailServers

INTEGRATION_DIR = Path(__file__).resolve().parent

INSTALL_HINT = "run `sudo bash .ci/install-mail-servers.sh`"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "integration: needs real Postfix/Dovecot (.ci/install-mail-servers.sh) and root")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test collected from this directory as ``integration``."""
    for item in items:
        if INTEGRATION_DIR in Path(item.path).resolve().parents:
            item.add_marker(pytest.mark.integration)


def _why_unavailable() -> str | None:
    """A reason the real servers cannot run here, or None if they can."""
    missing = [path for path in (POSTFIX_BIN, DOVECOT_BIN) if not os.access(path, os.X_OK)]
    if missing:
        return f"mail servers not installed (missing {', '.join(missing)}); {INSTALL_HINT}"
    if os.geteuid() != 0:
        return "postfix and dovecot must be started as root; run the integration tests as root"
    return None


@pytest.fixture(scope="session")
def mail_servers() -> Iterator[MailServers]:
    """One started MailServers for the whole session, stopped and removed at the end."""
    reason = _why_unavailable()
    if reason is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI=true and the integration suite must run in CI, but: {reason}. "
                "(.ci/run should call .ci/install-mail-servers.sh before pytest.)",
                pytrace=False,
            )
        pytest.skip(reason)
    with MailServers() as servers:
        yield servers

"""A second look at a port whose handshake failed: one more connection, up to the TLS
handshake, with a laxer context than the profile's (detection's, to learn the best TLS
version the server offers; or one that does not check the name, to learn the names its
certificate is valid for).

It never logs in, records no step and reports no outcome: it returns what the handshake
showed, or None when it got no handshake at all. It is not a mode of the probe's session:
nothing here can change what the probe itself does next.
"""

from __future__ import annotations

import ssl

from mailcheck.probe import tls as tlsmod
from mailcheck.probe.dialogues import DIALOGUES
from mailcheck.probe.wire import Connection, Deadline, WireError
from mailcheck.profile import ProfileView
from mailcheck.secrets import Redactor


async def second_look(
    profile: ProfileView, settings: tlsmod.TlsSettings, address: str, deadline: Deadline, context: ssl.SSLContext
) -> tlsmod.TlsFacts | None:
    """Connect to `address` again, reach TLS as the profile's mode asks (greeting,
    capabilities and STARTTLS first where it upgrades), and handshake with `context`."""
    try:
        conn = await Connection.open(address, profile.port, deadline, Redactor())
    except (WireError, OSError):
        return None
    try:
        if profile.security.upgrades:
            dialogue = DIALOGUES[profile.protocol](conn)
            await dialogue.greeting()
            if not (await dialogue.capabilities()).starttls:
                return None
            await dialogue.starttls()
        await conn.start_tls(context, settings.server_name)
        return tlsmod.facts(conn.tls)  # type: ignore[arg-type]
    except Exception:  # whatever stopped it, the second look has nothing to tell
        return None
    finally:
        conn.close()

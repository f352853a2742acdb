"""POP3 (RFC 1939): CAPA (RFC 2449), STLS (RFC 2595), AUTH (RFC 5034), USER/PASS, QUIT."""

from __future__ import annotations

import re

from mailcheck.probe.dialogue import Capabilities, Dialogue, Reply, Status, mechanism_names
from mailcheck.probe.wire import MAX_REPLY_LINES, TooManyLines
from mailcheck.protocols import Protocol

NATIVE_LOGIN = "USER/PASS"


class Pop3Dialogue(Dialogue):
    protocol = Protocol.POP3
    greeting_pattern = re.compile(rb"^(\+OK|-ERR)", re.IGNORECASE)
    success_reply = "+OK"

    async def read_reply(self) -> Reply:
        line = await self.conn.read_line()
        status = line.split(" ", 1)[0].upper()
        if status == "+":  # RFC 5034: a continuation of AUTH; to anything else, not a success
            return Reply(Status.CONTINUE, (line,), challenge=line[1:].strip())
        if status not in ("+OK", "-ERR"):
            raise self.unexpected(line)
        return Reply(Status.OK if status == "+OK" else Status.REFUSED, (line,))

    async def read_list(self) -> list[str]:
        """The lines of a multi-line response, up to the lone ".", dot-unstuffed."""
        lines: list[str] = []
        for _ in range(MAX_REPLY_LINES):
            line = await self.conn.read_line()
            if line == ".":
                return lines
            lines.append(line[1:] if line.startswith("..") else line)
        raise TooManyLines()

    async def capabilities(self) -> Capabilities:
        reply = await self.command("CAPA")
        if reply.status is Status.REFUSED:  # a server without CAPA (RFC 1939 only) advertises nothing
            return Capabilities()
        if not reply.ok:
            raise self.refused("CAPA", reply)
        words = [line.split() for line in await self.read_list()]
        names = {w[0].upper() for w in words if w}
        mechanisms = next((w[1:] for w in words if w and w[0].upper() == "SASL"), [])
        return Capabilities(
            starttls=self.starttls_verb in names,
            mechanisms=mechanism_names(mechanisms),
            native_login=NATIVE_LOGIN if "USER" in names else None,
        )

    async def native_login(self, username: str, secret: str) -> Reply:
        reply = await self.command(f"USER {username}")
        if not reply.ok:
            return reply
        self.send_secret(f"PASS {secret}", secret)
        return await self.read_reply()

"""What SMTP, IMAP and POP3 have in common, as the session sees it.

The session runs one flow (greeting, capabilities, STARTTLS, login, QUIT) for every
protocol; a Dialogue subclass supplies the commands and how replies are read. Replies
are read line by line through the bounded Connection, and at most MAX_REPLY_LINES long.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from mailcheck.probe.wire import Connection, Unexpected
from mailcheck.protocols import PROTOCOLS, Protocol
from mailcheck.rules import mc506_starttls_not_offered as mc506
from mailcheck.rules import mc517_protocol_error as mc517


@dataclass(frozen=True)
class Reply:
    ok: bool
    lines: tuple[str, ...]
    challenge: str | None = None  # the base64 payload when the server continues a SASL exchange

    @property
    def text(self) -> str:
        return " / ".join(self.lines)


@dataclass(frozen=True)
class Capabilities:
    starttls: bool = False
    mechanisms: tuple[str, ...] = ()  # SASL mechanisms, upper case
    native_login: str | None = None  # the protocol's own login command, when allowed
    initial_response: bool = True  # whether AUTH may carry the first response (SASL-IR)

    def offered(self) -> list[str]:
        return [*self.mechanisms, *([self.native_login] if self.native_login else [])]


class Dialogue(ABC):
    protocol: ClassVar[Protocol]
    greeting_pattern: ClassVar[re.Pattern[bytes]]  # a plaintext greeting's first bytes
    auth_verb: ClassVar[str] = "AUTH"
    quit_verb: ClassVar[str] = "QUIT"

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    @property
    def title(self) -> str:
        return PROTOCOLS[self.protocol].title

    @property
    def starttls_verb(self) -> str:
        return PROTOCOLS[self.protocol].starttls_verb

    @classmethod
    def looks_like_greeting(cls, first: bytes) -> bool:
        return bool(cls.greeting_pattern.match(first))

    async def greeting(self) -> str:
        reply = await self.read_greeting()
        if not reply.ok:
            raise mc517.refused_greeting(self.title, reply.text)
        return reply.text

    async def read_greeting(self) -> Reply:
        return await self.read_reply()

    @abstractmethod
    async def capabilities(self) -> Capabilities: ...

    async def starttls(self) -> str:
        reply = await self.command(self.starttls_verb)
        if not reply.ok:
            raise mc506.refused(self.starttls_verb, reply.text)
        return reply.text

    def tagged(self, line: str) -> str:
        """The command line as sent (IMAP puts a tag in front)."""
        return line

    async def command(self, line: str) -> Reply:
        self.conn.write_line(self.tagged(line))
        return await self.read_reply()

    @abstractmethod
    async def read_reply(self) -> Reply: ...

    def begin_auth(self, mechanism: str, initial: str | None) -> None:
        """Send AUTH (AUTHENTICATE), with the first response when the server takes it along."""
        line = self.tagged(f"{self.auth_verb} {mechanism}")
        if initial is None:
            self.conn.write_line(line)
        else:
            self.conn.write_secret(f"{line} {initial or '='}", initial)

    @abstractmethod
    async def native_login(self, username: str, secret: str) -> Reply: ...

    async def quit(self) -> None:
        await self.command(self.quit_verb)

    def unexpected(self, line: str) -> Unexpected:
        self.conn.broken = True
        return Unexpected(line)

    def refused(self, command: str, reply: Reply) -> Exception:
        return mc517.refused_command(command, self.title, reply.text)

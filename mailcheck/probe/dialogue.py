"""What SMTP, IMAP and POP3 have in common, as the session sees it.

The session runs one flow (greeting, capabilities, STARTTLS, login, QUIT) for every
protocol; a Dialogue subclass supplies the commands and how replies are read. Replies
are read line by line through the bounded Connection, and at most MAX_REPLY_LINES long.

A reply succeeds only as its protocol says: a tagged OK (IMAP), +OK (POP3), the code the
SMTP step expects (220, 250, 235, 354, ...). A continuation request ("+", SMTP 334) is
a request, never a success, and a positive SMTP code the step does not expect is neither
success nor refusal: the session reports it as a protocol error.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from typing import ClassVar

from mailcheck.probe.wire import Connection, Unexpected, verb_of
from mailcheck.protocols import PROTOCOLS, Protocol
from mailcheck.rules import mc506_starttls_not_offered as mc506
from mailcheck.rules import mc517_protocol_error as mc517

# RFC 4422, section 3.1: sasl-mech = 1*20mech-char, mech-char = UPPER-ALPHA / DIGIT / "-" / "_"
_SASL_MECHANISM = re.compile(r"[A-Z0-9_-]{1,20}\Z")


class Status(Enum):
    OK = "ok"  # the protocol's success reply to this command
    REFUSED = "refused"  # a negative reply: SMTP 4xx/5xx, IMAP NO/BAD, POP3 -ERR
    CONTINUE = "continue"  # a continuation request: IMAP "+", POP3 "+ ", SMTP 334 during AUTH
    OTHER = "other"  # a reply of the protocol, but not one this command may get (SMTP 250 to AUTH)


@dataclass(frozen=True)
class Reply:
    status: Status
    lines: tuple[str, ...]
    challenge: str | None = None  # the base64 payload of a continuation request

    @property
    def ok(self) -> bool:
        return self.status is Status.OK

    @property
    def text(self) -> str:
        return " / ".join(self.lines)


def mechanism_names(words: Iterable[str]) -> tuple[str, ...]:
    """The SASL mechanism names among capability words, upper case, each once. Anything
    else a server lists (escape sequences, over-long words) is not a mechanism."""
    names = (word.upper() for word in words)
    return tuple(dict.fromkeys(name for name in names if _SASL_MECHANISM.match(name)))


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
    success_reply: ClassVar[str]  # what a successful login is answered with, for messages
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
        if reply.status is Status.REFUSED:
            raise mc517.refused_greeting(self.title, reply.text)
        if not reply.ok:
            raise self.unexpected(reply.text)
        return reply.text

    async def read_greeting(self) -> Reply:
        return await self.read_reply()

    @abstractmethod
    async def capabilities(self) -> Capabilities: ...

    async def starttls(self) -> str:
        reply = await self.command(self.starttls_verb)
        if reply.status is Status.REFUSED:
            raise mc506.refused(self.starttls_verb, reply.text)
        if not reply.ok:
            raise self.unexpected(reply.text)
        return reply.text

    def tagged(self, line: str) -> str:
        """The command line as sent (IMAP puts a tag in front)."""
        return line

    def send(self, line: str) -> None:
        """Write a command (tagged as the protocol wants) through the wire's line guard."""
        verb = verb_of(line)
        self.conn.write_line(self.tagged(line), verb=verb)
        self.sent(verb)

    def send_secret(self, line: str, secret_part: str) -> None:
        """Write a command that carries a credential, through the credential gate."""
        verb = verb_of(line)
        self.conn.write_secret(self.tagged(line), secret_part, verb=verb)
        self.sent(verb)

    def sent(self, verb: str) -> None:
        """A command went out: SMTP learns here which codes its reply succeeds with."""

    async def command(self, line: str) -> Reply:
        self.send(line)
        return await self.read_reply()

    @abstractmethod
    async def read_reply(self) -> Reply: ...

    def begin_auth(self, mechanism: str, initial: str | None) -> None:
        """Send AUTH (AUTHENTICATE), with the first response when the server takes it along."""
        line = f"{self.auth_verb} {mechanism}"
        if initial is None:
            self.send(line)
        else:
            self.send_secret(f"{line} {initial or '='}", initial)

    def respond(self, response: str) -> None:
        """Answer a continuation request of the SASL exchange (a base64 line)."""
        self.conn.write_secret(response, response, verb=self.auth_verb)

    @abstractmethod
    async def native_login(self, username: str, secret: str) -> Reply: ...

    async def quit(self) -> None:
        await self.command(self.quit_verb)

    def unexpected(self, line: str) -> Unexpected:
        self.conn.broken = True
        return Unexpected(line)

    def refused(self, command: str, reply: Reply) -> Exception:
        return mc517.refused_command(command, self.title, reply.text)

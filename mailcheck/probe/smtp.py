"""SMTP (RFC 5321, submission RFC 6409): EHLO capabilities, STARTTLS (RFC 3207), AUTH
(RFC 4954) and the probe's test message."""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from mailcheck.hosts import parse_ip
from mailcheck.probe.dialogue import Capabilities, Dialogue, Reply, Status, mechanism_names
from mailcheck.probe.wire import MAX_REPLY_LINES, Connection, TooManyLines, UnsafeHeader
from mailcheck.protocols import Protocol
from mailcheck.rules import mc516_test_message_rejected as mc516

_REPLY = re.compile(r"^(\d{3})([ -]|$)(.*)$")
_DOT_AT_LINE_START = re.compile(rb"^\.", re.MULTILINE)
_UNSAFE_IN_HEADER = re.compile("[\r\n\0]")
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")

# The codes each command succeeds with (RFC 5321, 4.3.2; RFC 4954 for AUTH, RFC 3207 for
# STARTTLS); AUTH continues with 334. Any other code below 400 is not a success here.
GREETING_CODES = frozenset({220})
_SUCCESS: dict[str, frozenset[int]] = {
    "EHLO": frozenset({250}),
    "STARTTLS": frozenset({220}),
    "AUTH": frozenset({235}),
    "MAIL": frozenset({250}),
    "RCPT": frozenset({250, 251}),
    "DATA": frozenset({354}),
    "QUIT": frozenset({221}),
}
END_OF_DATA_CODES = frozenset({250})
AUTH_CONTINUES = 334


class SmtpDialogue(Dialogue):
    protocol = Protocol.SMTP
    greeting_pattern = re.compile(rb"^\d{3}[ -]")
    success_reply = "235"

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self._success = GREETING_CODES
        self._in_auth = False

    def sent(self, verb: str) -> None:
        self._success = _SUCCESS.get(verb, frozenset())
        self._in_auth = verb == "AUTH"

    async def read_greeting(self) -> Reply:
        self._success, self._in_auth = GREETING_CODES, False
        return await self.read_reply()

    async def read_reply(self) -> Reply:
        lines: list[str] = []
        code = ""
        for _ in range(MAX_REPLY_LINES):
            line = await self.conn.read_line()
            match = _REPLY.match(line)
            if match is None or (code and match[1] != code):
                raise self.unexpected(line)
            code = match[1]
            lines.append(line)
            if match[2] != "-":
                return self._reply(int(code), tuple(lines), match[3].strip())
        raise TooManyLines()

    def _reply(self, code: int, lines: tuple[str, ...], text: str) -> Reply:
        if code in self._success:
            return Reply(Status.OK, lines)
        if code == AUTH_CONTINUES and self._in_auth:
            return Reply(Status.CONTINUE, lines, challenge=text)
        return Reply(Status.REFUSED if code >= 400 else Status.OTHER, lines)

    async def capabilities(self) -> Capabilities:
        reply = await self.command(f"EHLO {self._client_name()}")
        if not reply.ok:
            raise self.refused("EHLO", reply)
        keywords = [line[4:].split() for line in reply.lines[1:]]
        mechanisms: list[str] = []
        for words in keywords:
            if words and (words[0].upper() == "AUTH" or words[0].upper().startswith("AUTH=")):
                first = words[0][5:] if "=" in words[0] else ""
                mechanisms += [first, *words[1:]]
        return Capabilities(
            starttls=any(words and words[0].upper() == self.starttls_verb for words in keywords),
            mechanisms=mechanism_names(mechanisms),
        )

    def _client_name(self) -> str:
        """An address literal (RFC 5321, 4.1.3): no local name lookup, nothing guessed."""
        address = self.conn.local_address
        ip = parse_ip(address)
        return f"[IPv6:{address}]" if ip is not None and ip.version == 6 else f"[{address}]"

    async def native_login(self, username: str, secret: str) -> Reply:
        raise NotImplementedError("SMTP logs in with AUTH only")  # choose() never picks it: no native_login

    async def envelope(self, sender: str, recipient: str) -> None:
        """MAIL, RCPT and DATA, up to the server's go-ahead; the MC516 outcome when refused."""
        for command, line in (("MAIL", f"MAIL FROM:<{sender}>"), ("RCPT", f"RCPT TO:<{recipient}>"), ("DATA", "DATA")):
            self._expect_success(command, await self.command(line))

    async def transmit(self, message: bytes) -> str:
        """The message after DATA's go-ahead; the server's queue reply."""
        self.conn.write(_DOT_AT_LINE_START.sub(b"..", message) + b".\r\n")
        self._success, self._in_auth = END_OF_DATA_CODES, False
        reply = await self.read_reply()
        self._expect_success("DATA", reply)
        return reply.text

    def _expect_success(self, command: str, reply: Reply) -> None:
        if reply.status is Status.REFUSED:
            raise mc516.outcome(command, reply.text)
        if not reply.ok:
            raise self.unexpected(reply.text)


TOKEN_HEADER = "X-Mailcheck-Token"


def test_message(profile: str, sender: str, recipient: str, token: str | None = None) -> tuple[str, bytes]:
    """(Message-ID, the message as sent) for `--send-test`: short, plain, easy to find.

    With `token` (--round-trip: generated by the probe, a uuid4 in hex, never anything a
    server sent) the Message-ID carries it and so does an X-Mailcheck-Token header, which
    the receiving profile searches for. No profile value can add or end a header: the
    addresses are refused (UnsafeHeader) with a line break or NUL, the profile name is
    shown with control characters escaped."""
    for header, value in (("From", sender), ("To", recipient)):
        unsafe = _UNSAFE_IN_HEADER.search(value)
        if unsafe is not None:
            raise UnsafeHeader(header, unsafe.group())
    domain = sender.rpartition("@")[2] or "mailcheck.invalid"
    message_id = f"<{token or uuid.uuid4().hex}.mailcheck-probe@{domain}>"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = f"mailcheck probe test message ({_escaped(profile)})"
    message["Date"] = formatdate()
    message["Message-ID"] = message_id
    if token is not None:
        message[TOKEN_HEADER] = token
    message.set_content(
        f"This message was sent by `mailcheck probe --send-test` to check the profile {profile}.\nIt needs no answer.\n"
    )
    return message_id, message.as_bytes(policy=SMTP_POLICY)


def _escaped(text: str) -> str:
    """`text` with control characters as escapes (\\n, \\x1b), fit for one header line."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)

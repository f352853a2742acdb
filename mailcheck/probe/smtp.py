"""SMTP (RFC 5321, submission RFC 6409): EHLO capabilities, STARTTLS (RFC 3207), AUTH
(RFC 4954) and the probe's test message."""

from __future__ import annotations

import re
import uuid
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import formatdate

from mailcheck.hosts import parse_ip
from mailcheck.probe.dialogue import Capabilities, Dialogue, Reply
from mailcheck.probe.wire import MAX_REPLY_LINES, TooManyLines
from mailcheck.protocols import Protocol
from mailcheck.rules import mc516_test_message_rejected as mc516

_REPLY = re.compile(r"^(\d{3})([ -]|$)(.*)$")
_DOT_AT_LINE_START = re.compile(rb"^\.", re.MULTILINE)


class SmtpDialogue(Dialogue):
    protocol = Protocol.SMTP
    greeting_pattern = re.compile(rb"^\d{3}[ -]")

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
                challenge = match[3].strip() if code == "334" else None
                return Reply(int(code) < 400, tuple(lines), challenge)
        raise TooManyLines()

    async def capabilities(self) -> Capabilities:
        reply = await self.command(f"EHLO {self._client_name()}")
        if not reply.ok:
            raise self.refused("EHLO", reply)
        keywords = [line[4:].split() for line in reply.lines[1:]]
        mechanisms: list[str] = []
        for words in keywords:
            if words and (words[0].upper() == "AUTH" or words[0].upper().startswith("AUTH=")):
                first = words[0][5:] if "=" in words[0] else ""
                mechanisms += [m.upper() for m in [first, *words[1:]] if m]
        return Capabilities(
            starttls=any(words and words[0].upper() == self.starttls_verb for words in keywords),
            mechanisms=tuple(dict.fromkeys(mechanisms)),
        )

    def _client_name(self) -> str:
        """An address literal (RFC 5321, 4.1.3): no local name lookup, nothing guessed."""
        address = self.conn.local_address
        ip = parse_ip(address)
        return f"[IPv6:{address}]" if ip is not None and ip.version == 6 else f"[{address}]"

    async def native_login(self, username: str, secret: str) -> Reply:
        raise NotImplementedError("SMTP logs in with AUTH only")  # choose() never picks it: no native_login

    async def send_test(self, sender: str, recipient: str, message: bytes) -> str:
        """MAIL, RCPT, DATA and the message; the server's queue reply, or the MC516 outcome."""
        for command, line in (("MAIL", f"MAIL FROM:<{sender}>"), ("RCPT", f"RCPT TO:<{recipient}>"), ("DATA", "DATA")):
            reply = await self.command(line)
            if not reply.ok:
                raise mc516.outcome(command, reply.text)
        self.conn.write(_DOT_AT_LINE_START.sub(b"..", message) + b".\r\n")
        reply = await self.read_reply()
        if not reply.ok:
            raise mc516.outcome("DATA", reply.text)
        return reply.text


def test_message(profile: str, sender: str, recipient: str) -> tuple[str, bytes]:
    """(Message-ID, the message as sent) for `--send-test`: short, plain, easy to find."""
    domain = sender.rpartition("@")[2] or "mailcheck.invalid"
    message_id = f"<{uuid.uuid4().hex}.mailcheck-probe@{domain}>"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = f"mailcheck probe test message ({profile})"
    message["Date"] = formatdate()
    message["Message-ID"] = message_id
    message.set_content(
        f"This message was sent by `mailcheck probe --send-test` to check the profile {profile}.\n"
        "It needs no answer.\n"
    )
    return message_id, message.as_bytes(policy=SMTP_POLICY)

"""IMAP (RFC 9051, RFC 3501): tagged commands, CAPABILITY, STARTTLS, AUTHENTICATE with
SASL-IR (RFC 4959), the LOGIN command unless LOGINDISABLED, and LOGOUT."""

from __future__ import annotations

import re
from itertools import count

from mailcheck.probe.dialogue import Capabilities, Dialogue, Reply, Status, mechanism_names
from mailcheck.probe.wire import MAX_REPLY_LINES, Connection, TooManyLines
from mailcheck.protocols import Protocol

NATIVE_LOGIN = "LOGIN command"
_TAGGED_STATUS = {"OK": Status.OK, "NO": Status.REFUSED, "BAD": Status.REFUSED}


class ImapDialogue(Dialogue):
    protocol = Protocol.IMAP
    greeting_pattern = re.compile(rb"^\* (OK|PREAUTH|BYE)\b", re.IGNORECASE)
    success_reply = "a tagged OK"
    auth_verb = "AUTHENTICATE"
    quit_verb = "LOGOUT"

    def __init__(self, conn: Connection) -> None:
        super().__init__(conn)
        self._tags = count(1)
        self.tag = ""

    def tagged(self, line: str) -> str:
        self.tag = f"m{next(self._tags)}"
        return f"{self.tag} {line}"

    async def read_greeting(self) -> Reply:
        line = await self.conn.read_line()
        words = line.split(" ", 2)
        status = words[1].upper() if len(words) > 1 and words[0] == "*" else ""
        if status not in ("OK", "PREAUTH", "BYE"):
            raise self.unexpected(line)
        return Reply(Status.REFUSED if status == "BYE" else Status.OK, (line,))

    async def read_reply(self) -> Reply:
        """Untagged lines up to the tagged completion, or a continuation request ("+")."""
        untagged: list[str] = []
        for _ in range(MAX_REPLY_LINES):
            line = await self.conn.read_line()
            if line.startswith("+"):
                return Reply(Status.CONTINUE, (line,), challenge=line[1:].strip())
            if line.startswith("* "):
                untagged.append(line)
                continue
            tag, _, rest = line.partition(" ")
            if tag != self.tag:
                raise self.unexpected(line)
            return Reply(_TAGGED_STATUS.get(rest.split(" ", 1)[0].upper(), Status.OTHER), (*untagged, line))
        raise TooManyLines()

    async def capabilities(self) -> Capabilities:
        reply = await self.command("CAPABILITY")
        if not reply.ok:
            raise self.refused("CAPABILITY", reply)
        words = {word.upper() for line in reply.lines for word in _capability_words(line)}
        return Capabilities(
            starttls=self.starttls_verb in words,
            mechanisms=tuple(sorted(mechanism_names(w[5:] for w in words if w.startswith("AUTH=")))),
            native_login=None if "LOGINDISABLED" in words else NATIVE_LOGIN,
            initial_response="SASL-IR" in words,
        )

    async def native_login(self, username: str, secret: str) -> Reply:
        quoted = _quoted(secret)
        self.send_secret(f"LOGIN {_quoted(username)} {quoted}", quoted)
        return await self.read_reply()


def _capability_words(line: str) -> list[str]:
    """The words of `* CAPABILITY ...` or of a `[CAPABILITY ...]` response code."""
    if line.upper().startswith("* CAPABILITY "):
        return line.split()[2:]
    code = re.search(r"\[CAPABILITY ([^\]]*)\]", line, re.IGNORECASE)
    return code.group(1).split() if code else []


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

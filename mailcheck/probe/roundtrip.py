"""`--round-trip`: read the test message back with the profile `test.receive_with` names.

The SMTP session sends its test message with a token the probe generated (uuid4, hex),
then hands over here: the receiving profile connects, is verified and logs in exactly as
its own probe would (receive.py, with pipeline.py's steps; its secrets masked in the sender's output),
and looks for the token on a bounded schedule until the window (the SMTP profile's
timeout, or --round-trip-timeout) that began when the server accepted the message ends.

    IMAP (one connection): CAPABILITY (UIDPLUS?), LIST "" "*" (a \\Junk or Junk/Spam folder),
      then each look: EXAMINE INBOX, UID SEARCH HEADER X-Mailcheck-Token <token>, the same
      in Junk; found: SELECT, UID STORE <uid> +FLAGS (\\Deleted), UID EXPUNGE <uid> with
      UIDPLUS (RFC 4315), otherwise the flag stays for the next expunge: a plain EXPUNGE
      or CLOSE would remove every message flagged \\Deleted, not only ours.
    POP3 (a session per look: a maildrop is a snapshot taken at login): UIDL, TOP n 0 of
      each message not looked at before (newest first, at most MAX_EXAMINED per look), and
      for the one whose header holds the token DELE n, which QUIT commits.

Only the token, a folder name the server listed and numbers parsed as integers go into a
command, and every command line passes the wire's guard. A message is removed only when
exactly one carries the token; no other message is flagged, deleted or expunged.
"""

from __future__ import annotations

import asyncio
import re
import time
from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass

from mailcheck.probe.dialogue import Dialogue, Reply
from mailcheck.probe.imap import ImapDialogue, _quoted
from mailcheck.probe.pop3 import Pop3Dialogue
from mailcheck.probe.smtp import TOKEN_HEADER
from mailcheck.probe.wire import Deadline

# Pauses between looks: quick at first (local delivery takes well under a second), then
# no more often than every POLL_CAP seconds, and never past the window.
POLL_SCHEDULE = (0.5, 1.0, 2.0, 4.0)
POLL_CAP = 5.0
MAX_EXAMINED = 50  # POP3 messages whose headers one look reads (TOP n 0), newest first
JUNK_NAMES = frozenset({"junk", "spam"})

_LIST = re.compile(r'^\* LIST \(([^)]*)\) (NIL|"(?:[^"\\]|\\.)*") (.+)$', re.IGNORECASE)
_ESCAPED = re.compile(r"\\(.)")


def pauses() -> Iterator[float]:
    """The pauses between looks: 0.5 s, 1 s, 2 s, 4 s, then POLL_CAP seconds each."""
    yield from POLL_SCHEDULE
    while True:
        yield POLL_CAP


@dataclass(frozen=True)
class Found:
    folder: str
    latency: float  # seconds from DATA accepted to found
    junk: bool
    removal: str
    where: str  # "UID 7", "message 3": which message it was


class Mailbox(ABC):
    """One receiving profile's mailbox, as the round trip searches it."""

    where: str  # what a look searches, for messages: "INBOX and Junk", "the maildrop"

    def __init__(self, token: str, accepted: float) -> None:
        self.token = token
        self.accepted = accepted  # time.monotonic() when the server accepted the message

    @abstractmethod
    async def look(self, dialogue: Dialogue) -> Found | None: ...

    def latency(self) -> float:
        return time.monotonic() - self.accepted


class ImapMailbox(Mailbox):
    def __init__(self, token: str, accepted: float) -> None:
        super().__init__(token, accepted)
        self.uidplus = False
        self.junk: str | None = None
        self.where = "INBOX"

    async def prepare(self, dialogue: ImapDialogue) -> None:
        """What the server offers after login: UIDPLUS, and a Junk folder."""
        reply = await _required(dialogue, "CAPABILITY")
        words = {w.upper() for line in reply.lines if line.upper().startswith("* CAPABILITY ") for w in line.split()}
        self.uidplus = "UIDPLUS" in words
        listed = await _required(dialogue, 'LIST "" "*"')
        self.junk = junk_folder(listed.lines)
        if self.junk is not None:
            self.where = f"INBOX and {self.junk}"

    async def look(self, dialogue: Dialogue) -> Found | None:
        assert isinstance(dialogue, ImapDialogue)
        for folder in ("INBOX", *([self.junk] if self.junk else [])):
            reply = await dialogue.command(f"EXAMINE {_mailbox(folder)}")
            if not reply.ok:
                if folder == "INBOX":
                    raise dialogue.refused("EXAMINE", reply)
                self.junk, self.where = None, "INBOX"  # listed, but cannot be opened: not looked in again
                continue
            uids = search_result(await _required(dialogue, f"UID SEARCH HEADER {TOKEN_HEADER} {self.token}"))
            if uids:
                latency = self.latency()
                removal = await self._remove(dialogue, folder, uids)
                where = f"UID {uids[0]}" if len(uids) == 1 else f"UIDs {', '.join(map(str, uids))}"
                return Found(folder, latency, folder != "INBOX", removal, where)
        return None

    async def _remove(self, dialogue: ImapDialogue, folder: str, uids: list[int]) -> str:
        if len(uids) != 1:
            return f"not deleted: {len(uids)} messages carry the token"
        (uid,) = uids
        reply = await dialogue.command(f"SELECT {_mailbox(folder)}")
        if not reply.ok:
            return f"not deleted: SELECT refused: {reply.text}"
        reply = await dialogue.command(f"UID STORE {uid} +FLAGS (\\Deleted)")
        if not reply.ok:
            return f"not deleted: UID STORE refused: {reply.text}"
        if not self.uidplus:
            return "flagged \\Deleted and left for the next expunge (the server does not offer UIDPLUS)"
        reply = await dialogue.command(f"UID EXPUNGE {uid}")
        if not reply.ok:
            return f"flagged \\Deleted, left for the next expunge: UID EXPUNGE refused: {reply.text}"
        return "deleted (UID EXPUNGE)"


class Pop3Mailbox(Mailbox):
    where = "the maildrop"

    def __init__(self, token: str, accepted: float) -> None:
        super().__init__(token, accepted)
        self.examined: set[str] = set()  # UIDLs whose headers were read in an earlier look

    async def look(self, dialogue: Dialogue) -> Found | None:
        assert isinstance(dialogue, Pop3Dialogue)
        reply = await dialogue.command("UIDL")
        entries: list[tuple[int, str | None]]
        if reply.ok:
            listing = [uidl_entry(line) for line in await dialogue.read_list()]
            entries = [e for e in listing if e is not None]
        else:  # no UIDL: every message, each look (message numbers last one session only)
            stat = await _required(dialogue, "STAT")
            count = stat_count(stat.lines[0])
            entries = [(n, None) for n in range(1, count + 1)]
        fresh = [e for e in sorted(entries, reverse=True) if e[1] is None or e[1] not in self.examined]
        for number, uidl in fresh[:MAX_EXAMINED]:
            await _required(dialogue, f"TOP {number} 0")
            headers = await dialogue.read_list()
            if uidl is not None:
                self.examined.add(uidl)
            if header_value(headers, TOKEN_HEADER) != self.token:
                continue
            latency = self.latency()
            reply = await dialogue.command(f"DELE {number}")
            removal = "marked for deletion (DELE)" if reply.ok else f"not deleted: DELE refused: {reply.text}"
            return Found("the maildrop", latency, False, removal, f"message {number}")
        return None


async def _required(dialogue: Dialogue, line: str) -> Reply:
    reply = await dialogue.command(line)
    if not reply.ok:
        verb = " ".join(line.split()[:2]) if line.startswith("UID ") else line.split(" ", 1)[0]
        raise dialogue.refused(verb, reply)
    return reply


def _mailbox(name: str) -> str:
    return "INBOX" if name.upper() == "INBOX" else _quoted(name)


def junk_folder(lines: tuple[str, ...]) -> str | None:
    """The folder LIST marks \\Junk (RFC 6154), or else the first named Junk or Spam (its
    last hierarchy level, any case); None when there is none. Names sent as literals are
    left out."""
    named: str | None = None
    for line in lines:
        match = _LIST.match(line)
        if match is None:
            continue
        attributes = {a.lower() for a in match[1].split()}
        delimiter = _unquote(match[2]) if match[2].upper() != "NIL" else None
        raw = match[3].strip()
        if raw.startswith("{"):
            continue
        name = _unquote(raw) if raw.startswith('"') else raw
        if not name or name.upper() == "INBOX" or "\\noselect" in attributes or "\\nonexistent" in attributes:
            continue
        if "\\junk" in attributes:
            return name
        leaf = name.rsplit(delimiter, 1)[-1] if delimiter else name
        if named is None and leaf.lower() in JUNK_NAMES:
            named = name
    return named


def _unquote(text: str) -> str:
    return _ESCAPED.sub(r"\1", text[1:-1]) if len(text) >= 2 and text[0] == text[-1] == '"' else text


def search_result(reply: Reply) -> list[int]:
    """The UIDs of `* SEARCH 3 7`: numbers only, whatever else a line holds."""
    uids: list[int] = []
    for line in reply.lines:
        words = line.split()
        if len(words) >= 2 and words[0] == "*" and words[1].upper() == "SEARCH":
            uids += [int(w) for w in words[2:] if w.isdigit() and 0 < int(w) < 2**32]
    return sorted(set(uids))


def uidl_entry(line: str) -> tuple[int, str] | None:
    words = line.split()
    if len(words) != 2 or not words[0].isdigit():
        return None
    return int(words[0]), words[1]


def stat_count(line: str) -> int:
    words = line.split()
    return int(words[1]) if len(words) > 1 and words[1].isdigit() else 0


def header_value(lines: list[str], name: str) -> str | None:
    """The (unfolded, stripped) value of header `name` among a message's header lines."""
    wanted = name.lower() + ":"
    value: str | None = None
    for line in lines:
        if line == "":
            break
        if line[:1] in (" ", "\t"):
            if value is not None:
                value += " " + line.strip()
            continue
        if value is not None:
            return value.strip()
        if line.lower().startswith(wanted):
            value = line[len(wanted) :]
    return value.strip() if value is not None else None


async def pause_before_next(window: Deadline, pause: float, last_look: float) -> bool:
    """Sleep before the next look, leaving it as long as the last one took; False when no
    look fits in what is left of the window."""
    room = window.remaining() - last_look
    if room <= 0:
        return False
    await asyncio.sleep(min(pause, room))
    return window.remaining() > 0

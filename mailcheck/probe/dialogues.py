"""The dialogue of each protocol, by protocol: the one place the session and mode
detection look them up."""

from __future__ import annotations

from mailcheck.probe.dialogue import Dialogue
from mailcheck.probe.imap import ImapDialogue
from mailcheck.probe.pop3 import Pop3Dialogue
from mailcheck.probe.smtp import SmtpDialogue
from mailcheck.protocols import Protocol

DIALOGUES: dict[Protocol, type[Dialogue]] = {
    Protocol.SMTP: SmtpDialogue,
    Protocol.IMAP: ImapDialogue,
    Protocol.POP3: Pop3Dialogue,
}

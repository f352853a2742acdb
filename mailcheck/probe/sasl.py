"""SASL for the login step: choosing a mechanism, and one exchange loop for all protocols.

Mechanisms: PLAIN (RFC 4616), LOGIN, CRAM-MD5 (RFC 2195), XOAUTH2 (Google, Microsoft).
Every line that carries a credential goes through Connection.write_secret, which refuses
an unencrypted connection, refuses a line holding CR, LF or NUL, and registers the encoded
form for masking in all output.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass

from mailcheck.probe.dialogue import Capabilities, Dialogue, Reply, Status

# For `mechanism: auto`, strongest first, as smtplib orders them. XOAUTH2 needs a token,
# which only `mechanism: xoauth2` profiles have, so auto never picks it.
AUTO_PREFERENCE = ("CRAM-MD5", "PLAIN", "LOGIN")
MAX_ROUNDS = 5  # LOGIN needs two challenges; nothing legitimate needs five


@dataclass(frozen=True)
class Method:
    """How to log in: a SASL mechanism, or the protocol's own command (IMAP LOGIN, POP3 USER/PASS)."""

    name: str
    native: bool = False


def choose(setting: str, offered: Capabilities) -> Method | None:
    """The method for the profile's `auth.mechanism`, or None when the server offers none that fits.

    `login` takes the SASL LOGIN mechanism or else the protocol's own password command:
    both send the same username and password."""
    if setting == "auto":
        best = next((name for name in AUTO_PREFERENCE if name in offered.mechanisms), None)
        if best is not None:
            return Method(best)
    elif setting.upper() in offered.mechanisms:
        return Method(setting.upper())
    if setting in ("auto", "login") and offered.native_login:
        return Method(offered.native_login, native=True)
    return None


class Mechanism:
    """A client side of one SASL mechanism: the first response, then one per challenge."""

    def __init__(self, username: str, secret: str) -> None:
        self.username = username.encode("utf-8")
        self.secret = secret.encode("utf-8")
        self.round = 0

    def initial(self) -> bytes | None:
        return None

    def respond(self, challenge: bytes) -> bytes:
        raise NotImplementedError


class Plain(Mechanism):
    def initial(self) -> bytes:
        return b"\0" + self.username + b"\0" + self.secret

    def respond(self, challenge: bytes) -> bytes:  # the server asked for it instead of taking it along
        return self.initial()


class Login(Mechanism):
    def respond(self, challenge: bytes) -> bytes:
        self.round += 1
        asks_password = b"pass" in challenge.lower() or (self.round > 1 and b"user" not in challenge.lower())
        return self.secret if asks_password else self.username


class CramMd5(Mechanism):
    def respond(self, challenge: bytes) -> bytes:
        return self.username + b" " + hmac.new(self.secret, challenge, hashlib.md5).hexdigest().encode("ascii")


class XOAuth2(Mechanism):
    def initial(self) -> bytes:
        return b"user=" + self.username + b"\x01auth=Bearer " + self.secret + b"\x01\x01"

    def respond(self, challenge: bytes) -> bytes:
        return b""  # the challenge is a JSON error; an empty answer makes the server send the final reply


MECHANISMS: dict[str, type[Mechanism]] = {"PLAIN": Plain, "LOGIN": Login, "CRAM-MD5": CramMd5, "XOAUTH2": XOAuth2}


async def authenticate(dialogue: Dialogue, method: Method, username: str, secret: str, offered: Capabilities) -> Reply:
    """Log in once with `method`; the server's final reply (a success only if `.ok`)."""
    if method.native:
        return await dialogue.native_login(username, secret)
    mechanism = MECHANISMS[method.name](username, secret)
    first = mechanism.initial() if offered.initial_response else None
    dialogue.begin_auth(method.name, None if first is None else _b64(first))
    for _ in range(MAX_ROUNDS):
        reply = await dialogue.read_reply()
        if reply.status is not Status.CONTINUE or reply.challenge is None:
            return reply
        try:
            challenge = base64.b64decode(reply.challenge, validate=True)
        except binascii.Error:
            raise dialogue.unexpected(reply.text) from None
        dialogue.respond(_b64(mechanism.respond(challenge)))
    raise dialogue.unexpected(f"more than {MAX_ROUNDS} SASL challenges")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

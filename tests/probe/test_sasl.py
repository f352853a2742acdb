"""mailcheck.probe.sasl: the client side of PLAIN, LOGIN, CRAM-MD5 and XOAUTH2, checked
against the published examples, and the exchange loop over a real SMTP connection.

Sources of the expected values (none computed by the code under test):
- PLAIN, RFC 4616 section 4: the message `\\0tim\\0tanstaaftanstaaf` ({21} octets) for
  authcid "tim", password "tanstaaftanstaaf" and no authzid, sent in answer to the
  server's empty challenge (`+ ""`).
- CRAM-MD5, RFC 2195 section 2: challenge `<1896.697170952@postoffice.reston.mci.net>`,
  user "tim", secret "tanstaaftanstaaf", response `tim b913a602c7eda7a495b4e6e7334d3890`,
  base64 `dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw`.
- LOGIN, draft-murchison-sasl-login-00 section 2 (the server asks "User Name", then
  "Password"); deployed servers send `Username:` and `Password:` (base64 VXNlcm5hbWU6,
  UGFzc3dvcmQ6).
- XOAUTH2, Google's "OAuth 2.0 Mechanism" page (developers.google.com/gmail/imap/xoauth2-protocol):
  `base64("user=" {User} "^Aauth=Bearer " {Access Token} "^A^A")`, its example for
  someuser@example.com, and the empty client response to an error challenge.
- SMTP AUTH exchange, RFC 4954 section 4 (334 challenges, 235 success, 535 failure).
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable

import pytest

from mailcheck.probe.dialogue import Capabilities, Reply, Status
from mailcheck.probe.sasl import CramMd5, Login, Method, Plain, XOAuth2, authenticate, choose
from mailcheck.probe.smtp import SmtpDialogue
from mailcheck.probe.wire import Unexpected
from tests.probe.loopback import LoopbackPeer, connected, run

RFC2195_CHALLENGE = b"<1896.697170952@postoffice.reston.mci.net>"
RFC2195_RESPONSE_B64 = "dGltIGI5MTNhNjAyYzdlZGE3YTQ5NWI0ZTZlNzMzNGQzODkw"
GOOGLE_TOKEN = "ya29.vF9dft4qmTc2Nvb3RlckBhdHRhdmlzdGEuY29tCg"
GOOGLE_INITIAL_B64 = (
    "dXNlcj1zb21ldXNlckBleGFtcGxlLmNvbQFhdXRoPUJlYXJlciB5YTI5LnZGOWRmdDRxbVRjMk52"
    "YjNSbGNrQmhkSFJoZG1semRHRXVZMjl0Q2cBAQ=="
)

# --- the encodings ---------------------------------------------------------------------


def test_plain_is_the_rfc_4616_message() -> None:
    message = Plain("tim", "tanstaaftanstaaf").initial()
    assert message == b"\0tim\0tanstaaftanstaaf"
    assert len(message) == 21  # the example's {21} literal


def test_plain_answers_an_empty_challenge_with_the_same_message() -> None:
    """As in the RFC 4616 example, where the server asks with an empty challenge first."""
    assert Plain("tim", "tanstaaftanstaaf").respond(b"") == b"\0tim\0tanstaaftanstaaf"


def test_cram_md5_is_the_rfc_2195_response() -> None:
    response = CramMd5("tim", "tanstaaftanstaaf").respond(RFC2195_CHALLENGE)
    assert response == b"tim b913a602c7eda7a495b4e6e7334d3890"
    assert base64.b64encode(response).decode() == RFC2195_RESPONSE_B64


def test_cram_md5_sends_no_initial_response() -> None:
    """The server's challenge comes first (RFC 2195 section 2)."""
    assert CramMd5("tim", "x").initial() is None


@pytest.mark.parametrize(
    ("first", "second"),
    [(b"Username:", b"Password:"), (b"User Name", b"Password"), (b"username:", b"password:")],
)
def test_login_answers_the_username_then_the_password(first: bytes, second: bytes) -> None:
    login = Login("tim", "tanstaaftanstaaf")
    assert login.initial() is None
    assert login.respond(first) == b"tim"
    assert login.respond(second) == b"tanstaaftanstaaf"


def test_login_answers_the_password_to_a_second_unnamed_challenge() -> None:
    login = Login("tim", "tanstaaftanstaaf")
    assert login.respond(b"") == b"tim"
    assert login.respond(b"") == b"tanstaaftanstaaf"


def test_xoauth2_is_googles_initial_client_response() -> None:
    initial = XOAuth2("someuser@example.com", GOOGLE_TOKEN).initial()
    assert initial == f"user=someuser@example.com\x01auth=Bearer {GOOGLE_TOKEN}\x01\x01".encode()
    assert base64.b64encode(initial).decode() == GOOGLE_INITIAL_B64


def test_xoauth2_answers_an_error_challenge_with_an_empty_response() -> None:
    error = b'{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}'
    assert XOAuth2("someuser@example.com", GOOGLE_TOKEN).respond(error) == b""


# --- choosing a mechanism ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("setting", "mechanisms", "native", "chosen"),
    [
        ("auto", ("PLAIN", "LOGIN", "CRAM-MD5"), None, Method("CRAM-MD5")),  # strongest first
        ("auto", ("LOGIN", "PLAIN"), None, Method("PLAIN")),
        ("auto", ("XOAUTH2",), None, None),  # needs a token: never picked by auto
        ("auto", (), "USER/PASS", Method("USER/PASS", native=True)),
        ("plain", ("PLAIN",), None, Method("PLAIN")),
        ("plain", ("LOGIN",), "LOGIN command", None),  # as asked, or not at all
        ("login", (), "LOGIN command", Method("LOGIN command", native=True)),
        ("login", ("LOGIN",), "LOGIN command", Method("LOGIN")),
        ("xoauth2", ("XOAUTH2", "PLAIN"), None, Method("XOAUTH2")),
        ("cram-md5", ("PLAIN",), None, None),
    ],
)
def test_choose(setting: str, mechanisms: tuple[str, ...], native: str | None, chosen: Method | None) -> None:
    assert choose(setting, Capabilities(mechanisms=mechanisms, native_login=native)) == chosen


# --- the exchange, over SMTP (RFC 4954) --------------------------------------------------

SMTP_AUTH = Capabilities(mechanisms=("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2"))


Script = Callable[[LoopbackPeer, list[str]], Awaitable[None]]


async def _login(script: Script, method: str, username: str, secret: str) -> tuple[Reply, list[str]]:
    """authenticate() against a peer that follows `script`, which collects the client's lines."""
    async with connected() as (conn, peer):
        conn.cleartext_auth = True  # plain loopback: the exchange is under test, not the TLS gate
        sent: list[str] = []
        login = authenticate(SmtpDialogue(conn), Method(method), username, secret, SMTP_AUTH)
        reply, _ = await asyncio.gather(login, script(peer, sent))
        return reply, sent


def test_plain_goes_with_the_auth_command_as_an_initial_response() -> None:
    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        await peer.send_lines("235 2.7.0 Authentication successful")

    reply, sent = run(lambda: _login(server, "PLAIN", "tim", "tanstaaftanstaaf"))
    assert sent == ["AUTH PLAIN AHRpbQB0YW5zdGFhZnRhbnN0YWFm"]
    assert reply.status is Status.OK


def test_cram_md5_answers_the_servers_challenge() -> None:
    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        await peer.send_lines("334 " + base64.b64encode(RFC2195_CHALLENGE).decode())
        sent.append(await peer.command())
        await peer.send_lines("235 2.7.0 Authentication successful")

    reply, sent = run(lambda: _login(server, "CRAM-MD5", "tim", "tanstaaftanstaaf"))
    assert sent == ["AUTH CRAM-MD5", RFC2195_RESPONSE_B64]
    assert reply.ok


def test_login_takes_two_challenges() -> None:
    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        await peer.send_lines("334 VXNlcm5hbWU6")
        sent.append(await peer.command())
        await peer.send_lines("334 UGFzc3dvcmQ6")
        sent.append(await peer.command())
        await peer.send_lines("235 2.7.0 Authentication successful")

    reply, sent = run(lambda: _login(server, "LOGIN", "tim", "tanstaaftanstaaf"))
    assert sent == ["AUTH LOGIN", "dGlt", base64.b64encode(b"tanstaaftanstaaf").decode()]
    assert reply.ok


def test_a_refused_login_is_the_final_reply_not_a_success() -> None:
    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        await peer.send_lines("535 5.7.8 Authentication credentials invalid")

    reply, _ = run(lambda: _login(server, "PLAIN", "tim", "wrong"))
    assert reply.status is Status.REFUSED


def test_xoauth2_error_challenge_is_answered_empty_and_ends_refused() -> None:
    error = base64.b64encode(b'{"status":"401","schemes":"Bearer","scope":"https://mail.google.com/"}').decode()

    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        await peer.send_lines(f"334 {error}")
        sent.append(await peer.command())
        await peer.send_lines(
            "535-5.7.8 Username and Password not accepted.", "535 5.7.8 https://support.google.com/mail"
        )

    reply, sent = run(lambda: _login(server, "XOAUTH2", "someuser@example.com", GOOGLE_TOKEN))
    assert sent == [f"AUTH XOAUTH2 {GOOGLE_INITIAL_B64}", ""]
    assert reply.status is Status.REFUSED and len(reply.lines) == 2


def test_a_challenge_that_is_not_base64_is_a_protocol_error() -> None:
    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        await peer.send_lines("334 not base64!")

    with pytest.raises(Unexpected):
        run(lambda: _login(server, "CRAM-MD5", "tim", "x"))


def test_a_server_that_never_stops_challenging_is_a_protocol_error() -> None:
    async def server(peer: LoopbackPeer, sent: list[str]) -> None:
        sent.append(await peer.command())
        for _ in range(5):  # MAX_ROUNDS answered, then the client gives up
            await peer.send_lines("334 VXNlcm5hbWU6")
            sent.append(await peer.command())

    with pytest.raises(Unexpected, match="more than 5 SASL challenges"):
        run(lambda: _login(server, "LOGIN", "tim", "x"))

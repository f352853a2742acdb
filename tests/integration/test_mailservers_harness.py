"""Proves the MailServers harness behaves as the probe tests need, using stdlib clients only."""

from __future__ import annotations

import imaplib
import poplib
import smtplib
import ssl
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from email.utils import make_msgid

import pytest

from tests.integration.mailservers import MailServers

TIMEOUT = 10.0  # seconds, for every client socket


@pytest.fixture
def tls(mail_servers: MailServers) -> ssl.SSLContext:
    """Client context that trusts only the harness CA (and verifies names)."""
    return mail_servers.client_context()


@contextmanager
def submission(servers: MailServers, tls: ssl.SSLContext) -> Iterator[smtplib.SMTP]:
    """An SMTP session on the STARTTLS submission port, already upgraded to TLS."""
    with smtplib.SMTP(servers.host, servers.ports.smtp_starttls, timeout=TIMEOUT) as smtp:
        smtp.ehlo("client.example.test")
        smtp.starttls(context=tls)
        smtp.ehlo("client.example.test")
        yield smtp


@contextmanager
def imap_session(servers: MailServers, tls: ssl.SSLContext, implicit_tls: bool) -> Iterator[imaplib.IMAP4]:
    """An IMAP connection over TLS: IMAPS, or plain IMAP upgraded with STARTTLS."""
    imap: imaplib.IMAP4
    if implicit_tls:
        imap = imaplib.IMAP4_SSL(servers.host, servers.ports.imap_tls, ssl_context=tls, timeout=TIMEOUT)
    else:
        imap = imaplib.IMAP4(servers.host, servers.ports.imap_starttls, timeout=TIMEOUT)
        imap.starttls(ssl_context=tls)
    try:
        yield imap
    finally:
        imap.shutdown()


def new_message(servers: MailServers, subject: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = servers.alice.address
    message["To"] = servers.alice.address
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(idstring=uuid.uuid4().hex, domain="client.example.test")
    message.set_content("sent by the mailcheck harness self-test\n")
    return message


# ----------------------------------------------------------------------------- SMTP


def test_submission_requires_starttls_then_accepts_login(mail_servers: MailServers, tls: ssl.SSLContext) -> None:
    with smtplib.SMTP(mail_servers.host, mail_servers.ports.smtp_starttls, timeout=TIMEOUT) as smtp:
        smtp.ehlo("client.example.test")
        assert smtp.has_extn("starttls")
        assert not smtp.has_extn("auth"), "AUTH must only be offered after STARTTLS"
        smtp.starttls(context=tls)
        smtp.ehlo("client.example.test")
        assert smtp.has_extn("auth")
        code, _ = smtp.login(mail_servers.alice.address, mail_servers.alice.password)
        assert code == 235


def test_submission_bad_password_is_535(mail_servers: MailServers, tls: ssl.SSLContext) -> None:
    with submission(mail_servers, tls) as smtp, pytest.raises(smtplib.SMTPAuthenticationError) as failure:
        smtp.login(mail_servers.alice.address, "wrong-password")
    assert failure.value.smtp_code == 535


def test_implicit_tls_submission_accepts_login(mail_servers: MailServers, tls: ssl.SSLContext) -> None:
    port = mail_servers.ports.smtp_tls
    with smtplib.SMTP_SSL(mail_servers.host, port, context=tls, timeout=TIMEOUT) as smtp:
        smtp.ehlo("client.example.test")
        assert smtp.has_extn("auth")
        code, _ = smtp.login(mail_servers.bob.address, mail_servers.bob.password)
        assert code == 235


def test_submitted_message_reaches_the_mailbox(mail_servers: MailServers, tls: ssl.SSLContext) -> None:
    alice = mail_servers.alice
    message = new_message(mail_servers, "harness delivery check")
    with submission(mail_servers, tls) as smtp:
        smtp.login(alice.address, alice.password)
        assert smtp.send_message(message) == {}

    delivered = mail_servers.wait_for_message(alice.address, message["Message-ID"], timeout=10)
    assert delivered["Subject"] == "harness delivery check"

    with imap_session(mail_servers, tls, implicit_tls=True) as imap:
        imap.login(alice.address, alice.password)
        imap.select("INBOX", readonly=True)
        status, data = imap.search(None, "HEADER", "Message-ID", message["Message-ID"])
        assert status == "OK" and data[0].split(), "message not visible over IMAP"


# ----------------------------------------------------------------------------- IMAP


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["starttls", "imaps"])
def test_imap_login(mail_servers: MailServers, tls: ssl.SSLContext, implicit_tls: bool) -> None:
    with imap_session(mail_servers, tls, implicit_tls) as imap:
        assert imap.login(mail_servers.alice.address, mail_servers.alice.password)[0] == "OK"
        assert imap.select("INBOX")[0] == "OK"


def test_imap_bad_login_fails(mail_servers: MailServers, tls: ssl.SSLContext) -> None:
    with imap_session(mail_servers, tls, implicit_tls=True) as imap:
        with pytest.raises(imaplib.IMAP4.error, match="AUTHENTICATIONFAILED"):
            imap.login(mail_servers.alice.address, "wrong-password")


# ----------------------------------------------------------------------------- POP3


@pytest.mark.parametrize("implicit_tls", [False, True], ids=["stls", "pop3s"])
def test_pop3_login(mail_servers: MailServers, tls: ssl.SSLContext, implicit_tls: bool) -> None:
    pop: poplib.POP3
    if implicit_tls:
        pop = poplib.POP3_SSL(mail_servers.host, mail_servers.ports.pop3_tls, context=tls, timeout=TIMEOUT)
    else:
        pop = poplib.POP3(mail_servers.host, mail_servers.ports.pop3_starttls, timeout=TIMEOUT)
        pop.stls(context=tls)
    try:
        pop.user(mail_servers.bob.address)
        assert pop.pass_(mail_servers.bob.password).startswith(b"+OK")
        pop.stat()
    finally:
        pop.quit()


# ----------------------------------------------------------------------------- cleartext refused


def test_cleartext_imap_login_refused(mail_servers: MailServers) -> None:
    """Via 127.0.0.2 Dovecot sees a non-local client, so cleartext LOGIN is disabled."""
    imap = imaplib.IMAP4(mail_servers.cleartext_host, mail_servers.ports.imap_starttls, timeout=TIMEOUT)
    try:
        assert "LOGINDISABLED" in imap.capabilities
        assert "STARTTLS" in imap.capabilities
        with pytest.raises(imaplib.IMAP4.error, match="Plaintext authentication disallowed"):
            imap.login(mail_servers.alice.address, mail_servers.alice.password)
    finally:
        imap.shutdown()


def test_cleartext_pop3_login_refused(mail_servers: MailServers) -> None:
    """Dovecot refuses USER before STLS from a non-local client."""
    pop = poplib.POP3(mail_servers.cleartext_host, mail_servers.ports.pop3_starttls, timeout=TIMEOUT)
    try:
        with pytest.raises(poplib.error_proto, match="Plaintext authentication disallowed"):
            pop.user(mail_servers.alice.address)
    finally:
        pop.close()


def test_cleartext_smtp_offers_no_auth_and_demands_starttls(mail_servers: MailServers) -> None:
    host, port = mail_servers.cleartext_host, mail_servers.ports.smtp_starttls
    with smtplib.SMTP(host, port, timeout=TIMEOUT) as smtp:
        smtp.ehlo("client.example.test")
        assert smtp.has_extn("starttls")
        assert not smtp.has_extn("auth")
        code, reply = smtp.mail(mail_servers.alice.address)
        assert code == 530 and b"STARTTLS" in reply

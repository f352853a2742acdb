"""MC404: test.receive_with must name an imap or pop3 profile of the same file."""

from __future__ import annotations


def profiles(receive_with: str, *others: str) -> str:
    """An smtp profile whose test message is read back with `receive_with`, and `others`."""
    return (
        "version: 1\n"
        "profiles:\n"
        "  outgoing:\n"
        "    protocol: smtp\n"
        "    host: smtp.example.com\n"
        "    security: tls\n"
        "    auth: {username: app@example.com, password: {env: SMTP_PASSWORD}}\n"
        f"    test: {{send_to: app@example.com, receive_with: {receive_with}}}\n" + "".join(others)
    )


IMAP = (
    "  incoming:\n"
    "    protocol: imap\n"
    "    host: imap.example.com\n"
    "    security: tls\n"
    "    auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}\n"
)
POP3 = IMAP.replace("incoming", "maildrop").replace("imap", "pop3")
SMTP = IMAP.replace("incoming", "relay").replace("protocol: imap", "protocol: smtp").replace("imap.", "smtp.")


def test_mc404_an_unknown_profile_name_is_an_error(lint):
    run = lint(profiles("incomming", IMAP))
    finding = run.only("MC404")
    assert finding.severity == "error"
    assert finding.path == "profiles.outgoing.test.receive_with"
    assert finding.at == run.spot("receive_with:", "incomming")
    assert finding.message == "test.receive_with 'incomming' names no profile of this file"
    assert finding.hint == (
        "set test.receive_with to the imap or pop3 profile of this file that reads test.send_to's mailbox "
        "(this file's: incoming)"
    )


def test_mc404_an_smtp_receiver_is_an_error(lint):
    run = lint(profiles("relay", SMTP))
    finding = run.finding("MC404")
    assert finding.message == "test.receive_with 'relay' names the smtp profile, not an imap or pop3 one"
    assert "none: add an imap or pop3 profile" in finding.hint


def test_mc404_the_sender_itself_is_not_a_receiver(lint):
    assert (
        lint(profiles("outgoing", IMAP)).only("MC404").message.startswith("test.receive_with 'outgoing' names the smtp")
    )


def test_mc404_imap_and_pop3_receivers_pass(lint):
    assert lint(profiles("incoming", IMAP)).rules == []
    assert lint(profiles("maildrop", POP3)).rules == []


def test_mc404_without_receive_with_nothing_is_reported(lint):
    assert lint(profiles("incoming", IMAP).replace(", receive_with: incoming", "")).rules == []


def test_mc404_a_name_that_is_no_profile_name_is_a_schema_violation(lint):
    run = lint(profiles("'no such profile!'", IMAP))
    assert run.rules == ["MC101"]

"""MC303 and MC305: a secret written in the file versus another tool's reference to one.

`$SMTP_PASSWORD`, `"{{ vault_imap_password }}"` and `${imap-pw}` hold no secret: they are
references mailcheck cannot resolve (MC305), not leaks to rotate. A default written inside
a shell reference is a secret in the file (MC303). The probe never sends such a text as the
password (MC515).
"""

from __future__ import annotations

import json
import socketserver
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.cli_run import mailcheck, repo


def inbox(password: str, field: str = "password") -> str:
    mechanism = "\n      mechanism: xoauth2" if field == "token" else ""
    return (
        "version: 1\n"
        "profiles:\n"
        "  inbox:\n"
        "    protocol: imap\n"
        "    host: imap.example.com\n"
        "    security: tls\n"
        "    auth:\n"
        "      username: app@example.com\n"
        f"      {field}: {password}{mechanism}\n"
    )


# (as written in the file, words the message uses for the syntax); each form as its tool
# documents it (see the rule's References)
FOREIGN = [
    ('"$SMTP_PASSWORD"', "shell variable"),
    ('"$imap_pw"', "shell variable"),
    ('"${imap-pw}"', "${A-B} reference"),
    ('"${smtp.password}"', "not an environment variable name"),
    ('"${SMTP_PASSWORD:?set it}"', "fails when the variable is unset"),
    ('"${SMTP_PASSWORD:-}"', "empty default"),
    ('"$env:SMTP_PASSWORD"', "PowerShell"),
    ('"{{ vault_imap_password }}"', "template expression"),
    ("\"{{ lookup('env', 'IMAP_PASSWORD') }}\"", "template expression"),
    ('"{{ .Values.smtp.password }}"', "template expression"),
    ('"${{ secrets.SMTP_PASSWORD }}"', "GitHub Actions expression"),
    ('"$(SMTP_PASSWORD)"', "$(NAME) variable"),
    ('"%(smtp_password)s"', "Python %-format"),
    ('"ENC[AES256_GCM,data:p673w==,iv:YY=,aad:UQ=,tag:A=]"', "SOPS-encrypted value"),
    ('"vault:secret/data/mail#password"', "HashiCorp Vault path"),
    ('"op://Mail/imap/password"', "1Password secret reference"),
    ('"arn:aws:secretsmanager:eu-west-1:123456789012:secret:imap-AbCdEf"', "AWS Secrets Manager ARN"),
    ('"{env: IMAP_PASSWORD}"', "mailcheck reference written as text"),
    ('" ${IMAP_PASSWORD} "', "with spaces around it"),
]


@pytest.mark.parametrize(("written", "syntax"), FOREIGN, ids=[w for w, _ in FOREIGN])
def test_mc305_another_tools_reference_is_unresolvable_not_a_leak(lint, written, syntax):
    run = lint(inbox(written))
    finding = run.only("MC305")  # before: MC303 "rotate the secret: it is in the file's history"
    assert finding.severity == "error"
    assert finding.at == run.spot("password:", written)
    assert finding.path == "profiles.inbox.auth.password"
    assert syntax in finding.message and "mailcheck cannot resolve" in finding.message
    assert "rotate" not in finding.message + finding.hint
    assert "{env: NAME}" in finding.hint or "remove the quotes" in finding.hint or "remove the spaces" in finding.hint
    inner = written.strip('"').strip()
    assert inner not in finding.message + finding.hint  # the value is never quoted


def test_mc305_a_token_reference_is_reported_too(lint):
    run = lint(inbox('"{{ oauth_token }}"', field="token"))
    finding = run.only("MC305")
    assert finding.path == "profiles.inbox.auth.token" and "auth.token" in finding.message


@pytest.mark.parametrize(
    "written",
    ['"${IMAP_PASSWORD}"', "{env: IMAP_PASSWORD}", "{file: secrets/imap}", "Tr0ub4dor-and-3"],
)
def test_mc305_mailcheck_references_and_literals_are_not_foreign(lint, written):
    assert "MC305" not in lint(inbox(written)).rules


@pytest.mark.parametrize(
    "written",
    # a password that merely contains reference syntax is still a password
    ['"$Tr0ub4dor-and-3"', '"pa$$w0rd"', '"x{{y}}z-Q9"', '"hunter2 $HOME"', '"$Tr0ub4dor"'],
)
def test_mc303_a_password_with_reference_characters_in_it_stays_an_inline_secret(lint, written):
    finding = lint(inbox(written)).only("MC303")
    assert "rotate" in finding.hint


def test_mc303_the_default_of_a_shell_reference_is_an_inline_secret(lint):
    written = '"${IMAP_PASSWORD:-Tr0ub4dor-and-3}"'
    run = lint(inbox(written))
    finding = run.only("MC303")
    assert finding.at == run.spot("password:", written)
    assert "the default is an inline secret" in finding.message
    assert "without a default" in finding.hint and "rotate" in finding.hint
    assert "Tr0ub4dor" not in finding.message + finding.hint + run.output


@pytest.mark.parametrize("written", ['"${IMAP_PASSWORD:=changeme}"', '"${IMAP_PASSWORD:+<password>}"'])
def test_mc303_a_placeholder_default_is_reported_without_rotation(lint, written):
    finding = lint(inbox(written)).only("MC303")
    assert "the default is an inline secret" in finding.message
    assert "rotate" not in finding.hint


@pytest.mark.parametrize(
    "written", ["changeme", '"<password>"', "xxxxxxxx", "REPLACE_WITH_THE_PASSWORD", "your-imap-password"]
)
def test_mc303_a_placeholder_is_reported_but_rotation_is_said_only_for_real_looking_values(lint, written):
    finding = lint(inbox(written)).only("MC303")
    assert "looks like a placeholder" in finding.message
    assert "{env: NAME}" in finding.hint and "rotate" not in finding.hint


def test_mc303_a_real_looking_password_says_when_to_rotate(lint):
    finding = lint(inbox("Tr0ub4dor-and-3")).only("MC303")
    assert "the secret is stored in the file" in finding.message
    # at pre-commit time the commit was blocked: rotation is for a file that was committed
    assert "if the file was ever committed" in finding.hint and "rotate" in finding.hint


# --- the probe never sends such a text as the password --------------------------------------


class _RecordingSmtp(socketserver.StreamRequestHandler):
    """Just enough SMTP to reach the login: records every line it is sent."""

    lines: list[bytes]

    def handle(self) -> None:
        self.wfile.write(b"220 test ESMTP\r\n")
        for line in self.rfile:
            type(self).lines.append(line)
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb == b"EHLO":
                self.wfile.write(b"250-test\r\n250 AUTH PLAIN LOGIN\r\n")
            elif verb == b"AUTH":
                self.wfile.write(b"535 5.7.8 no\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def recording_smtp() -> Iterator[tuple[int, list[bytes]]]:
    lines: list[bytes] = []
    handler = type("Handler", (_RecordingSmtp,), {"lines": lines})
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], lines
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize(
    "written",
    ['"$SMTP_PASSWORD"', '"{{ smtp_password }}"', '"op://Mail/smtp/password"', '"${SMTP_PASSWORD:-Zq8-fallback}"'],
)
def test_mc305_the_probe_refuses_the_reference_with_mc515_and_sends_no_login(
    tmp_path: Path, recording_smtp: tuple[int, list[bytes]], written: str
) -> None:
    port, received = recording_smtp
    (repo(tmp_path) / "p.mail.yaml").write_text(
        "version: 1\nprofiles:\n  relay:\n    protocol: smtp\n    host: 127.0.0.1\n"
        f"    port: {port}\n    security: none\n    timeout: 5\n"
        f"    auth: {{username: app@example.com, password: {written}}}\n"
        "    from: {address: app@example.com}\n"
    )
    # the variable is even set: the probe must not expand `$SMTP_PASSWORD` itself
    result = mailcheck(
        tmp_path, "probe", "--allow-cleartext-auth", "--format", "json", "p.mail.yaml", env={"SMTP_PASSWORD": "x-Zq8"}
    )
    assert result.exit_code == 1, result.stdout + result.stderr
    [probed] = json.loads(result.stdout)["results"]
    [finding] = [f for f in probed["findings"] if f["rule"] == "MC515"]
    assert finding["path"] == "profiles.relay.auth.password"
    assert "mailcheck cannot resolve" in finding["message"] and probed["login"] == "skipped"
    assert received and not [line for line in received if line.upper().startswith(b"AUTH")]  # before: AUTH PLAIN sent
    inner = written.strip('"')
    assert inner not in result.stdout

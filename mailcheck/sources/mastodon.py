"""Mastodon: the SMTP_* variables of `.env.production`, as Mastodon hands them to the mail gem.

Sources (mastodon/mastodon): config/environments/production.rb @ 6f34ba62e72b0b3aa5d41c2caddb9dfdad03d98b
(the E-mails block): SMTP_FROM_ADDRESS (default notifications@localhost), SMTP_SERVER, SMTP_PORT,
SMTP_LOGIN and SMTP_PASSWORD (`.presence`: empty is unset), SMTP_AUTH_METHOD (`none` is nil,
else :plain by default), SMTP_OPENSSL_VERIFY_MODE, SMTP_ENABLE_STARTTLS (`always` sets
enable_starttls, `never` turns it off, `auto` sets enable_starttls_auto; anything else leaves
enable_starttls_auto to SMTP_ENABLE_STARTTLS_AUTO, true unless exactly `false`), SMTP_TLS and
SMTP_SSL (on only when exactly `true`), SMTP_DELIVERY_METHOD (default smtp). config/email.yml @
0e66f139 reads the same variables. The mail gem's own rules are in ruby_mail.py: by default
Mastodon's STARTTLS is opportunistic, and SMTP_TLS=true with it left on is refused.
A `.env` file is Mastodon's when it sets LOCAL_DOMAIN, the variable Mastodon cannot start
without, and an SMTP_* variable.
"""

from __future__ import annotations

from email.utils import parseaddr

from mailcheck.loader import LoadProblem, Mark
from mailcheck.sources import ruby_mail
from mailcheck.sources.base import App, Binding, ProfileBuilder, note

ENVIRONMENT_PREFIX = "SMTP_"
SIGNATURE = "LOCAL_DOMAIN"
DEFAULT_FROM = "notifications@localhost"
DEFAULT_HOST, DEFAULT_PORT = "localhost", 25  # the mail gem's DEFAULTS (ruby_mail.py)
STARTTLS_VALUES = ("always", "never", "auto")
MECHANISMS = {"plain": "plain", "login": "login", "cram_md5": "cram-md5"}
VARIABLES = frozenset(
    f"SMTP_{name}"
    for name in [
        "DELIVERY_METHOD",
        "FROM_ADDRESS",
        "REPLY_TO",
        "RETURN_PATH",
        "SERVER",
        "PORT",
        "LOGIN",
        "PASSWORD",
        "DOMAIN",
        "AUTH_METHOD",
        "CA_FILE",
        "OPENSSL_VERIFY_MODE",
        "ENABLE_STARTTLS",
        "ENABLE_STARTTLS_AUTO",
        "TLS",
        "SSL",
    ]
)

ENVIRONMENT_APP = App(
    "mastodon",
    "Mastodon",
    hints={
        "MC201": "for port 465 set SMTP_TLS=true with SMTP_ENABLE_STARTTLS=never; for STARTTLS use SMTP_PORT=587",
        "MC204": "set SMTP_ENABLE_STARTTLS=always with SMTP_PORT=587, or SMTP_TLS=true and "
        "SMTP_ENABLE_STARTTLS=never with SMTP_PORT=465",
        "MC205": "set SMTP_ENABLE_STARTTLS=always; if the network is trusted, "
        "suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove SMTP_OPENSSL_VERIFY_MODE=none; for a private CA, set SMTP_CA_FILE",
        "MC214": "set SMTP_ENABLE_STARTTLS=always: Mastodon's default (auto) uses STARTTLS only when offered",
        "MC303": "set SMTP_PASSWORD where Mastodon runs (a secret of the orchestrator), not in the committed file",
        "MC401": "set SMTP_FROM_ADDRESS to the address Mastodon sends from",
    },
)


def recognises_variables(variables: dict[str, Binding]) -> bool:
    return SIGNATURE in variables and any(name in VARIABLES for name in variables)


def from_environment(
    variables: dict[str, Binding], mark: Mark, name: str
) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
    """The profile Mastodon's SMTP_* variables configure; None when it does not send by SMTP."""
    if not recognises_variables(variables):
        return None, []
    get = {key: b for key, b in variables.items() if key in VARIABLES and b.value != ""}.get
    method = get("SMTP_DELIVERY_METHOD")
    if method is not None and method.value != "smtp":
        return None, []
    notes: list[LoadProblem] = []
    profile = ProfileBuilder(name, mark)
    profile.set(("protocol",), "smtp")
    _server(profile, get("SMTP_SERVER"), get("SMTP_PORT"), notes)
    _security(profile, variables, notes)
    _verify(profile, get("SMTP_OPENSSL_VERIFY_MODE"), notes)
    _auth(profile, get("SMTP_LOGIN"), get("SMTP_PASSWORD"), get("SMTP_AUTH_METHOD"), notes)
    sender = get("SMTP_FROM_ADDRESS")
    display, address = parseaddr(sender.value) if sender else ("", DEFAULT_FROM)
    profile.set(("from", "address"), address or (sender.value if sender else DEFAULT_FROM), sender)
    if display:
        profile.set(("from", "name"), display, sender)
    return profile, notes


def _server(profile: ProfileBuilder, host: Binding | None, port: Binding | None, notes: list[LoadProblem]) -> None:
    profile.set(("host",), host.value if host else DEFAULT_HOST, host)
    if port is None:
        profile.set(("port",), DEFAULT_PORT)
    elif port.value.isascii() and port.value.isdigit():
        profile.set(("port",), int(port.value), port)
    else:
        notes.append(
            note(
                "MC602",
                port,
                f"SMTP_PORT `{port.value}` is not a port number",
                "write the port as digits: SMTP_PORT=587",
                ("profiles", profile.name, "port"),
            )
        )


def _security(profile: ProfileBuilder, variables: dict[str, Binding], notes: list[LoadProblem]) -> None:
    """production.rb's case over SMTP_ENABLE_STARTTLS, then the mail gem's rules."""
    starttls, auto, tls = (variables.get(f"SMTP_{n}") for n in ("ENABLE_STARTTLS", "ENABLE_STARTTLS_AUTO", "TLS"))
    ssl = variables.get("SMTP_SSL")
    on = next((b for b in (tls, ssl) if b is not None and b.value == "true"), None)
    enable_starttls: object = None
    enable_auto: bool | None = None
    if starttls is not None and starttls.value in STARTTLS_VALUES:
        enable_starttls = {"always": True, "never": False, "auto": None}[starttls.value]
        enable_auto = True if starttls.value == "auto" else None
    else:
        if starttls is not None and starttls.value != "":
            notes.append(
                note(
                    "MC602",
                    starttls,
                    f"SMTP_ENABLE_STARTTLS `{starttls.value}` is not always, never or auto: Mastodon ignores it "
                    "and uses STARTTLS only when the server offers it",
                    "write SMTP_ENABLE_STARTTLS=always",
                    ("profiles", profile.name, "security"),
                )
            )
        enable_auto = auto is None or auto.value != "false"
    mode = ruby_mail.security(on is not None, enable_starttls, enable_auto)
    where = on or starttls or auto
    if mode is None:
        assert on is not None
        notes.append(
            note(
                "MC601",
                on,
                f"{on.key}=true with STARTTLS on (SMTP_ENABLE_STARTTLS_AUTO is true unless set to false): the mail "
                "gem refuses the two together when Mastodon sends",
                "with SMTP_TLS=true on port 465, set SMTP_ENABLE_STARTTLS=never",
                ("profiles", profile.name, "security"),
            )
        )
        profile.defer(("security",), "tls", on)
        return
    profile.set(("security",), mode, where)


def _verify(profile: ProfileBuilder, mode: Binding | None, notes: list[LoadProblem]) -> None:
    if mode is None or mode.value.lower() == "peer":
        return
    if mode.value.lower() == "none":
        profile.set(("tls", "verify"), False, mode)
        return
    notes.append(
        note(
            "MC602",
            mode,
            f"SMTP_OPENSSL_VERIFY_MODE `{mode.value}` does not verify the server as a client: the mail gem "
            "passes it to OpenSSL, which checks server certificates only with peer",
            "remove it (peer is the default)",
            ("profiles", profile.name, "tls", "verify"),
        )
    )
    profile.set(("tls", "verify"), False, mode)


def _auth(
    profile: ProfileBuilder,
    login: Binding | None,
    password: Binding | None,
    method: Binding | None,
    notes: list[LoadProblem],
) -> None:
    """net-smtp logs in whenever a user is given, with PLAIN when no mechanism is (ruby_mail.py)."""
    if login is None:
        return
    profile.set(("auth", "username"), login.value, login)
    if password is not None:
        # `${NAME}` (a Compose interpolation) is a reference in the profile format too
        profile.secret(("auth", "password"), password.value, password)
    if method is None or method.value == "none":
        return
    mechanism = MECHANISMS.get(method.value)
    if mechanism is None:
        notes.append(
            note(
                "MC602",
                method,
                f"SMTP_AUTH_METHOD `{method.value}` is not plain, login or cram_md5: net-smtp refuses it when "
                "Mastodon sends",
                "write SMTP_AUTH_METHOD=plain (or leave it out)",
                ("profiles", profile.name, "auth", "mechanism"),
            )
        )
        return
    profile.set(("auth", "mechanism"), mechanism, method)

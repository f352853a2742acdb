"""Gitea (and Forgejo, its fork): `[mailer]` and `[email.incoming]` of app.ini, as Gitea reads and uses them.

Sources, go-gitea/gitea (MIT; Forgejo's repository on Codeberg could not be reached, so
Forgejo is assumed to keep Gitea's behaviour, which it inherited):
- modules/setting/config_provider.go (stored version of the 1.21+ layout, `configProviderLoadOptions`;
  0777d0ed is the 1.19 one with go-ini's defaults): app.ini is loaded with
  `ini.LoadOptions{KeyValueDelimiterOnWrite: " = ", IgnoreContinuation: true}`, so go-ini's
  defaults but for continuation lines (issue go-gitea/gitea#26977): a trailing `\\` stays in
  the value. Inline comments still start at `#` or `;` (the example says to quote such
  passwords with backticks); `NameMapper = ini.SnackCase` and the `ini:"..."` tags make the
  keys upper-case and case-sensitive.
- modules/setting/mailer.go @ 55b1e686, loadMailerFrom:
  `ENABLED` with go-ini's MustBool() (a spelling it does not list is false: no mail at all);
  the deprecated keys, each used only when its replacement is absent (HasKey): `MAILER_TYPE =
  sendmail` -> PROTOCOL sendmail; `HOST = host:port` -> SMTP_ADDR and SMTP_PORT (no port: the
  whole value is the address; any other net.SplitHostPort error is log.Fatal; an empty address
  is 127.0.0.1); `IS_TLS_ENABLED` -> PROTOCOL smtps when true, else smtp+starttls; `SKIP_VERIFY`
  -> FORCE_TRUST_SERVER_CERT; `CERT_FILE`/`KEY_FILE` are copied onto themselves, not onto
  CLIENT_CERT_FILE/CLIENT_KEY_FILE, so they have no effect. `PROTOCOL = smtp+startls` is
  rewritten to smtp+starttls with a log error ("This fallback will be removed in v1.19.0").
  `Key("PROTOCOL").In("", [smtp smtps smtp+starttls smtp+unix sendmail dummy])` only returns a
  value and sets nothing (go-ini key.go @ ed153113, `In`), so an unknown PROTOCOL is kept as
  written. `FROM` defaults to USER and must parse as an address (log.Fatal otherwise). With
  SMTP_PORT empty the port follows the protocol: smtp 25, smtps 465, smtp+starttls 587. With
  PROTOCOL empty it follows the address and port: a `/` or `\\` in SMTP_ADDR is smtp+unix,
  25 smtp, 465 smtps, 587 smtp+starttls, any other port (and none) smtps with a log error
  ("assume using smtps"), port 465 when none was given.
- services/mailer/mailer.go (NewContext @ fdf6b9cf; the same switch in later versions):
  sendmail and dummy have their own senders, every other PROTOCOL (an unknown one too) the
  SMTP sender.
- services/mailer/sender/smtp.go @ 4257b89f, Send: TLS only for smtps (tls.Client from the
  first byte) and smtp+starttls; `smtp` and any unknown PROTOCOL never encrypt; smtp+starttls
  sends STARTTLS only when the EHLO reply lists it, else "falling back to regular SMTP" with a
  log warning: opportunistic, no setting requires it. FORCE_TRUST_SERVER_CERT is
  InsecureSkipVerify; ServerName is SMTP_ADDR. It logs in when USER is not empty (PASSWD alone
  is ignored), choosing CRAM-MD5, PLAIN, LOGIN or NTLM from what the server offers.
- modules/setting/incoming_email.go @ 4c4a3cf4 and services/mailer/incoming/incoming.go
  @ ab956ba9: `[email.incoming]` is mapped onto ENABLED, HOST, PORT (an int, no default: 0),
  USE_TLS, SKIP_TLS_VERIFY, USERNAME, PASSWORD (MapTo: a value that does not parse leaves the
  zero value); USE_TLS dials implicit TLS (go-imap client.DialTLS) with InsecureSkipVerify =
  SKIP_TLS_VERIFY, otherwise plain client.Dial with no STARTTLS; it always logs in.
- custom/conf/app.example.ini @ 9215fa69: every [mailer] and [email.incoming] key is commented
  out, their section headers too.
- contrib/environment-to-ini (README): `GITEA__mailer__PASSWD` and `GITEA__mailer__PASSWD__FILE`
  set a key from the environment or a file when the container starts: the way to keep a
  password out of the app.ini in git. app.ini itself expands no environment variables.
The profiles are named after their sections, "mailer" and "email.incoming". A USER (USERNAME)
without PASSWD (PASSWORD) reads the password from that environment variable, as the container does. A disabled
section is still checked (as for Grafana): its settings are what turning it on would use.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path

from mailcheck.loader import Document, LoadProblem, Mark, UnreadableDocument
from mailcheck.sources.base import App, Binding, ProfileBuilder, adapted_document, note
from mailcheck.sources.golang import MISSING_PORT, split_host_port
from mailcheck.sources.ini import (
    COMMENT_MARKERS,
    FALSE,
    TRUE,
    IniFile,
    Section,
    directive_comments,
    parse_ini,
    secret_spans,
    written,
)

MAILER = "mailer"
INCOMING = "email.incoming"
# the Mailer struct's `ini` tags (mailer.go), and SEND_BUFFER_LEN (app.example.ini)
MAILER_KEYS = (
    "ENABLED",
    "NAME",
    "FROM",
    "ENVELOPE_FROM",
    "SEND_AS_PLAIN_TEXT",
    "SUBJECT_PREFIX",
    "EMBED_ATTACHMENT_IMAGES",
    "PROTOCOL",
    "SMTP_ADDR",
    "SMTP_PORT",
    "USER",
    "PASSWD",
    "ENABLE_HELO",
    "HELO_HOSTNAME",
    "FORCE_TRUST_SERVER_CERT",
    "USE_CLIENT_CERT",
    "CLIENT_CERT_FILE",
    "CLIENT_KEY_FILE",
    "SENDMAIL_PATH",
    "SENDMAIL_ARGS",
    "SENDMAIL_TIMEOUT",
    "SENDMAIL_CONVERT_CRLF",
    "FROM_DISPLAY_NAME_FORMAT",
    "SEND_BUFFER_LEN",
)
# deprecated key -> the key that replaces it (mailer.go, deprecatedSetting)
DEPRECATED = {
    "MAILER_TYPE": "PROTOCOL",
    "HOST": "SMTP_ADDR",
    "IS_TLS_ENABLED": "PROTOCOL",
    "DISABLE_HELO": "ENABLE_HELO",
    "SKIP_VERIFY": "FORCE_TRUST_SERVER_CERT",
    "USE_CERTIFICATE": "USE_CLIENT_CERT",
    "CERT_FILE": "CLIENT_CERT_FILE",
    "KEY_FILE": "CLIENT_KEY_FILE",
    "ENABLE_HTML_ALTERNATIVE": "SEND_AS_PLAIN_TEXT",
}
INCOMING_KEYS = (
    "ENABLED",
    "REPLY_TO_ADDRESS",
    "HOST",
    "PORT",
    "USE_TLS",
    "SKIP_TLS_VERIFY",
    "USERNAME",
    "PASSWORD",
    "MAILBOX",
    "DELETE_HANDLED_MESSAGE",
    "MAXIMUM_MESSAGE_SIZE",
)
PROTOCOLS = ("smtp", "smtps", "smtp+starttls", "smtp+unix", "sendmail", "dummy")
NETWORK_SMTP = {"smtp": "none", "smtps": "tls", "smtp+starttls": "opportunistic"}
PORT_OF = {"smtp": "25", "smtps": "465", "smtp+starttls": "587"}
PROTOCOL_OF = {port: protocol for protocol, port in PORT_OF.items()}
# a login without a password in app.ini: the password comes from the environment at start
# (environment-to-ini, the official container's way), so that is where the profile reads it
PASSWORD_ENV = {MAILER: "GITEA__mailer__PASSWD", INCOMING: "GITEA__email_0x2E_incoming__PASSWORD"}
TYPO = "smtp+startls"  # the spelling Gitea still rewrites to smtp+starttls
# go-ini's parseBool, exactly

_TLS_FIX = "set PROTOCOL = smtps with SMTP_PORT = 465 (in [email.incoming]: USE_TLS = true with PORT = 993)"
APP = App(
    "gitea",
    "Gitea / Forgejo",
    hints={
        "MC201": "Gitea speaks implicit TLS only with PROTOCOL = smtps (port 465) and starts in plaintext with "
        "smtp+starttls (port 587); in [email.incoming], USE_TLS = true goes with PORT = 993, false with 143",
        "MC204": _TLS_FIX + ": Gitea's smtp never encrypts, so the login crosses the network in plaintext",
        "MC205": _TLS_FIX + "; if the network is trusted, suppress with `; mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove FORCE_TRUST_SERVER_CERT (in [email.incoming]: SKIP_TLS_VERIFY) or set it to false; "
        "for a private CA, add it to the system's trust store, which Gitea verifies against",
        "MC214": "set PROTOCOL = smtps with SMTP_PORT = 465: Gitea's smtp+starttls goes on in plaintext when the "
        "server does not offer STARTTLS, and no setting makes the upgrade required",
        "MC303": "keep it out of app.ini: set GITEA__mailer__PASSWD (or GITEA__mailer__PASSWD__FILE = "
        "/run/secrets/smtp_password) for environment-to-ini, which the container runs at start "
        "([email.incoming]: GITEA__email_0x2E_incoming__PASSWORD); if the file was committed with it, rotate it",
        "MC401": 'set FROM in [mailer] to an address, or "Name" <address> (it defaults to USER)',
        "MC402": 'set FROM in [mailer] to the address Gitea sends from, or "Name" <address>',
    },
)


@dataclass(frozen=True)
class _Setting:
    """A value Gitea uses, where it is written: for one a deprecated key gave, that key's."""

    value: str
    binding: Binding
    at: Mark  # where the value itself is (the port inside `HOST = name:port`)


def recognises(text: str) -> bool:
    try:
        ini = parse_ini(text, continuation=False)
    except UnreadableDocument:  # a file go-ini refuses is not recognised by content
        return False
    return ini.section(MAILER) is not None or ini.section(INCOMING) is not None


def adapt(path: Path, text: str) -> Document:
    ini = parse_ini(text, continuation=False)
    masked = secret_spans(ini)
    notes: list[LoadProblem] = []
    profiles = [
        profile
        for profile in (_mailer(ini.section(MAILER), ini, notes), _incoming(ini.section(INCOMING), ini, notes))
        if profile is not None
    ]
    comments = directive_comments(ini, masked)
    return adapted_document(
        path, text, APP, profiles, notes=notes, comments=comments, comment_markers=COMMENT_MARKERS, masked=masked
    )


# ----------------------------------------------------------------------------- [mailer]


def _mailer(
    section: Section | None, ini: IniFile, notes: list[LoadProblem], name: str = MAILER
) -> ProfileBuilder | None:
    if section is None or not section.entries:
        return None
    path = ("profiles", name)
    _unknown_keys(section, MAILER_KEYS + tuple(DEPRECATED), notes, path)
    _boolean(section.entries.get("ENABLED"), "Gitea takes it as false: it sends no mail at all", notes, path)
    settings = _effective(section, notes, path)
    protocol, protocol_at = _protocol(settings, section.mark, notes, path)
    port = settings.get("SMTP_PORT")
    if (port is None or port.value == "") and protocol in PORT_OF:
        port = None  # the protocol's own port, derived from nothing written
    address = settings.get("SMTP_ADDR")
    if protocol == "":
        protocol, protocol_at, port = _inferred(address, port, section, notes, path)
    if protocol in ("smtp+unix", "sendmail", "dummy"):
        return None  # no network SMTP: a socket, a program or the log
    profile = ProfileBuilder(name, section.mark)
    profile.set(("protocol",), "smtp")
    if address is not None and address.value != "":
        profile.set(("host",), address.value, address.binding, at=address.at)
    else:
        profile.set(("host",), "localhost")  # Go dials ":port": this machine
    if port is None or (port.value == "" and protocol not in PORT_OF):
        if protocol in PORT_OF:  # else Gitea dials an empty port, and MC602 has said why
            profile.set(("port",), int(PORT_OF[protocol]), at=protocol_at)
    elif port.value.isascii() and port.value.isdigit() and 0 < int(port.value) < 65536:
        profile.set(("port",), int(port.value), port.binding, at=port.at)
    else:
        notes.append(
            note(
                "MC603",
                port.at,
                f"SMTP_PORT `{port.value}` is not a port: Gitea fails on every send, not at start-up",
                "write the port as a number: 465 with PROTOCOL = smtps",
                (*path, "port"),
            )
        )
    profile.set(("security",), NETWORK_SMTP.get(protocol, "none"), at=protocol_at)
    _mailer_verify(profile, settings, notes, path)
    _mailer_auth(profile, section, ini, notes, path)
    _mailer_sender(profile, section)
    return profile


def _effective(section: Section, notes: list[LoadProblem], path: tuple[str, ...]) -> dict[str, _Setting]:
    """The keys as Gitea uses them once its fallbacks for the deprecated keys have run."""
    entries = section.entries
    settings = {key: _Setting(b.value, b, b.value_mark) for key, b in entries.items()}
    for old, new in DEPRECATED.items():
        if old in entries and new in entries:
            notes.append(
                note(
                    "MC602",
                    entries[old].key_mark,
                    f"Gitea ignores the deprecated {old} because {new} is set",
                    f"remove {old}: {new} is what Gitea uses",
                    path,
                )
            )
    mailer_type = entries.get("MAILER_TYPE")
    if mailer_type is not None and "PROTOCOL" not in entries and mailer_type.value == "sendmail":
        settings["PROTOCOL"] = _Setting("sendmail", mailer_type, mailer_type.value_mark)
    host = entries.get("HOST")
    if host is not None and "SMTP_ADDR" not in entries:
        split = split_host_port(host.value)
        if split == MISSING_PORT:  # all of it is the address
            split = (host.value, "")
        if isinstance(split, str):
            notes.append(
                note(
                    "MC603",
                    host,
                    f"Gitea cannot read HOST `{host.value}`: {split}; it stops at start-up (log.Fatal)",
                    "write SMTP_ADDR = the server's name and SMTP_PORT = its port instead",
                    (*path, "host"),
                )
            )
        else:
            name, port = split
            settings["SMTP_ADDR"] = _Setting(name or "127.0.0.1", host, host.value_mark)
            if settings.get("SMTP_PORT", _Setting("", host, host.value_mark)).value == "":
                column = host.value_mark.column + host.value.rfind(":") + 1
                settings["SMTP_PORT"] = _Setting(port, host, Mark(host.value_mark.line, column))
    tls = entries.get("IS_TLS_ENABLED")
    if tls is not None and "PROTOCOL" not in settings:
        on = _boolean(tls, "Gitea takes it as false, which means smtp+starttls", notes, path)
        settings["PROTOCOL"] = _Setting("smtps" if on else "smtp+starttls", tls, tls.value_mark)
    skip = entries.get("SKIP_VERIFY")
    if skip is not None and "FORCE_TRUST_SERVER_CERT" not in entries:
        settings["FORCE_TRUST_SERVER_CERT"] = _Setting(skip.value, skip, skip.value_mark)
    for old in ("CERT_FILE", "KEY_FILE"):
        if old in entries and DEPRECATED[old] not in entries:
            notes.append(
                note(
                    "MC602",
                    entries[old].key_mark,
                    f"Gitea does not use the deprecated {old}: its fallback copies it onto itself, "
                    f"not onto {DEPRECATED[old]}, so no client certificate is sent",
                    f"rename it to {DEPRECATED[old]}",
                    path,
                )
            )
    return settings


def _protocol(
    settings: dict[str, _Setting], start: Mark, notes: list[LoadProblem], path: tuple[str, ...]
) -> tuple[str, Mark]:
    """PROTOCOL as the sender compares it, and where it is written ("" when Gitea infers it)."""
    setting = settings.get("PROTOCOL")
    if setting is None:
        return "", start
    value = setting.value
    if value == TYPO:
        notes.append(
            note(
                "MC602",
                setting.at,
                f"PROTOCOL `{TYPO}` is misspelt: Gitea still rewrites it to smtp+starttls, through a fallback "
                "it logs as an error on every start and announced for removal",
                "write `smtp+starttls` (or, to require TLS, `smtps` with SMTP_PORT = 465)",
                (*path, "security"),
            )
        )
        return "smtp+starttls", setting.at
    if value != "" and value not in PROTOCOLS:
        close = [p for p in PROTOCOLS if p == value.lower()] or difflib.get_close_matches(value, PROTOCOLS, n=1)
        notes.append(
            note(
                "MC602",
                setting.at,
                f"PROTOCOL `{value}` is not one Gitea knows: it keeps it and sends over plain SMTP, "
                "without TLS and without STARTTLS",
                (f"write `{close[0]}` exactly" if close else "write smtps")
                + " (Gitea takes smtp, smtps, smtp+starttls, smtp+unix, sendmail or dummy, case-sensitive)",
                (*path, "security"),
            )
        )
        return value, setting.at
    return value, setting.at


def _inferred(
    address: _Setting | None,
    port: _Setting | None,
    section: Section,
    notes: list[LoadProblem],
    path: tuple[str, ...] = ("profiles", MAILER),
) -> tuple[str, Mark, _Setting | None]:
    """Gitea's protocol for an empty PROTOCOL: from the address, then from the port."""
    if address is not None and any(c in address.value for c in "/\\"):
        return "smtp+unix", address.at, port
    if port is None or port.value == "":
        return "smtps", section.mark, None  # and port 465
    if port.value in PROTOCOL_OF:
        return PROTOCOL_OF[port.value], port.at, port
    notes.append(
        note(
            "MC602",
            port.at,
            f"Gitea cannot tell the protocol from SMTP_PORT {port.value} and assumes smtps: "
            "implicit TLS from the first byte (it logs an error on every start)",
            "set PROTOCOL = smtps if the server expects TLS on this port (or use 465)",
            (*path, "security"),
        )
    )
    return "smtps", port.at, port


def _mailer_verify(
    profile: ProfileBuilder, settings: dict[str, _Setting], notes: list[LoadProblem], path: tuple[str, ...]
) -> None:
    setting = settings.get("FORCE_TRUST_SERVER_CERT")
    if setting is None or setting.value == "":
        return
    trust = _boolean(setting.binding, "Gitea takes it as false", notes, path, value=setting.value)
    profile.set(("tls", "verify"), not trust, setting.binding, at=setting.at)


def _mailer_auth(
    profile: ProfileBuilder, section: Section, ini: IniFile, notes: list[LoadProblem], path: tuple[str, ...]
) -> None:
    user, password = written(section, "USER"), written(section, "PASSWD")
    _cut(ini, section, "PASSWD", notes, (*path, "auth", "password"))
    if user is None:
        if password is not None:
            notes.append(
                note(
                    "MC603",
                    password,
                    "PASSWD is set without USER: Gitea logs in only with a USER, so it sends without logging in",
                    "set USER to the login name, or remove PASSWD",
                    (*path, "auth"),
                )
            )
        return
    profile.set(("auth", "username"), user.value, user)
    if password is not None:
        profile.secret(("auth", "password"), _password(password), password)
    else:
        profile.set(("auth", "password"), {"env": PASSWORD_ENV[MAILER]}, at=user.key_mark)


def _mailer_sender(profile: ProfileBuilder, section: Section) -> None:
    source = written(section, "FROM") or written(section, "USER")  # FROM defaults to USER
    if source is None:
        return  # Gitea logs "no mailer.FROM provided, email system may not work."
    name, address = parseaddr(source.value) if "<" in source.value else ("", source.value)
    profile.set(("from", "address"), address or source.value, source)
    if name:
        profile.set(("from", "name"), name, source)


# ----------------------------------------------------------------------------- [email.incoming]


def _incoming(
    section: Section | None, ini: IniFile, notes: list[LoadProblem], name: str = INCOMING
) -> ProfileBuilder | None:
    if section is None or not section.entries:
        return None
    path = ("profiles", name)
    _unknown_keys(section, INCOMING_KEYS, notes, path)
    _boolean(section.entries.get("ENABLED"), "Gitea leaves it false: it reads no incoming mail", notes, path)
    profile = ProfileBuilder(name, section.mark)
    profile.set(("protocol",), "imap")
    host = written(section, "HOST")
    if host is not None:
        profile.set(("host",), host.value, host)
    else:
        profile.set(("host",), "localhost")  # Go dials ":port": this machine
    port = written(section, "PORT")
    if port is not None and port.value.isascii() and port.value.isdigit() and 0 < int(port.value) < 65536:
        profile.set(("port",), int(port.value), port)
    else:
        at = port.value_mark if port is not None else section.mark
        problem = f"PORT `{port.value}` is not a port" if port is not None else "PORT is not set"
        notes.append(
            note(
                "MC603",
                at,
                f"{problem}: Gitea has no default for it and connects to port 0, which fails on every attempt",
                "set PORT = 993 with USE_TLS = true",
                (*path, "port"),
            )
        )
    use_tls = section.entries.get("USE_TLS")
    on = _boolean(use_tls, "Gitea leaves it false: plaintext IMAP", notes, path)
    profile.set(("security",), "tls" if on else "none", use_tls)
    skip = written(section, "SKIP_TLS_VERIFY")
    if skip is not None:
        profile.set(("tls", "verify"), not _boolean(skip, "Gitea leaves it false", notes, path), skip)
    username, password = written(section, "USERNAME"), written(section, "PASSWORD")
    _cut(ini, section, "PASSWORD", notes, (*path, "auth", "password"))
    if username is not None:
        profile.set(("auth", "username"), username.value, username)
    if password is not None:
        profile.secret(("auth", "password"), _password(password), password)
    elif username is not None:
        profile.set(("auth", "password"), {"env": PASSWORD_ENV[INCOMING]}, at=username.key_mark)
    return profile


# ----------------------------------------------------------------------------- GITEA__ variables

ENVIRONMENT_PREFIX = "GITEA__"
FILE_SUFFIX = "__FILE"
# modules/setting/config_env.go (escapeRegexpString): `_0X` + hex byte pairs + `_` stands for those bytes
_ESCAPE = re.compile(r"_0[xX]((?:[0-9a-fA-F]{2})+)_")
_COMPOSE_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")

ENVIRONMENT_APP = App(
    "gitea",
    "Gitea / Forgejo",
    hints={
        "MC201": "Gitea speaks implicit TLS only with GITEA__mailer__PROTOCOL=smtps (port 465) and starts in "
        "plaintext with smtp+starttls (587); for [email.incoming], GITEA__email_0X2E_incoming__USE_TLS=true goes "
        "with PORT 993",
        "MC204": "set GITEA__mailer__PROTOCOL=smtps with GITEA__mailer__SMTP_PORT=465: Gitea's smtp never "
        "encrypts, so the login crosses the network in plaintext (for [email.incoming]: "
        "GITEA__email_0X2E_incoming__USE_TLS=true with PORT 993)",
        "MC205": "set GITEA__mailer__PROTOCOL=smtps with GITEA__mailer__SMTP_PORT=465 (for [email.incoming]: "
        "GITEA__email_0X2E_incoming__USE_TLS=true with PORT 993); if the network is trusted, suppress with "
        "`# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove GITEA__mailer__FORCE_TRUST_SERVER_CERT (for [email.incoming]: "
        "GITEA__email_0X2E_incoming__SKIP_TLS_VERIFY) or set it to false; for a private CA, add it to the "
        "container's trust store",
        "MC214": "set GITEA__mailer__PROTOCOL=smtps with GITEA__mailer__SMTP_PORT=465: Gitea's smtp+starttls goes "
        "on in plaintext when the server does not offer STARTTLS",
        "MC303": "read it from a file: GITEA__mailer__PASSWD__FILE=/run/secrets/smtp_password (a Compose or "
        "Kubernetes secret), or set the variable from a secret store at deploy time (valueFrom)",
        "MC401": 'set GITEA__mailer__FROM to an address, or "Name" <address> (it defaults to USER)',
        "MC402": 'set GITEA__mailer__FROM to the address Gitea sends from, or "Name" <address>',
    },
)


def environment_key(variable: str) -> tuple[str, str, bool] | None:
    """(section, key, from a file) as config_env.go's decodeEnvironmentKey reads a variable's name:
    `GITEA__` + SECTION + `__` + KEY, a `__FILE` suffix for a value read from the file it names,
    `_0X2E_` (any `_0X` + hex byte pairs + `_`) for bytes a name cannot hold; the section is
    lower-cased, the key kept as written (app.ini's keys are case-sensitive). None when the
    name has no key."""
    if not variable.startswith(ENVIRONMENT_PREFIX):
        return None
    encoded = variable[len(ENVIRONMENT_PREFIX) :]
    from_file = encoded.endswith(FILE_SUFFIX)
    if from_file:
        encoded = encoded[: -len(FILE_SUFFIX)]
    section, key, in_key, last = "", "", False, 0
    for escape in [*_ESCAPE.finditer(encoded), None]:
        plain = encoded[last : escape.start() if escape else len(encoded)]
        if not in_key and "__" in plain:  # the first `__` outside an escape ends the section
            head, plain = plain.split("__", 1)
            section, in_key = section + head, True
        if in_key:
            key += plain
        else:
            section += plain
        if escape is None:
            break
        decoded = bytes.fromhex(escape.group(1)).decode("utf-8", "replace")
        if in_key:
            key += decoded
        else:
            section += decoded
        last = escape.end()
    return (section.lower(), key, from_file) if key else None


def _environment_sections(variables: dict[str, Binding], mark: Mark) -> dict[str, Section]:
    """GITEA__* variables as the [mailer] and [email.incoming] sections environment-to-ini writes."""
    sections: dict[str, Section] = {}
    dotenv = any(binding.key_mark == mark for binding in variables.values())  # no start of its own
    for variable, binding in variables.items():
        decoded = environment_key(variable)
        if decoded is None or decoded[0] not in (MAILER, INCOMING):
            continue
        name, key, _ = decoded
        section = sections.setdefault(name, Section(name, binding.key_mark if dotenv else mark))
        section.entries[key] = binding
    return sections


def _password(binding: Binding) -> str | dict[str, str]:
    """A password as the profile writes it: a file `__FILE` names, a variable Compose or a
    Kubernetes valueFrom fills in at deploy time, or the value itself (app.ini expands nothing)."""
    if not binding.key.startswith(ENVIRONMENT_PREFIX):
        return binding.value
    if binding.key.endswith(FILE_SUFFIX):
        return {"file": binding.value}
    reference = _COMPOSE_REFERENCE.fullmatch(binding.value)
    return {"env": reference.group(1)} if reference else binding.value


def from_environment(
    variables: dict[str, Binding], mark: Mark, name: str
) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
    """The [mailer] profile GITEA__mailer__* variables configure: the section they write,
    read as app.ini's [mailer] is. None when no variable sets a [mailer] key."""
    notes: list[LoadProblem] = []
    profile = _mailer(_environment_sections(variables, mark).get(MAILER), IniFile(), notes, name)
    return profile, notes if profile is not None else []


class _IncomingVariables:
    """[email.incoming] from GITEA__email_0X2E_incoming__* variables: a second profile, named
    after the group as the mailer's is (`email.incoming`, `NAME.email.incoming`)."""

    ENVIRONMENT_PREFIX = ENVIRONMENT_PREFIX
    ENVIRONMENT_APP = ENVIRONMENT_APP

    @staticmethod
    def from_environment(
        variables: dict[str, Binding], mark: Mark, name: str
    ) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
        group = name.removesuffix(f"-{ENVIRONMENT_APP.name}").removesuffix("smtp")  # "" or "NAME."
        notes: list[LoadProblem] = []
        section = _environment_sections(variables, mark).get(INCOMING)
        profile = _incoming(section, IniFile(), notes, f"{group}{INCOMING}")
        return profile, notes if profile is not None else []


INCOMING_ENVIRONMENT = _IncomingVariables()


# ----------------------------------------------------------------------------- shared


def _boolean(
    binding: Binding | None, effect: str, notes: list[LoadProblem], path: tuple[str, ...], *, value: str | None = None
) -> bool:
    """go-ini's MustBool: a spelling it does not list is false, and is noted."""
    if binding is None:
        return False
    text = binding.value if value is None else value
    if text == "" or text in FALSE:
        return False
    if text in TRUE:
        return True
    notes.append(
        note(
            "MC602",
            binding,
            f"{binding.key} `{text}` is not a boolean go-ini reads: {effect}",
            "write true or false",
            path,
        )
    )
    return False


def _unknown_keys(section: Section, known: tuple[str, ...], notes: list[LoadProblem], path: tuple[str, ...]) -> None:
    """A key Gitea would not read that is a near miss of one it does (other case, a typo).
    Keys with no near match are left alone: Gitea adds keys from release to release."""
    for key, binding in section.entries.items():
        if key in known:
            continue
        close = [k for k in known if k == key.upper()] or difflib.get_close_matches(key, known, n=1, cutoff=0.85)
        if close:
            notes.append(
                note(
                    "MC602",
                    binding.key_mark,
                    f"Gitea has no [{section.name}] key `{key}` and ignores it (its keys are upper-case and "
                    "case-sensitive)",
                    f"write `{close[0]}`",
                    path,
                )
            )


def _cut(ini: IniFile, section: Section, key: str, notes: list[LoadProblem], path: tuple[str, ...]) -> None:
    if (section.name, key) in ini.cut_values:
        notes.append(
            note(
                "MC602",
                section.entries[key],
                f"the {key} holds `#` or `;`: go-ini ends the value there, and Gitea logs in with the part before",
                f"quote it with backticks: {key} = `...` (or triple quotes)",
                path,
            )
        )

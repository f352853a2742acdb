"""Keycloak: a realm's `smtpServer` in realm JSON (an export, a `--import-realm` file), as Keycloak sends with it.

Sources (keycloak/keycloak), cited as [K]:
- services/src/main/java/org/keycloak/email/DefaultEmailSenderProvider.java @ 003569c450c969c75ba4c53ff2044d1a17b800de
  (the newest in the index; @ 8500157cfcbc800a0a6151eb8c43ce1e7ded2d5b reads the same keys the same way):
  `smtpServer` is a map of strings. buildEmailProperties: `host` -> mail.smtp.host when the key
  is there, `port` -> mail.smtp.port; `auth`, `ssl`, `starttls` count only when they are exactly
  "true" (`"true".equals(...)`, isAuthConfigured / isSslConfigured / isStarttlsConfigured), and
  then set mail.smtp.auth, mail.smtp.ssl.enable, mail.smtp.starttls.enable; Keycloak never sets
  mail.smtp.starttls.required, so its STARTTLS is always opportunistic. The transport is always
  "smtp" (`session.getTransport("smtp")`). Without auth it connects without a login
  (EmailAuthenticator NONE); with auth, PasswordAuthEmailAuthenticator logs in with `user` and
  `password`. `from` must be an address: checkFromAddress throws "Invalid sender address" on
  every send and on validate (and toInternetAddress "Please provide a valid address" in the older
  version), so a realm without one sends nothing; `fromDisplayName` is the From name. With a
  truststore configured, setupTruststore sets mail.smtp.ssl.checkserveridentity true (or
  ssl.trust "*" only when the truststore's hostname policy is ANY, a server option, not a realm
  setting). Other keys read: replyTo, replyToDisplayName, envelopeFrom, debug, allowutf8
  (EmailSenderProvider.CONFIG_ALLOW_UTF8), authType ("basic" or "token"), timeout,
  connectionTimeout, writeTimeout.
- services/src/main/java/org/keycloak/email/PasswordAuthEmailAuthenticator.java @ 110a6242 and
  TokenAuthEmailAuthenticator.java @ 15775959: the password and authTokenClientSecret go through
  the vault first; authTokenUrl, authTokenScope, authTokenClientId.
- services/src/main/java/org/keycloak/vault/DefaultVaultTranscriber.java @ 091ec956: a value that
  is exactly `${vault.KEY}` is the vault's entry KEY, anything else is the secret itself. A
  vault reference is a reference (read when Keycloak sends), not an inline secret.
- The realm import (Server Guide, "Importing and Exporting Realms", "Using Environment Variables
  within the Realm Configuration Files"): with `--import-realm`, `${NAME}` placeholders are read
  from the environment; common/src/main/java/org/keycloak/common/util/StringPropertyReplacer.java
  @ 006b98ae: `${NAME:default}` uses the default when NAME is not set.
- Jakarta Mail's side (ssl wins over starttls, the default ports) is sources/jakarta_mail.py.
Realm JSON is read with the YAML loader (JSON is YAML), which keeps every position; a file
that is a list of realms gives a profile per realm, and a KeycloakRealmImport (the operator's
custom resource, `spec.realm`) is read as the realm it imports.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

from mailcheck.loader import Document, LoadProblem, Mark, MarkedMap, Span, UnreadableDocument, parse_documents
from mailcheck.sources import jakarta_mail
from mailcheck.sources.base import App, Binding, ProfileBuilder, adapted_document, note

SMTP = "smtpServer"
PROFILE = "smtpServer"
KEYS = (
    "host",
    "port",
    "from",
    "fromDisplayName",
    "replyTo",
    "replyToDisplayName",
    "envelopeFrom",
    "ssl",
    "starttls",
    "auth",
    "user",
    "password",
    "authType",
    "authTokenUrl",
    "authTokenScope",
    "authTokenClientId",
    "authTokenClientSecret",
    "debug",
    "allowutf8",
    "timeout",
    "connectionTimeout",
    "writeTimeout",
)
SWITCHES = ("ssl", "starttls", "auth", "debug", "allowutf8")  # each counts only as exactly "true"
EXPORT_MASK = "**********"  # what the admin API returns in place of a stored password
_NAME = re.compile(r"[^A-Za-z0-9._-]+")

APP = App(
    "keycloak",
    "Keycloak",
    hints={
        "MC201": 'set "ssl": "true" with "port": "465", or "starttls": "true" with "port": "587"',
        "MC204": 'set "ssl": "true" and "port": "465" (Keycloak logs in over plaintext otherwise)',
        "MC205": 'set "ssl": "true" and "port": "465"; if the network is trusted, run mailcheck with '
        "--disable MC205 for this file (JSON has no comments)",
        "MC214": "Keycloak cannot require STARTTLS (it never sets mail.smtp.starttls.required): use implicit TLS, "
        '"ssl": "true" with "port": "465", and remove "starttls"',
        "MC301": 'set "user" to the login name: with "auth": "true" Keycloak refuses to connect without one',
        "MC302": 'set "password" to a vault reference: "password": "${vault.smtp_password}"',
        "MC303": 'use the vault: "password": "${vault.smtp_password}" (or "${SMTP_PASSWORD}" with --import-realm); '
        "if the file was ever committed with it, rotate it",
        "MC401": 'set "from" to the address Keycloak sends from',
        "MC402": 'set "from": Keycloak refuses to send without it ("Invalid sender address")',
    },
)


def recognises(text: str) -> bool:
    try:
        return bool(_realms(_parse(text)))
    except UnreadableDocument:
        return False


def adapt(path: Path, text: str) -> Document:
    document = _parse(text, path)
    realms = _realms(document)
    profiles: list[ProfileBuilder] = []
    notes: list[LoadProblem] = list(document.problems)
    names = _profile_names(realms)
    for (_, smtp), name in zip(realms, names, strict=True):
        profile, found = _profile(document, smtp, name)
        profiles.append(profile)
        notes += found
    return adapted_document(path, text, APP, profiles, notes=notes, masked=document.secret_spans)


def _parse(text: str, path: Path = Path("realm.json")) -> Document:
    try:
        return parse_documents(text.encode("utf-8"), path)
    except UnreadableDocument as err:
        problem = err.problem
        message = problem.message.replace("YAML syntax error", "not valid JSON")
        raise UnreadableDocument(
            message, "fix the JSON syntax: Keycloak cannot import this realm", problem.mark
        ) from None


def _realms(document: Document) -> list[tuple[MarkedMap, MarkedMap]]:
    """(realm, its smtpServer) for every realm in the file that configures mail."""
    found: list[tuple[MarkedMap, MarkedMap]] = []
    for item in document.data if isinstance(document.data, list) else [document.data]:
        candidates = item if isinstance(item, list) else [item]
        for candidate in candidates:
            realm = candidate
            if isinstance(candidate, MarkedMap) and candidate.get("kind") == "KeycloakRealmImport":
                spec = candidate.get("spec")
                realm = spec.get("realm") if isinstance(spec, MarkedMap) else None
            if not isinstance(realm, MarkedMap):
                continue
            smtp = realm.get(SMTP)
            if isinstance(smtp, MarkedMap) and smtp:
                found.append((realm, smtp))
    return found


def _profile_names(realms: list[tuple[MarkedMap, MarkedMap]]) -> list[str]:
    """`smtpServer` for one realm; `REALM.smtpServer` when a file holds several."""
    if len(realms) == 1:
        return [PROFILE]
    names: list[str] = []
    for index, (realm, _) in enumerate(realms):
        label = _NAME.sub("-", str(realm.get("realm") or f"realm{index + 1}")).strip("-._")[:52] or f"realm{index + 1}"
        name = f"{label}.{PROFILE}"
        names.append(name if name not in names else f"{label}{index + 1}.{PROFILE}")
    return names


def _bindings(document: Document, smtp: MarkedMap) -> dict[str, Binding]:
    """The settings as Keycloak reads them: strings (Jackson turns a JSON true or 587 into "true", "587")."""
    found: dict[str, Binding] = {}
    for key, value in smtp.items():
        if value is None or isinstance(value, (dict, list)):
            continue
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        mark = smtp.value_marks[key]
        found[key] = Binding(key, text, smtp.key_marks[key], mark, _span(document, mark))
    return found


def _span(document: Document, mark: Mark) -> Span:
    """Where the scalar written at `mark` ends: its closing quote, or the end of a bare word."""
    line = document.lines[mark.line - 1] if 0 < mark.line <= len(document.lines) else ""
    start = mark.column - 1
    if line[start : start + 1] == '"':
        index = start + 1
        while index < len(line) and line[index] != '"':
            index += 2 if line[index] == "\\" else 1
        return Span(mark, Mark(mark.line, min(index, len(line)) + 2))
    end = re.compile(r"[\s,}\]]").search(line, start)
    return Span(mark, Mark(mark.line, (end.start() if end else len(line)) + 1))


def _profile(document: Document, smtp: MarkedMap, name: str) -> tuple[ProfileBuilder, list[LoadProblem]]:
    settings = _bindings(document, smtp)
    path = ("profiles", name)
    notes: list[LoadProblem] = []
    profile = ProfileBuilder(name, smtp.mark)
    profile.set(("protocol",), "smtp")
    _unknown(settings, notes, path)
    switches = {key: _switch(settings.get(key), notes, path) for key in SWITCHES}
    host = settings.get("host")
    if host is None:
        profile.set(("host",), "localhost")  # Jakarta Mail's default ([A] SMTPTransport.java L717-718)
    elif jakarta_mail.has_placeholder(host.value) or not host.value:
        profile.defer(("host",), host.value, host)
    else:
        profile.set(("host",), host.value, host)
    properties: dict[str, Binding] = {}
    if switches["ssl"]:
        properties["mail.smtp.ssl.enable"] = settings["ssl"]._replace(value="true")
    if switches["starttls"]:
        properties["mail.smtp.starttls.enable"] = settings["starttls"]._replace(value="true")
    session = jakarta_mail.session(
        "smtp", properties, host=host.value if host else None, spelt=_spelt, path=path, app="Keycloak"
    )
    notes += [_in_keycloak_terms(problem) for problem in session.notes]
    profile.set(("security",), session.security, session.security_at)
    _port(profile, settings.get("port"), session.default_port, session.security, notes, path)
    _auth(profile, settings, switches["auth"], notes, path)
    _sender(profile, settings)
    return profile, notes


def _spelt(name: str) -> str:
    """A Jakarta Mail property as the realm's switch that sets it."""
    return {"mail.smtp.ssl.enable": '"ssl"', "mail.smtp.starttls.enable": '"starttls"'}.get(name, name)


def _in_keycloak_terms(problem: LoadProblem) -> LoadProblem:
    if problem.rule != "MC601":
        return problem
    return LoadProblem(
        "MC601",
        '"ssl" and "starttls" are both "true": Keycloak sets mail.smtp.ssl.enable and mail.smtp.starttls.enable, '
        "and Jakarta Mail then connects with implicit TLS and skips STARTTLS",
        'keep one: "ssl": "true" with "port": "465" (Keycloak cannot require STARTTLS, so prefer this), '
        'or "starttls": "true" with "port": "587"',
        problem.mark,
        problem.path,
    )


def _unknown(settings: dict[str, Binding], notes: list[LoadProblem], path: tuple[str, ...]) -> None:
    for key, binding in settings.items():
        if key in KEYS:
            continue
        close = [k for k in KEYS if k.lower() == key.lower()] or difflib.get_close_matches(key, KEYS, n=1, cutoff=0.75)
        if close:
            notes.append(
                note(
                    "MC602",
                    binding.key_mark,
                    f'"{key}" is not a key Keycloak reads in smtpServer (its keys are case-sensitive): it ignores it',
                    f'write "{close[0]}"',
                    path,
                )
            )


def _switch(binding: Binding | None, notes: list[LoadProblem], path: tuple[str, ...]) -> bool:
    """A switch is on only as exactly "true" ([K] isSslConfigured and the others: `"true".equals`)."""
    if binding is None:
        return False
    if binding.value == "true":
        return True
    if binding.value.strip().lower() in ("true", "yes", "on", "1", "y", "t"):
        notes.append(
            note(
                "MC602",
                binding,
                f'"{binding.key}" is "{binding.value}": Keycloak turns it on only for exactly "true", so it is off',
                f'write "{binding.key}": "true"',
                path,
            )
        )
    return False


def _port(
    profile: ProfileBuilder,
    port: Binding | None,
    default: int,
    security: str,
    notes: list[LoadProblem],
    path: tuple[str, ...],
) -> None:
    if port is None or port.value == "":
        profile.set(("port",), default, port)  # [A] SMTPTransport.java L206-213, L710-714
        return
    value = jakarta_mail.resolved(port.value)
    stand_in = {"tls": 465, "none": 25}.get(security, 587)  # fits the mode: no mismatch made of a guess
    if value is None:
        profile.defer(("port",), stand_in, port)
        return
    if not value.isascii() or not value.strip().isdigit():
        notes.append(
            note(
                "MC602",
                port,
                f'"port" is "{port.value}", not a number: Jakarta Mail ignores it and Keycloak connects to port {default}',
                'write "port": "587" (or "465" with "ssl": "true")',
                path + ("port",),
            )
        )
        profile.set(("port",), default, port)
        return
    if value != port.value:
        profile.defer(("port",), int(value), port)  # the default of a placeholder: what the file says
        return
    profile.set(("port",), int(value), port)


def _auth(
    profile: ProfileBuilder, settings: dict[str, Binding], auth: bool, notes: list[LoadProblem], path: tuple[str, ...]
) -> None:
    user, password = settings.get("user"), settings.get("password")
    if not auth:
        written = next((b for b in (user, password) if b is not None and b.value), None)
        if written is not None:
            notes.append(
                note(
                    "MC603",
                    written,
                    f'"{written.key}" is set but "auth" is not "true": Keycloak connects without logging in',
                    'set "auth": "true", or remove "user" and "password" if the server takes mail without a login',
                    path + ("auth",),
                )
            )
        return
    profile.set(("auth",), {}, settings.get("auth"))
    if user is not None and user.value:
        if jakarta_mail.has_placeholder(user.value):
            profile.defer(("auth", "username"), user.value, user)
        else:
            profile.set(("auth", "username"), user.value, user)
    if password is not None and password.value:
        _password(profile, password)


def _password(profile: ProfileBuilder, password: Binding) -> None:
    keys = ("auth", "password")
    value = password.value
    vault = re.fullmatch(r"\$\{vault\.(.+?)\}", value)  # [K] DefaultVaultTranscriber
    if vault is not None:
        # read from the vault when Keycloak sends: a reference mailcheck cannot resolve, which
        # no secret rule should judge; the stand-in names the entry
        name = re.sub(r"\W", "_", vault[1], flags=re.ASCII).lstrip("0123456789") or "vault"
        profile.defer(keys, {"env": name}, password)
        return
    if value == EXPORT_MASK:  # the admin API's mask: the stored password is elsewhere
        profile.defer(keys, {"env": "KEYCLOAK_SMTP_PASSWORD"}, password)
        return
    whole = jakarta_mail.placeholder(value)
    if whole is not None and whole.default:
        start = Mark(password.value_mark.line, password.value_mark.column + 1 + whole.default_at)
        end = Mark(start.line, start.column + len(whole.default))
        profile.secret(keys, whole.default, password._replace(value_mark=start, span=Span(start, end)))
        return
    if whole is not None and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", whole.name):
        profile.secret(keys, {"env": whole.name}, password)  # --import-realm reads it from the environment
        return
    profile.secret(keys, value, password)  # inline: masked, and MC303


def _sender(profile: ProfileBuilder, settings: dict[str, Binding]) -> None:
    sender, display = settings.get("from"), settings.get("fromDisplayName")
    if sender is None or not sender.value.strip():
        return  # MC402: Keycloak refuses to send ("Invalid sender address")
    if jakarta_mail.has_placeholder(sender.value):
        profile.defer(("from", "address"), "keycloak@localhost", sender)
    else:
        profile.set(("from", "address"), sender.value, sender)
    if display is not None and display.value.strip():
        profile.set(("from", "name"), display.value, display)

"""Spring Boot: `spring.mail.*` in application.properties / application.yml, as Spring Boot builds its JavaMailSender.

Sources (spring-projects/spring-boot), cited as [S]:
- module/spring-boot-mail/src/main/java/org/springframework/boot/mail/autoconfigure/MailProperties.java
  @ 198af995dc03a09583c61bcd0b8ffda341055feb (4.0; the 3.x class under spring-boot-autoconfigure/.../mail
  has the same properties but ssl.verify-hostname): host, port, username, password, protocol
  (default "smtp"), default-encoding, properties (a Map<String, String> of "Additional JavaMail
  Session properties"), jndi-name ("takes precedence over other Session settings"), ssl.enabled
  ("If enabled, 'mail.(protocol).ssl.enable' property is set to 'true'"), ssl.bundle,
  ssl.verify-hostname (default true).
- MailSenderPropertiesConfiguration.java, same commit (3.x @ 1bb1c13a61a896f59e8a97c3eaac58095a2c0dd7
  alike): the sender exists only with `spring.mail.host` (@ConditionalOnProperty); it passes
  host, port (when set), username, password and protocol to JavaMailSenderImpl and
  `spring.mail.properties` as the session's properties; ssl.enabled adds
  "mail." + protocol + ".ssl.enable" = "true", with the protocol "smtp" when empty; verify-hostname
  sets checkserveridentity "true" only with ssl.enabled or a bundle, and false sets nothing.
- spring-projects/spring-framework spring-context-support/.../javamail/JavaMailSenderImpl.java
  @ 00d2606b000f9bdafbd7f4a16b6599fb51b53fa4, connectTransport: an empty username is no username
  (and then an empty password no password), and `transport.connect(host, port, username,
  password)` with the protocol Spring Boot set, so `mail.transport.protocol` and
  `mail.smtp.host` in the properties are not what connects.
- core/spring-boot/src/main/java/org/springframework/boot/env/OriginTrackedPropertiesLoader.java
  @ a07606f55186bf71a8e0a1c2ab498b13993c8bef: the .properties reader this module follows (the
  grammar of java.util.Properties.load): comment lines start with `#` or `!` (after leading
  white space), `#---` / `!---` alone on a line starts a new document; a key ends at an
  unescaped `=`, `:` or white space followed by more text, and is trimmed; the value starts
  after white space and runs to the line's end, a `\\` before the line break continuing it on
  the next line without that line's leading white space; escapes \\t \\r \\n \\f and \\uXXXX
  ("Malformed \\uxxxx encoding." otherwise), any other escaped character is itself.
- Docs (spring-boot-docs .../reference/pages/io/email.adoc @ 2199a313be76206a749201535ba0232238fada13):
  map keys with dots are written `spring.mail.properties[mail.smtp.timeout]` (quoted in YAML:
  `"[mail.smtp.timeout]"`); both that and `spring.mail.properties.mail.smtp.timeout` reach the
  session as `mail.smtp.timeout`. Spring's YAML is YAML 1.1 (SnakeYAML): a bare yes/no/on/off is a boolean.
- `${NAME}` and `${NAME:default}` are placeholders resolved when the application starts (from
  the environment among other sources); a default written after `:` is what runs when NAME is
  not set, so a password written there is an inline secret.
What Jakarta Mail makes of the session properties is sources/jakarta_mail.py. Not read: the
SPRING_MAIL_* environment variables, and files of other profiles (each file is read alone; a
document activated by `spring.config.activate.on-profile` is a profile of its own).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailcheck.loader import (
    Document,
    LoadProblem,
    Mark,
    MarkedList,
    MarkedMap,
    Span,
    UnreadableDocument,
    parse_documents,
)
from mailcheck.secrets import is_secret_key
from mailcheck.sources import jakarta_mail
from mailcheck.sources.base import App, Binding, ProfileBuilder, adapted_document, note

PREFIX = "spring.mail."
PROFILE = "spring.mail"
# MailProperties' names in the uniform form relaxed binding compares (lower case, no - or _)
KNOWN = {
    "host": "host",
    "port": "port",
    "username": "username",
    "password": "password",
    "protocol": "protocol",
    "defaultencoding": "default-encoding",
    "jndiname": "jndi-name",
    "testconnection": "test-connection",
    "ssl.enabled": "ssl.enabled",
    "ssl.bundle": "ssl.bundle",
    "ssl.verifyhostname": "ssl.verify-hostname",
}
TRUE = frozenset({"true", "on", "yes", "1"})  # Spring's StringToBooleanConverter
YAML11_BOOLEANS = dict.fromkeys(["y", "Y", "yes", "Yes", "YES", "on", "On", "ON"], "true") | dict.fromkeys(
    ["n", "N", "no", "No", "NO", "off", "Off", "OFF"], "false"
)
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

APP = App(
    "spring",
    "Spring Boot",
    hints={
        "MC201": "for port 587 use spring.mail.properties.mail.smtp.starttls.enable=true and "
        "spring.mail.properties.mail.smtp.starttls.required=true (not ssl.enable); for implicit TLS use port 465",
        "MC204": "set spring.mail.properties.mail.smtp.starttls.enable=true and ...starttls.required=true "
        "(port 587), or spring.mail.ssl.enabled=true with port 465",
        "MC205": "set spring.mail.properties.mail.smtp.starttls.required=true (port 587); if the network is "
        "trusted, suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove mail.smtp.ssl.trust / mail.smtp.ssl.checkserveridentity=false from spring.mail.properties; "
        "for a private CA, use spring.mail.ssl.bundle",
        "MC214": "add spring.mail.properties.mail.smtp.starttls.required=true: with starttls.enable alone "
        "Jakarta Mail goes on in plaintext when the server does not offer STARTTLS",
        "MC301": "set spring.mail.username: with mail.smtp.auth=true Jakarta Mail refuses to connect without one",
        "MC302": "set spring.mail.password=${SMTP_PASSWORD}",
        "MC303": "read it from the environment: spring.mail.password=${SMTP_PASSWORD} (no default after `:`); "
        "if the file was ever committed with it, rotate it",
        "MC401": "set spring.mail.properties.mail.from to an address the server lets you send from",
        "MC402": "Spring Boot has no sender setting: set spring.mail.properties.mail.from=app@example.com, or "
        "suppress with `# mailcheck: disable-line MC402 -- From is set in code` if every message sets it",
    },
)


@dataclass(frozen=True)
class Entry:
    """One setting as written, with where each character of its value is written."""

    binding: Binding
    at: Callable[[int], Mark]  # the position of the value's character i


# --------------------------------------------------------------------------- reading the files


def recognises(text: str) -> bool:
    try:
        documents, _, _ = _read(Path("application.yml" if _looks_yaml(text) else "application.properties"), text)
    except UnreadableDocument:
        return False
    return any(any(_is_mail(key) for key in document) for document in documents)


def _looks_yaml(text: str) -> bool:
    """For `recognises` alone (a walk knows the suffix): YAML nests `spring:`; .properties does not."""
    return re.search(r"^spring\s*:\s*$", text, re.MULTILINE) is not None


def _is_mail(key: str) -> bool:
    return key.lower().startswith(PREFIX)


def adapt(path: Path, text: str) -> Document:
    documents, comments, masked = _read(path, text)
    yaml = path.suffix.lower() in (".yml", ".yaml")
    profiles: list[ProfileBuilder] = []
    notes: list[LoadProblem] = []
    base: dict[str, Entry] = {}
    activated: list[tuple[str, dict[str, Entry]]] = []
    for document in documents:
        condition = next((e for k, e in document.items() if k.lower().startswith("spring.config.activate.")), None)
        if condition is None:
            base.update(document)
        elif any(_is_mail(key) for key in document):
            activated.append((condition.binding.value, document))
    for name, settings in [(PROFILE, base)] + [
        (f"{PROFILE}.{_label(value)}", {**base, **document}) for value, document in activated
    ]:
        built = _profile(name, settings, yaml, notes)
        if built is not None:
            profiles.append(built)
    secret_values = [e.binding.value for d in documents for k, e in d.items() if is_secret_key(k) and e.binding.value]
    adapted = adapted_document(
        path, text, APP, profiles, notes=notes, comments=comments, comment_markers="#" if yaml else "#!", masked=masked
    )
    adapted.secret_values.extend(v for v in secret_values if jakarta_mail.placeholder(v) is None)
    return adapted


def _label(value: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", value).strip("-._")[:40] or "profile"


def _read(path: Path, text: str) -> tuple[list[dict[str, Entry]], dict[int, str], list[Span]]:
    """The documents of the file (key -> entry), its comments and what to mask."""
    if path.suffix.lower() in (".yml", ".yaml"):
        return _read_yaml(path, text)
    documents, comments = read_properties(text)
    masked = [e.binding.span for d in documents for k, e in d.items() if is_secret_key(k) and e.binding.value]
    return documents, comments, masked


def read_properties(text: str) -> tuple[list[dict[str, Entry]], dict[int, str]]:
    """A .properties file as Spring Boot reads it ([S] OriginTrackedPropertiesLoader): its
    documents, and each comment line's text from its marker."""
    lines = re.split(r"\r\n|\r|\n", text)
    documents: list[dict[str, Entry]] = [{}]
    comments: dict[int, str] = {}
    last_comment = ""  # the previous line's comment marker: `#---` right after a `#` line is a comment
    number = 0
    while number < len(lines):
        line = lines[number]
        number += 1
        stripped = line.lstrip(" \t\f")
        if not stripped:
            last_comment = ""
            continue
        if stripped[0] in "#!":
            if (
                stripped is line
                and stripped[1:4] == "---"
                and not stripped[4:].strip(" \t\f")
                and last_comment != line[0]
            ):
                if documents[-1]:
                    documents.append({})
                last_comment = ""
                continue
            comments[number] = stripped
            last_comment = stripped[0]
            continue
        last_comment = ""
        chars, number = _logical_line(lines, number - 1)
        entry = _entry(chars)
        if entry is not None:
            documents[-1][entry.binding.key] = entry
    return [d for d in documents if d] or [{}], comments


_Char = tuple[str, bool, Mark]  # the character, whether it was escaped, where it is written
_ESCAPES = {"t": "\t", "r": "\r", "n": "\n", "f": "\f"}


def _logical_line(lines: list[str], index: int) -> tuple[list[_Char], int]:
    """The characters of the logical line starting at lines[index] (escapes decoded, line
    continuations joined), and the index of the line after it."""
    chars: list[_Char] = []
    line_index, column = index, len(lines[index]) - len(lines[index].lstrip(" \t\f"))
    while True:
        line = lines[line_index]
        continued = False
        while column < len(line):
            char = line[column]
            mark = Mark(line_index + 1, column + 1)
            if char != "\\":
                chars.append((char, False, mark))
                column += 1
                continue
            if column + 1 == len(line):  # `\` before the line break: the value goes on
                continued = line_index + 1 < len(lines)
                break
            escaped = line[column + 1]
            if escaped == "u":
                digits = line[column + 2 : column + 6]
                if len(digits) < 4 or not all(c in "0123456789abcdefABCDEF" for c in digits):
                    raise UnreadableDocument(
                        "not a valid .properties file: malformed \\uxxxx escape",
                        "write four hexadecimal digits after \\u: Spring Boot fails to start on this file",
                        mark,
                    )
                chars.append((chr(int(digits, 16)), True, mark))
                column += 6
                continue
            chars.append((_ESCAPES.get(escaped, escaped), True, mark))
            column += 2
        if not continued:
            return chars, line_index + 1
        line_index += 1
        column = len(lines[line_index]) - len(lines[line_index].lstrip(" \t\f"))


def _entry(chars: list[_Char]) -> Entry | None:
    index, key = 0, ""
    previous_space = False
    while index < len(chars):
        char, escaped, _ = chars[index]
        if not escaped and char in "=:":
            index += 1
            break
        space = not escaped and char in " \t\f"
        if not space and previous_space:
            break
        previous_space = space
        key += char
        index += 1
    while index < len(chars) and not chars[index][1] and chars[index][0] in " \t\f":
        index += 1
    key = key.strip()
    if not key:
        return None
    value_chars = chars[index:]
    key_mark = chars[0][2]
    end_mark = chars[-1][2]
    value_mark = value_chars[0][2] if value_chars else Mark(end_mark.line, end_mark.column + 1)
    end = Mark(end_mark.line, end_mark.column + (1 if not chars[-1][1] else 2))
    marks = [c[2] for c in value_chars]
    value = "".join(c[0] for c in value_chars)
    binding = Binding(key, value, key_mark, value_mark, Span(value_mark, end if value_chars else value_mark))
    return Entry(binding, lambda i: marks[i] if 0 <= i < len(marks) else value_mark)


def _read_yaml(path: Path, text: str) -> tuple[list[dict[str, Entry]], dict[int, str], list[Span]]:
    document = parse_documents(text.encode("utf-8"), path)
    problems = [p for p in document.problems if p.rule == "MC002"]
    if problems:  # SnakeYAML refuses a repeated key: Spring Boot does not start
        first = problems[0]
        raise UnreadableDocument(first.message, "remove one of the keys: Spring Boot refuses the file", first.mark)
    documents: list[dict[str, Entry]] = []
    for data in document.data if isinstance(document.data, list) else [document.data]:
        flat: dict[str, Entry] = {}
        if isinstance(data, MarkedMap):
            _flatten(document, data, "", flat)
        documents.append(flat)
    return documents or [{}], document.comments, list(document.secret_spans)


def _flatten(document: Document, node: MarkedMap, prefix: str, out: dict[str, Entry]) -> None:
    for key, value in node.items():
        name = f"{prefix}{key}" if not prefix or key.startswith("[") else f"{prefix}.{key}"
        if isinstance(value, MarkedMap):
            _flatten(document, value, name, out)
            continue
        if isinstance(value, MarkedList):
            continue
        mark = node.value_marks[key]
        line = document.lines[mark.line - 1] if 0 < mark.line <= len(document.lines) else ""
        quoted = line[mark.column - 1 : mark.column] in ("'", '"')
        text = _yaml_text(value, quoted)
        span = Span(mark, Mark(mark.line, len(line.split(" #")[0].rstrip()) + 1))
        out[name] = Entry(
            Binding(name, text, node.key_marks[key], mark, span),
            _locator(mark, quoted),
        )


def _locator(mark: Mark, quoted: bool) -> Callable[[int], Mark]:
    return lambda index: _yaml_character(mark, quoted, index)


def _yaml_text(value: Any, quoted: bool) -> str:
    """The string Spring binds: YAML 1.1 booleans for bare yes/no/on/off (SnakeYAML)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(value)
    text = str(value)
    return YAML11_BOOLEANS.get(text, text) if not quoted else text


def _yaml_character(mark: Mark, quoted: bool, index: int) -> Mark:
    """Where character `index` of a one-line scalar is (escapes inside quotes aside)."""
    return Mark(mark.line, mark.column + index + (1 if quoted else 0))


# --------------------------------------------------------------------------- the profile


def _uniform(key: str) -> str:
    """A spring.mail key in the form relaxed binding compares: lower case, without - and _."""
    return key[len(PREFIX) :].lower().replace("-", "").replace("_", "")


def _profile(name: str, settings: dict[str, Entry], yaml: bool, notes: list[LoadProblem]) -> ProfileBuilder | None:
    mail = {key: entry for key, entry in settings.items() if _is_mail(key)}
    if not mail:
        return None
    path = ("profiles", name)
    own: dict[str, Entry] = {}
    properties: dict[str, Binding] = {}
    found: list[LoadProblem] = []
    for key, entry in mail.items():
        uniform = _uniform(key)
        if uniform.startswith("properties"):
            rest = key[len(PREFIX) + len("properties") :]
            inner = rest[1:-1] if rest.startswith("[") and rest.endswith("]") else rest[1:] if rest[:1] == "." else ""
            if inner:
                binding = entry.binding
                properties[inner] = binding._replace(value=jakarta_mail.resolved(binding.value) or "")
            continue
        if uniform in KNOWN:
            own[KNOWN[uniform]] = entry
            continue
        found.append(_unknown(key, entry, uniform, path))
    host = own.get("host")
    if host is None or not host.binding.value.strip() or "jndi-name" in own:
        return None  # no sender from these settings ([S] @ConditionalOnProperty("spring.mail.host"))
    first = min(mail.values(), key=lambda e: (e.binding.key_mark.line, e.binding.key_mark.column))
    profile = ProfileBuilder(name, first.binding.key_mark)
    notes += found
    profile.set(("protocol",), "smtp", own["protocol"].binding if "protocol" in own else None)
    protocol = _protocol(own.get("protocol"), notes, path)
    host_value = host.binding.value
    if jakarta_mail.has_placeholder(host_value):
        profile.defer(("host",), host_value, host.binding)
    else:
        profile.set(("host",), host_value.strip(), host.binding)
    ssl = own.get("ssl.enabled")
    from_ssl = False
    if ssl is not None and (jakarta_mail.resolved(ssl.binding.value) or "").strip().lower() in TRUE:
        from_ssl = f"mail.{protocol}.ssl.enable" not in properties
        properties[f"mail.{protocol}.ssl.enable"] = ssl.binding._replace(value="true")
    session = jakarta_mail.session(
        protocol,
        properties,
        host=None if jakarta_mail.has_placeholder(host_value) else host_value.strip(),
        spelt=lambda n: _spelt(n, yaml, from_ssl and n == f"mail.{protocol}.ssl.enable"),
        path=path,
        app="Spring Boot",
    )
    notes += session.notes
    _transport_protocol(properties, protocol, notes, path)
    profile.set(("security",), session.security, session.security_at)
    _port(profile, own.get("port"), session, notes, path)
    if session.verify is False:
        profile.set(("tls", "verify"), False, session.verify_at)
    _auth(profile, own.get("username"), own.get("password"), session, notes, path)
    if session.sender is not None and session.sender.value.strip():
        if jakarta_mail.has_placeholder(session.sender.value):
            profile.defer(("from", "address"), "spring@localhost", session.sender)
        else:
            profile.set(("from", "address"), session.sender.value.strip(), session.sender)
    return profile


def _spelt(name: str, yaml: bool, from_ssl: bool) -> str:
    """A Jakarta Mail property as this file sets it: in spring.mail.properties, or spring.mail.ssl.enabled."""
    if from_ssl:
        return "spring.mail.ssl.enabled"
    return f"spring.mail.properties[{name}]" if yaml else f"spring.mail.properties.{name}"


def _unknown(key: str, entry: Entry, uniform: str, path: tuple[str, ...]) -> LoadProblem:
    if uniform in ("from", "sender", "fromaddress"):
        hint = "Spring Boot has no such property: set spring.mail.properties.mail.from (Jakarta Mail's default From)"
    else:
        close = difflib.get_close_matches(uniform, KNOWN, n=1, cutoff=0.6)
        hint = (
            f"write spring.mail.{KNOWN[close[0]]}"
            if close
            else "the spring.mail properties are " + ", ".join(sorted(KNOWN.values()))
        )
    return note("MC602", entry.binding.key_mark, f"{key} is not a property Spring Boot has: it ignores it", hint, path)


def _protocol(entry: Entry | None, notes: list[LoadProblem], path: tuple[str, ...]) -> str:
    if entry is None:
        return "smtp"
    value = (jakarta_mail.resolved(entry.binding.value) or "smtp").strip() or "smtp"
    if value in jakarta_mail.TRANSPORTS:
        return value
    notes.append(
        note(
            "MC603",
            entry.binding,
            f"spring.mail.protocol `{value}` is not a mail transport Jakarta Mail has: every send fails "
            "(NoSuchProviderException)",
            "write smtp (STARTTLS or plaintext) or smtps (implicit TLS), in lower case",
            path + ("protocol",),
        )
    )
    return "smtp"


def _transport_protocol(
    properties: dict[str, Binding], protocol: str, notes: list[LoadProblem], path: tuple[str, ...]
) -> None:
    for name in ("mail.transport.protocol", f"mail.{protocol}.host"):
        binding = properties.get(name)
        if binding is None:
            continue
        instead = "spring.mail.protocol" if name == "mail.transport.protocol" else "spring.mail.host"
        notes.append(
            note(
                "MC602",
                binding.key_mark,
                f"{name} is ignored: Spring Boot connects with {instead} (JavaMailSenderImpl passes it to connect)",
                f"set {instead} instead",
                path,
            )
        )


def _port(
    profile: ProfileBuilder,
    entry: Entry | None,
    session: jakarta_mail.Session,
    notes: list[LoadProblem],
    path: tuple[str, ...],
) -> None:
    stand_in = {"tls": 465, "none": 25}.get(session.security, 587)  # fits the mode: no mismatch made of a guess
    if entry is None:
        if session.port is not None:
            profile.set(("port",), session.port, session.port_at)  # mail.<protocol>.port
        else:
            profile.set(("port",), session.default_port)
        return
    written = entry.binding.value
    value = jakarta_mail.resolved(written)
    if value is None:
        profile.defer(("port",), stand_in, entry.binding)
        return
    if not value.strip().isascii() or not value.strip().isdigit():
        notes.append(
            note(
                "MC603",
                entry.binding,
                f"spring.mail.port `{value}` is not a number: Spring Boot fails to start (it binds an Integer)",
                "write spring.mail.port=587 (or 465 with implicit TLS)",
                path + ("port",),
            )
        )
        profile.defer(("port",), stand_in, entry.binding)
        return
    if value != written:
        profile.defer(("port",), int(value), entry.binding)  # a placeholder's default: judged as written
    else:
        profile.set(("port",), int(value), entry.binding)


def _auth(
    profile: ProfileBuilder,
    username: Entry | None,
    password: Entry | None,
    session: jakarta_mail.Session,
    notes: list[LoadProblem],
    path: tuple[str, ...],
) -> None:
    """Jakarta Mail logs in with a user and a password, or fails with mail.smtp.auth and one missing."""
    user = username if username is not None and username.binding.value != "" else None  # connectTransport
    secret = password if password is not None and (user is not None or password.binding.value != "") else None
    if (user is not None and secret is not None) or session.auth:
        written = user or secret
        profile.set(("auth",), {}, written.binding if written is not None else session.auth_at)
        if user is not None:
            if jakarta_mail.has_placeholder(user.binding.value):
                profile.defer(("auth", "username"), user.binding.value, user.binding)
            else:
                profile.set(("auth", "username"), user.binding.value, user.binding)
        if secret is not None and secret.binding.value:
            _password(profile, secret)
        return
    present = user or secret
    if present is None:
        return
    missing = "spring.mail.password" if user is not None else "spring.mail.username"
    notes.append(
        note(
            "MC603",
            present.binding,
            f"{present.binding.key} is set but {missing} is not: Jakarta Mail logs in only with both, "
            "so Spring Boot sends without logging in",
            f"set {missing} as well, or remove {present.binding.key} if the server takes mail without a login",
            path + ("auth",),
        )
    )


def _password(profile: ProfileBuilder, entry: Entry) -> None:
    keys = ("auth", "password")
    binding = entry.binding
    whole = jakarta_mail.placeholder(binding.value)
    if whole is None:
        if jakarta_mail.has_placeholder(binding.value):
            profile.defer(keys, {"env": "SPRING_MAIL_PASSWORD"}, binding)  # computed when Spring starts
        else:
            profile.secret(keys, binding.value, binding)  # inline: masked, and MC303
        return
    if whole.default:
        start = entry.at(whole.default_at)
        end_char = entry.at(whole.default_at + len(whole.default) - 1)
        span = Span(start, Mark(end_char.line, end_char.column + 1))
        profile.secret(keys, whole.default, binding._replace(value_mark=start, span=span))
        return
    if _ENV_NAME.fullmatch(whole.name):
        profile.secret(keys, {"env": whole.name}, binding)
        return
    # `${app.mail.password}`: another property, or the variable relaxed binding derives from it
    stand_in = re.sub(r"[^A-Za-z0-9_]", "_", whole.name).upper().lstrip("0123456789") or "SPRING_MAIL_PASSWORD"
    profile.defer(keys, {"env": stand_in}, binding)

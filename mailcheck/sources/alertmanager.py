"""Prometheus Alertmanager: the mail settings of alertmanager.yml, as Alertmanager reads and uses them.

Sources, prometheus/alertmanager at commit 68fb2d5759b3a92c0bb2a1a13d4ef7ff5b06256d (v0.32 era), cited [AM]:
- config/config.go: Load reads the file with gopkg.in/yaml.v2's UnmarshalStrict (L132-134), so an
  unknown key or a value of the wrong type refuses the whole file; a global `smtp_auth_password`
  with `smtp_auth_password_file` is refused with "at most one of smtp_auth_password &
  smtp_auth_password_file must be configured" (L359-361; the same for smtp_auth_secret, L371-373);
  receiver names must be unique (L386-388) and present ("missing name in receiver", L1010-1012).
  Every email_config inherits the globals (L395-426): tls_config, smarthost, from, hello,
  auth_username and auth_identity when its own is empty (cmp.Or: a `tls_config` of its own
  replaces the global one whole); the password pair (auth_password, auth_password_file) and the
  secret pair (auth_secret, auth_secret_file) only when neither of the pair is set; require_tls
  when not written (it is a *bool), force_implicit_tls likewise. Without a smarthost or a from
  address it refuses the file ("no global SMTP smarthost set", "no global SMTP from set").
  DefaultGlobalConfig (L745-757): smtp_hello "localhost", smtp_require_tls true, an empty
  smtp_tls_config. HostPort (L772-792): net.SplitHostPort, then "address %q: port cannot be
  empty"; the port is not checked further. resolveFilepaths (L171-247) does not touch email
  configs: auth_password_file and tls_config files are opened relative to the working directory.
- config/notifiers.go: EmailConfig's keys (L123-155); a missing `to` is refused ("missing to
  address in email config", L157-166).
- notify/email/email.go: implicit TLS when force_implicit_tls says so, else exactly when the
  port is the text "465" (L133-140), dialled with the smarthost's host as server name unless
  tls_config names one (L142-154); otherwise a plain connection, and STARTTLS only when
  require_tls is true: it fails if the server does not offer it (L185-201). With require_tls
  false it never sends STARTTLS, even when offered: plaintext, not opportunistic. It logs in
  only when auth_username is set (L73-80) and the server advertises AUTH (L203-213; a server
  that does not gets no login and no error), taking the first mechanism in the server's list it
  has a secret for: CRAM-MD5 with auth_secret, PLAIN or LOGIN with the password (L83-121). The
  password file wins over auth_password and is trimmed (L412-421). `from` is a template,
  rendered when sending (L220-235).
- Go's net/smtp PlainAuth refuses a connection without TLS unless the host is localhost
  (golang/go@518a9bb2 src/net/smtp/auth.go); Alertmanager's own LoginAuth does not (L385-410),
  so over plaintext the password may cross the network.
- prometheus/common v0.70.1 (b63d8c0f) config/http_config.go: tls_config's keys (L1324-1354),
  min_version one of TLS10, TLS11, TLS12, TLS13, anything else refused (L73-91).
- go-yaml v2.4.0 (7649d454) resolve.go L37-42: plain y, yes, on, true (any of their listed
  cases) are true, n, no, off, false false; decode.go L411-433, L539-544: a null makes a plain
  bool false (so `smtp_require_tls:` left empty turns TLS off) and leaves a *bool unset; a
  quoted "true" is not a bool and is refused.
- Alertmanager expands no environment variables in its file (its maintainers declined it:
  prometheus/alertmanager#2533, #504): `${SMTP_PASSWORD}` is the password as written.

Each email_config is one profile, named `<receiver>.<index>` (the index in email_configs, from
0), its values marked where they are written: the email_config's own key or the global it
inherits. Not read: smtp_hello and auth_identity (the profile format has no place for them),
inline `ca`/`cert`/`key` PEM text, relative ca_file paths (Alertmanager opens them from its
working directory, which the file does not tell).
"""

from __future__ import annotations

import dataclasses
import difflib
from collections.abc import Callable, Iterable
from email.utils import parseaddr
from pathlib import Path, PurePath
from typing import Any, NamedTuple

from mailcheck.loader import Document, LoadProblem, Mark, MarkedList, MarkedMap, Span, UnreadableDocument
from mailcheck.loader import parse_document as parse_yaml
from mailcheck.secrets import parse_secret
from mailcheck.sources.base import App, Binding, Keys, ProfileBuilder, adapted_document, note
from mailcheck.sources.golang import split_host_port

APP = App(
    "alertmanager",
    "Alertmanager",
    hints={
        "MC201": "Alertmanager uses implicit TLS on port 465 only (or with force_implicit_tls: true): write "
        "smarthost: smtp.example.com:465, or use port 587 and keep require_tls: true",
        "MC203": "use port 587 in the smarthost (with require_tls: true, the default) or 465 for implicit TLS, "
        "unless the provider documents this port",
        "MC204": "remove require_tls: false (it defaults to true) and use port 587, or 465 for implicit TLS: "
        "without it Alertmanager never sends STARTTLS, and its LOGIN auth sends the password in cleartext",
        "MC205": "remove require_tls: false (it defaults to true) and use port 587 or 465; if the relay is on a "
        "trusted network, suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove insecure_skip_verify from tls_config (or smtp_tls_config); for a private CA, set "
        "ca_file to its certificate",
        "MC207": "set min_version: TLS12 (or TLS13) in tls_config, or leave it out (Go's default is TLS 1.2)",
        "MC208": "submit on port 587 (smarthost: smtp.example.com:587, require_tls: true) or 465",
        "MC209": "write the smarthost as host:port, the host without a scheme or a path",
        "MC210": "tls_config is used only with TLS: keep require_tls: true or use port 465, or remove tls_config",
        "MC211": "set server_name in tls_config to the name in the server's certificate",
        "MC302": "set auth_password_file: /run/secrets/smtp_password in the email_config "
        "(or smtp_auth_password_file in global)",
        "MC303": "read it from a file: auth_password_file: /run/secrets/smtp_password (smtp_auth_password_file "
        "in global); Alertmanager does not expand environment variables. If the file was ever committed "
        "with it, rotate it",
        "MC305": "read it from a file: auth_password_file: /run/secrets/smtp_password (Alertmanager expands "
        "nothing in its config file)",
        "MC401": "set from (or smtp_from in global) to the address Alertmanager sends from: "
        "'Alertmanager <alertmanager@example.com>'",
        "MC402": "set smtp_from in global (or from in the email_config): without one Alertmanager refuses the "
        "file (no global SMTP from set)",
    },
)

# config/config.go L843-854: the global keys about mail; other smtp_ keys are refused
GLOBAL_KEYS = (
    "smtp_from",
    "smtp_hello",
    "smtp_smarthost",
    "smtp_auth_username",
    "smtp_auth_password",
    "smtp_auth_password_file",
    "smtp_auth_secret",
    "smtp_auth_secret_file",
    "smtp_auth_identity",
    "smtp_require_tls",
    "smtp_tls_config",
    "smtp_force_implicit_tls",
)
# config/notifiers.go L123-155, with NotifierConfig's send_resolved (config/common/notifierconfig.go)
EMAIL_KEYS = (
    "send_resolved",
    "to",
    "from",
    "hello",
    "smarthost",
    "auth_username",
    "auth_password",
    "auth_password_file",
    "auth_secret",
    "auth_secret_file",
    "auth_identity",
    "headers",
    "html",
    "text",
    "require_tls",
    "tls_config",
    "force_implicit_tls",
    "threading",
)
# prometheus/common config/http_config.go L1324-1354
TLS_KEYS = (
    "ca",
    "cert",
    "key",
    "ca_file",
    "cert_file",
    "key_file",
    "ca_ref",
    "cert_ref",
    "key_ref",
    "server_name",
    "insecure_skip_verify",
    "min_version",
    "max_version",
)
TLS_VERSIONS = {"TLS10": "1.0", "TLS11": "1.1", "TLS12": "1.2", "TLS13": "1.3"}
IMPLICIT_TLS_PORT = "465"  # email.go L139: compared as text
# go-yaml v2 resolve.go L37-42: the plain scalars that are booleans
YAML11_TRUE = frozenset(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"])
YAML11_FALSE = frozenset(["n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"])
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-")
_MAX_NAME = 64  # mailcheck/format.py PROFILE_NAME_PATTERN: ^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$
_REFUSED = "Alertmanager refuses the file"


class _Setting(NamedTuple):
    """A value Alertmanager reads, as text (go-yaml v2 sets a string from any scalar's text)."""

    text: str
    binding: Binding
    source: str  # "global" or "email_config", for messages


def recognises(text: str) -> bool:
    """A YAML mapping with Alertmanager's top-level `route` or `receivers`."""
    try:
        data = parse_yaml(text.encode("utf-8"), Path("alertmanager.yml")).data
    except UnreadableDocument:
        return False
    return isinstance(data, MarkedMap) and ("route" in data or "receivers" in data)


def adapt(path: Path, text: str) -> Document:
    try:
        raw = parse_yaml(text.encode("utf-8"), path)
    except UnreadableDocument as err:
        if str(err).startswith("the top level is"):
            raise UnreadableDocument(
                str(err), "an Alertmanager config is a YAML mapping with `route:` and `receivers:`", err.problem.mark
            ) from None
        raise
    reader = _Reader(raw)
    profiles = reader.profiles()
    # the loader's own notes (MC002: go-yaml v2's UnmarshalStrict refuses a repeated key too),
    # their paths dropped: they name the Alertmanager file's keys, not a profile's
    notes = [dataclasses.replace(problem, path=()) for problem in raw.problems] + reader.notes
    document = adapted_document(
        path,
        text,
        APP,
        profiles,
        notes=notes,
        comments=raw.comments,
        comment_markers="#",
        masked=raw.secret_spans,
    )
    # values under secret-looking keys anywhere (pagerduty keys, a password no profile uses)
    document.secret_values.extend(value for value in raw.secret_values if value not in document.secret_values)
    return document


class _Reader:
    def __init__(self, raw: Document) -> None:
        self.raw = raw
        self.notes: list[LoadProblem] = []
        self._noted: set[tuple[str, Mark, str]] = set()
        self._checked: set[int] = set()  # maps whose keys were checked already (a global one, once)
        self._spans = {span.start: span for span in raw.secret_spans}
        data = raw.data
        self.global_map = self._global(data)

    # ---- notes, each once (a global setting is inherited by every profile)

    def _note(self, rule: str, at: Binding | Mark, message: str, hint: str, path: Keys = ()) -> None:
        mark = at.value_mark if isinstance(at, Binding) else at
        if (rule, mark, message) in self._noted:
            return
        self._noted.add((rule, mark, message))
        self.notes.append(note(rule, mark, message, hint, path))

    # ---- the file's parts

    def _global(self, data: MarkedMap) -> MarkedMap | None:
        value = data.get("global")
        if value is None:
            return None  # config.go L321-324: an absent or empty global gets the defaults
        if not isinstance(value, MarkedMap):
            self._note(
                "MC603",
                data.value_marks["global"],
                f"{_REFUSED}: global must be a mapping",
                "write global: as a mapping of settings",
            )
            return None
        self._unknown_keys(value, GLOBAL_KEYS, "global", lambda key: key.startswith("smtp"))
        self._global_pairs(value)
        for key in ("smtp_smarthost",):
            setting = self._text(value, key, "global")
            if setting is not None:
                self._host_port(setting)
        tls = value.get("smtp_tls_config")
        if isinstance(tls, MarkedMap):
            self._check_tls(tls, "smtp_tls_config")
        for key in ("smtp_require_tls", "smtp_force_implicit_tls"):
            self._boolean(value, key, pointer=key != "smtp_require_tls")
        return value

    def _global_pairs(self, glob: MarkedMap) -> None:
        """config.go L359-361, L371-373: a global inline secret and its file are refused together."""
        for inline, file in (
            ("smtp_auth_password", "smtp_auth_password_file"),
            ("smtp_auth_secret", "smtp_auth_secret_file"),
        ):
            first, second = self._text(glob, inline, "global"), self._text(glob, file, "global")
            if first is not None and second is not None:
                self._note(
                    "MC603",
                    second.binding,
                    f"{_REFUSED}: {inline} and {file} are both set (at most one of {inline} & {file} must be "
                    "configured)",
                    f"keep {file} and delete {inline} (and rotate it if the file was ever committed with it)",
                )

    def profiles(self) -> list[ProfileBuilder]:
        data = self.raw.data
        receivers = data.get("receivers")
        if not isinstance(receivers, MarkedList):
            return []
        built: list[ProfileBuilder] = []
        names: dict[str, Mark] = {}
        used: set[str] = set()
        for number, receiver in enumerate(receivers):
            if not isinstance(receiver, MarkedMap):
                continue
            name = receiver.get("name")
            if not isinstance(name, str) or not name:
                self._note(
                    "MC603",
                    receiver.mark,
                    f"{_REFUSED}: a receiver has no name (missing name in receiver)",
                    "give the receiver a name: the routes name it in `receiver:`",
                )
                name = f"receiver-{number}"
            elif name in names:
                self._note(
                    "MC603",
                    receiver.value_marks["name"],
                    f"{_REFUSED}: the receiver name {name!r} is used twice (notification config name "
                    f"{name!r} is not unique); the first is on line {names[name].line}",
                    "give each receiver its own name",
                )
            else:
                names[name] = receiver.value_marks["name"]
            configs = receiver.get("email_configs")
            if not isinstance(configs, MarkedList):
                continue
            for index, config in enumerate(configs):
                mark = configs.item_marks[index]
                if not isinstance(config, MarkedMap):
                    self._note(
                        "MC603",
                        mark,
                        f"{_REFUSED}: an entry of email_configs is empty (missing email config)",
                        "remove the empty `-` or give it a `to:`",
                    )
                    continue
                profile = self._email(_profile_name(name, index, used), config, mark)
                if profile is not None:
                    built.append(profile)
        return built

    # ---- one email_config

    def _email(self, name: str, config: MarkedMap, mark: Mark) -> ProfileBuilder | None:
        self._unknown_keys(config, EMAIL_KEYS, "email_config", lambda key: True)
        if self._text(config, "to", "email_config") is None:
            self._note(
                "MC603",
                mark,
                f"{_REFUSED}: this email_config has no `to` (missing to address in email config)",
                "add to: team@example.com",
            )
        smarthost = self._pick(config, "smarthost", "smtp_smarthost")
        if smarthost is None:
            self._note(
                "MC603",
                mark,
                f"{_REFUSED}: this email_config has no smarthost and global has no smtp_smarthost "
                "(no global SMTP smarthost set)",
                "set smtp_smarthost: smtp.example.com:587 in global, or smarthost in the email_config",
            )
            return None
        profile = ProfileBuilder(name, mark)
        profile.set(("protocol",), "smtp")
        port = self._server(profile, smarthost)
        self._security(profile, config, port)
        self._tls(profile, config)
        self._auth(profile, config)
        self._sender(profile, config)
        return profile

    def _server(self, profile: ProfileBuilder, smarthost: _Setting) -> str | None:
        """Host and port from "host:port"; the port as written, when there is one."""
        split = self._host_port(smarthost)
        if split is None:
            profile.defer(("host",), smarthost.text, smarthost.binding)  # refused: the mode's own port stands in
            return None
        host, port = split
        profile.set(("host",), host, smarthost.binding)
        if port.isascii() and port.isdigit() and 1 <= int(port) <= 65535:
            profile.set(("port",), int(port), smarthost.binding, at=self._port_mark(smarthost))
        else:
            self._note(
                "MC603",
                smarthost.binding,
                f"the smarthost port {port!r} is not a port number: Alertmanager accepts the file, and the "
                "connection fails or depends on the system's service names (implicit TLS only for exactly 465)",
                "write the port as a number: smtp.example.com:587 (or :465 for implicit TLS)",
                ("profiles", profile.name, "port"),
            )
        return port

    def _host_port(self, setting: _Setting) -> tuple[str, str] | None:
        """config.go L772-792: net.SplitHostPort, and a port that is not empty."""
        result = _split_host_port(setting.text)
        if isinstance(result, str):
            self._note(
                "MC603",
                setting.binding,
                f"{_REFUSED}: {setting.binding.key} {setting.text!r} is not host:port ({result})",
                f"write the port too: {setting.binding.key}: smtp.example.com:587 (or :465 for implicit TLS)",
            )
            return None
        return result

    def _port_mark(self, smarthost: _Setting) -> Mark:
        mark = smarthost.binding.value_mark
        quoted = self._quoted(mark)
        return Mark(mark.line, mark.column + int(quoted) + smarthost.text.rfind(":") + 1)

    def _security(self, profile: ProfileBuilder, config: MarkedMap, port: str | None) -> None:
        """email.go L133-140 and L185-201."""
        force = self._bool_pick(config, "force_implicit_tls", "smtp_force_implicit_tls")
        require = self._bool_pick(config, "require_tls", "smtp_require_tls")
        implicit = force[0] if force is not None else port == IMPLICIT_TLS_PORT
        if implicit:
            at = force[1].value_mark if force is not None else profile.data.value_marks.get("port", profile.mark)
            profile.set(("security",), "tls", force[1] if force is not None else None, at=at)
        elif require is None or require[0]:
            profile.set(("security",), "starttls", require[1] if require is not None else None)
        else:
            profile.set(("security",), "none", require[1])

    def _tls(self, profile: ProfileBuilder, config: MarkedMap) -> None:
        """config.go L399: the email_config's own tls_config, else the global one, whole."""
        own = config.get("tls_config")
        if own is not None and not isinstance(own, MarkedMap):
            self._note(
                "MC603",
                config.value_marks["tls_config"],
                f"{_REFUSED}: tls_config must be a mapping",
                "write tls_config: as a mapping (insecure_skip_verify, ca_file, server_name, min_version)",
            )
            return
        tls = own
        if tls is None and self.global_map is not None:
            candidate = self.global_map.get("smtp_tls_config")
            tls = candidate if isinstance(candidate, MarkedMap) else None
        if tls is None:
            return
        if tls is own:
            self._check_tls(tls, "tls_config")
        skip = self._boolean(tls, "insecure_skip_verify", pointer=False)
        if skip is not None:
            profile.set(("tls", "verify"), not skip[0], skip[1])
        server = self._text(tls, "server_name", "tls_config")
        if server is not None and server.text:
            profile.set(("tls", "server_name"), server.text, server.binding)
        ca_file = self._text(tls, "ca_file", "tls_config")
        if ca_file is not None and ca_file.text and PurePath(ca_file.text).is_absolute():
            profile.set(("tls", "ca_file"), ca_file.text, ca_file.binding)  # a relative one: see the docstring
        version = self._text(tls, "min_version", "tls_config")
        if version is not None and version.text in TLS_VERSIONS:
            profile.set(("tls", "min_version"), TLS_VERSIONS[version.text], version.binding)

    def _check_tls(self, tls: MarkedMap, where: str) -> None:
        self._unknown_keys(tls, TLS_KEYS, where, lambda key: True)
        version = self._text(tls, "min_version", where)
        for key in ("min_version", "max_version"):
            setting = version if key == "min_version" else self._text(tls, key, where)
            if setting is not None and setting.text not in TLS_VERSIONS:
                self._note(
                    "MC603",
                    setting.binding,
                    f"{_REFUSED}: {key} {setting.text!r} is not a TLS version it knows (unknown TLS version)",
                    "write TLS12 or TLS13 (it takes TLS10, TLS11, TLS12 or TLS13, case-sensitive)",
                )

    def _auth(self, profile: ProfileBuilder, config: MarkedMap) -> None:
        """email.go L73-121 and L412-432; the pairs are inherited as config.go L410-417 says."""
        user = self._pick(config, "auth_username", "smtp_auth_username")
        password, password_file = self._pair(config, "auth_password", "auth_password_file")
        secret, secret_file = self._pair(config, "auth_secret", "auth_secret_file")
        for inline, file in ((password, password_file), (secret, secret_file)):
            if inline is not None and file is not None and inline.source == "email_config":
                self._note(
                    "MC603",
                    inline.binding,
                    f"{inline.binding.key} and {file.binding.key} are both set: Alertmanager reads only the file "
                    "and ignores the other (its docs call them mutually exclusive)",
                    f"delete {inline.binding.key} (and rotate it if the file was ever committed with it)",
                    ("profiles", profile.name, "auth"),
                )
        if user is None:
            given = next((s for s in (password, password_file, secret, secret_file) if s is not None), None)
            if given is not None:
                self._note(
                    "MC603",
                    given.binding,
                    f"{given.binding.key} is set without auth_username: Alertmanager logs in only with a username, "
                    "so it sends without logging in",
                    "set auth_username (smtp_auth_username in global), or remove the password",
                    ("profiles", profile.name, "auth"),
                )
            return
        keys: Keys = ("auth", "password")
        profile.set(("auth", "username"), user.text, user.binding)
        if password_file is not None or password is not None:
            self._secret(profile, keys, password_file, password)
        elif secret_file is not None or secret is not None:
            # only CRAM-MD5 can log in then (L85-95): the secret is what it uses
            self._secret(profile, keys, secret_file, secret)
            used = secret_file or secret
            assert used is not None
            profile.set(("auth", "mechanism"), "cram-md5", used.binding)

    def _secret(self, profile: ProfileBuilder, keys: Keys, file: _Setting | None, inline: _Setting | None) -> None:
        if file is not None:  # the file wins (L412-421)
            reference = {"file": file.text}
            if PurePath(file.text).is_absolute():
                profile.secret(keys, reference, file.binding)
            else:
                # opened from Alertmanager's working directory, not this file's folder: not resolved here
                profile.defer(keys, reference, file.binding)
            return
        assert inline is not None
        written = parse_secret(inline.text)
        if written.kind == "env":  # "${NAME}": mailcheck's own reference form
            name = written.source
            self._note(
                "MC602",
                inline.binding,
                f"{inline.binding.key} is ${{{name}}}: Alertmanager expands no environment variables, so it logs "
                "in with that text itself",
                f"write the password to a file and set {inline.binding.key}_file to its path; if a tool "
                "substitutes it before Alertmanager reads the file, suppress this finding",
                ("profiles", profile.name, *keys),
            )
            profile.defer(keys, {"env": name}, inline.binding)
            return
        profile.secret(keys, inline.text, inline.binding)  # masked, and MC303 (or MC305)

    def _sender(self, profile: ProfileBuilder, config: MarkedMap) -> None:
        sender = self._pick(config, "from", "smtp_from")
        if sender is None:  # config.go L404-407
            self._note(
                "MC603",
                profile.mark,
                f"{_REFUSED}: this email_config has no from and global has no smtp_from (no global SMTP from set)",
                "set smtp_from: 'Alertmanager <alertmanager@example.com>' in global, or from in the email_config",
                ("profiles", profile.name, "from"),
            )
            return
        if "{{" in sender.text:
            profile.defer(("from", "address"), sender.text, sender.binding)  # a template (email.go L220)
            return
        name, address = parseaddr(sender.text)
        profile.set(("from", "address"), address or sender.text, sender.binding)
        if name and address:
            profile.set(("from", "name"), name, sender.binding)

    # ---- values as go-yaml v2 reads them

    def _binding(self, mapping: MarkedMap, key: str, text: str) -> Binding:
        value_mark = mapping.value_marks[key]
        span = self._spans.get(value_mark, Span(value_mark, value_mark))
        return Binding(key, text, mapping.key_marks[key], value_mark, span)

    def _text(self, mapping: MarkedMap, key: str, source: str) -> _Setting | None:
        """A string setting, when written non-empty (a null is the empty string)."""
        if key not in mapping or mapping[key] is None:
            return None
        value = mapping[key]
        if isinstance(value, (MarkedMap, MarkedList)):
            self._note(
                "MC603",
                mapping.value_marks[key],
                f"{_REFUSED}: {key} must be text, not a {'mapping' if isinstance(value, MarkedMap) else 'list'}",
                f"write {key} as one value",
            )
            return None
        text = value if isinstance(value, str) else self._scalar_text(mapping.value_marks[key], value)
        if text == "":
            return None
        return _Setting(text, self._binding(mapping, key, text), source)

    def _scalar_text(self, mark: Mark, value: Any) -> str:
        """A plain scalar as written (go-yaml v2 sets a string field from the text: `yes`, `0x19`)."""
        line = self.raw.lines[mark.line - 1] if 1 <= mark.line <= len(self.raw.lines) else ""
        written = line[mark.column - 1 :].split(" #", 1)[0].strip().rstrip(",}]").strip()
        return written or str(value)

    def _quoted(self, mark: Mark) -> bool:
        line = self.raw.lines[mark.line - 1] if 1 <= mark.line <= len(self.raw.lines) else ""
        return line[mark.column - 1 : mark.column] in ("'", '"')

    def _boolean(self, mapping: MarkedMap, key: str, *, pointer: bool) -> tuple[bool, Binding] | None:
        """A boolean as go-yaml v2 reads it; None when unset. A null sets a plain bool false
        and leaves a *bool unset (decode.go L411-433)."""
        if key not in mapping:
            return None
        value, mark = mapping[key], mapping.value_marks[key]
        binding = self._binding(mapping, key, str(value))
        if value is None:
            if pointer:
                return None
            if key != "smtp_require_tls":
                return False, binding
            self._note(
                "MC602",
                mark,
                f"{key} is empty: Alertmanager's YAML reader takes an empty value as false, not as the default",
                f"write {key}: true, or remove the key (it defaults to true)",
            )
            return False, binding
        if isinstance(value, bool):
            return value, binding
        if isinstance(value, str) and not self._quoted(mark) and value in YAML11_TRUE | YAML11_FALSE:
            return value in YAML11_TRUE, binding  # YAML 1.1: `yes`, `on`, `off`
        self._note(
            "MC603",
            mark,
            f"{_REFUSED}: {key} must be a boolean, and {value!r} is not one"
            + (" (quoted, it is text)" if isinstance(value, str) and self._quoted(mark) else ""),
            f"write {key}: true or {key}: false, without quotes",
        )
        return None

    def _pick(self, config: MarkedMap, own: str, inherited: str) -> _Setting | None:
        """cmp.Or: the email_config's value when not empty, else the global one."""
        setting = self._text(config, own, "email_config")
        if setting is None and self.global_map is not None:
            setting = self._text(self.global_map, inherited, "global")
        return setting

    def _bool_pick(self, config: MarkedMap, own: str, inherited: str) -> tuple[bool, Binding] | None:
        """A *bool of the email_config, when written, else the global one (config.go L419-425)."""
        setting = self._boolean(config, own, pointer=True)
        if setting is None and self.global_map is not None:
            setting = self._boolean(self.global_map, inherited, pointer=inherited != "smtp_require_tls")
        return setting

    def _pair(self, config: MarkedMap, inline: str, file: str) -> tuple[_Setting | None, _Setting | None]:
        """The email_config's pair when either is set, else the global pair (config.go L410-417)."""
        pair = self._text(config, inline, "email_config"), self._text(config, file, "email_config")
        if pair == (None, None) and self.global_map is not None:
            pair = (
                self._text(self.global_map, f"smtp_{inline}", "global"),
                self._text(self.global_map, f"smtp_{file}", "global"),
            )
        return pair

    def _unknown_keys(
        self, mapping: MarkedMap, known: Iterable[str], where: str, judged: Callable[[str], bool]
    ) -> None:
        """UnmarshalStrict refuses a key the struct does not have (only mail keys are judged in global)."""
        if id(mapping) in self._checked:
            return
        self._checked.add(id(mapping))
        names = tuple(known)
        for key in mapping:
            if key in names or not judged(key):
                continue
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            self._note(
                "MC603",
                mapping.key_marks[key],
                f"{_REFUSED}: {where} has no key `{key}` (field {key} not found)",
                f"write `{close[0]}`" if close else f"the {where} keys are {', '.join(names)}",
            )


def _split_host_port(value: str) -> tuple[str, str] | str:
    """Go's net.SplitHostPort (sources/golang.py) and Alertmanager's empty-port check: (host,
    port) or the error, as Alertmanager words it."""
    split = split_host_port(value)
    if isinstance(split, str):
        return f"address {value}: {split}"
    if split[1] == "":
        return f'address "{value}": port cannot be empty'
    return split


def _profile_name(receiver: str, index: int, used: set[str]) -> str:
    """`<receiver>.<index>`, within PROFILE_NAME_PATTERN, and unique."""
    cleaned = "".join(char if char in _NAME_CHARS else "-" for char in receiver)
    cleaned = cleaned.lstrip("._-") or "receiver"
    suffix = f".{index}"
    name = cleaned[: _MAX_NAME - len(suffix)] + suffix
    extra = 2
    while name in used:
        tail = f"{suffix}-{extra}"
        name, extra = cleaned[: _MAX_NAME - len(tail)] + tail, extra + 1
    used.add(name)
    return name

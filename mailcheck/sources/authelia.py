"""Authelia: `notifier.smtp` in configuration.yml, as Authelia reads and uses it.

Sources, all at authelia/authelia@23572030b4048922a377ca40d59e804e0ed25fd7 (cited [A]) and
wneessen/go-mail v0.8.1 @ 2ac36f08567b2a215ebaffdfebcd8f82f165f256, the version [A] go.mod L49
pins (cited [G]):
- keys: [A] internal/configuration/schema/keys.go L289-307 (`address`, `timeout`, `username`,
  `password`, `identifier`, `sender`, `subject`, `startup_check_address`, `disable_require_tls`,
  `disable_html_emails`, `disable_starttls`, `tls.{server_name, skip_verify, minimum_version,
  maximum_version, certificate_chain, private_key}`, the deprecated `host` and `port`); any
  other key stops start-up, "configuration key not expected: KEY" (validator/keys.go L30-63),
  `trusted_cert` with its own message (validator/const.go L695-696); `disable_verify_cert` is
  mapped to `tls.skip_verify` (deprecation.go L57-64).
- defaults: schema/notifier.go L46-55 (timeout 5 s, identifier localhost, TLS 1.2 minimum).
- `address` is `[scheme://]host[:port]`: without a scheme it is `smtp://` (decode_hooks.go
  L442-451 calling schema/types_address.go NewAddressDefault L23-44, scheme test in
  schema/const.go L122); the port defaults to 25 for smtp, 587 for submission, 465 for
  submissions (types_address.go L531-559); any other scheme is refused at start-up, "scheme
  must be one of 'smtp', 'submission', or 'submissions'" (types_address.go L286-293,
  validator/notifier.go L110-118); a query, fragment or user info is refused (L488-495).
- TLS: only `submissions` is implicit TLS (IsExplicitlySecure, types_address.go L250-257), for
  any port: `smtp://host:465` asks for STARTTLS on 465. internal/notification/smtp_notifier.go
  L34-61 picks, in order: submissions -> implicit TLS; `disable_starttls` -> go-mail NoTLS,
  never STARTTLS; `disable_require_tls` -> TLSOpportunistic; else TLSMandatory. [G] client.go
  L1858-1880: TLSMandatory fails when STARTTLS is not offered, TLSOpportunistic sends STARTTLS
  only when offered and goes on in plaintext otherwise (and [G] L917-930, L1218: it also
  retries on port 25 when the port does not answer).
- login: whenever `username` or `password` is set (smtp_notifier.go L226-227, smtp_auth.go
  L14-27); PLAIN and LOGIN refuse a connection without TLS unless `disable_require_tls` is true
  or the host is localhost (smtp_auth.go L69-71, [G] smtp/auth_plain.go L41-42).
- the password: also AUTHELIA_NOTIFIER_SMTP_PASSWORD (environment) or
  AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE (docs/content/configuration/methods/secrets.md L73-74,
  docs/data/configkeys.json L613-615): a `username` without a password in the file is
  taken to get it from there, as {env: AUTHELIA_NOTIFIER_SMTP_PASSWORD}.
- start-up checks (validator/notifier.go L51-120, messages in validator/const.go L61-77):
  `sender` is required, `address` is required unless legacy `host`/`port` are set, and
  `host`/`port` with `address` are refused (koanf_util.go L231-235, internal/configuration/const.go L54); smtp and
  filesystem both configured are refused (L13-21); TLS versions (validator/shared.go L12-46:
  SSL3.0 refused, minimum above maximum refused), TLSVersion names (schema/types.go L190-205).
- legacy `host` + `port`: mapped to an address whose scheme follows the port, 465
  submissions, 587 submission, else smtp (deprecation.go L348-371, getHostPort L466-504,
  types_address.go L88-112).
- values: booleans are decoded weakly (provider.go L137-143, go-viper/mapstructure: a string
  through Go's strconv.ParseBool, anything else refused); `timeout` is seconds as a number, or
  a duration string such as `5 seconds` or `1m` (utils/time.go L10-103).
- templating: with X_AUTHELIA_CONFIG_FILTERS=template, `{{ secret "/path" }}` reads a file
  and `{{ env "NAME" }}` / `{{ mustEnv "NAME" }}` the environment (internal/templates/funcs.go
  L34-36, L510-516): references, read when Authelia starts.
AUTHELIA_NOTIFIER_SMTP_* variables are read by `from_environment` (sources/environment.py),
into the same mapping and through the same reader: internal/configuration/helpers.go @ 010c8b4c
(getEnvConfigMap, ToEnvironmentKey: `AUTHELIA_` + the key upper-cased with `.` as `_`, looked up
exactly; getSecretConfigMap: keys ending in key, secret, password, token or certificate_chain
(const.go secretSuffix) also read `_FILE`, the path of a file holding the value); an
`AUTHELIA_` variable that names no key is "configuration environment variable not expected", a
warning (validator/keys.go, ValidateKeys), so Authelia ignores it; a secret set both ways is
"secrets: error loading secret into key '...': it's already defined in other configuration
sources" (const.go errFmtSecretAlreadyDefined). Variables override configuration.yml, which
the variables' reader does not see: a sender it does not set is deferred, not refused.
"""

from __future__ import annotations

import difflib
import re
from email.utils import parseaddr
from pathlib import Path
from typing import Any, NamedTuple

from mailcheck.loader import Document, LoadProblem, Mark, MarkedMap, Span, UnreadableDocument
from mailcheck.sources.base import App, Binding, ProfileBuilder, adapted_document, note

PROFILE = "notifier.smtp"
SMTP_KEYS = (
    "address",
    "timeout",
    "username",
    "password",
    "identifier",
    "sender",
    "subject",
    "startup_check_address",
    "disable_require_tls",
    "disable_html_emails",
    "disable_starttls",
    "tls",
    "host",
    "port",
)
TLS_KEYS = ("server_name", "skip_verify", "minimum_version", "maximum_version", "certificate_chain", "private_key")
DEPRECATED_SKIP_VERIFY = "disable_verify_cert"  # deprecation.go L57-64: mapped to tls.skip_verify
SCHEMES = {"smtp": 25, "submission": 587, "submissions": 465}  # types_address.go L541-546
IMPLICIT_TLS_SCHEME = "submissions"
PASSWORD_VARIABLE = "AUTHELIA_NOTIFIER_SMTP_PASSWORD"
# schema/types.go NewTLSVersion: upper-cased, spaces removed; TLS1.x or 1.x
TLS_VERSIONS = {"TLS1.3": "1.3", "TLS1.2": "1.2", "TLS1.1": "1.1", "TLS1.0": "1.0"}
SSL30 = "SSL3.0"
# Go's strconv.ParseBool, which mapstructure's weak decoding uses for a string
TRUE = frozenset(["1", "t", "T", "TRUE", "true", "True"])
FALSE = frozenset(["0", "f", "F", "FALSE", "false", "False", ""])
_HAS_SCHEME = re.compile(r"^[-+.a-zA-Z\d]*(://|:$)")  # schema/const.go L122
_TEMPLATE = re.compile(r"\{\{-?\s*(.*?)\s*-?\}\}", re.DOTALL)
_REFERENCE = re.compile(r"""(secret|env|mustEnv)\s+"([^"]+)"\s*""")
_DURATION_PART = re.compile(r"([1-9]\d*?)([^\d\s]+)")  # utils/const.go L88
_DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "µs": 1e-6,
    "μs": 1e-6,
    "ms": 1e-3,
    "millisecond": 1e-3,
    "milliseconds": 1e-3,
    "s": 1.0,
    "second": 1.0,
    "seconds": 1.0,
    "m": 60.0,
    "minute": 60.0,
    "minutes": 60.0,
    "h": 3600.0,
    "hour": 3600.0,
    "hours": 3600.0,
    "d": 86400.0,
    "day": 86400.0,
    "days": 86400.0,
}
MAX_TIMEOUT = 300  # what the profile format takes
_NOT_VALID = "this is not valid for addresses"  # types_address.go L488-495

_SECRET_HINT = (
    "take it out of the file: set AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE=/run/secrets/smtp_password where Authelia "
    "runs, or write password: '{{ secret \"/run/secrets/smtp_password\" }}' with X_AUTHELIA_CONFIG_FILTERS=template"
)
APP = App(
    "authelia",
    "Authelia",
    hints={
        "MC201": "Authelia uses implicit TLS only with the submissions scheme, whatever the port: write "
        "address: 'submissions://smtp.example.com:465', or 'submission://smtp.example.com:587' for STARTTLS",
        "MC203": "write the scheme and leave the port to it: address: 'submission://smtp.example.com' (587) "
        "or 'submissions://smtp.example.com' (465)",
        "MC204": "remove disable_starttls (Authelia then requires STARTTLS) and use "
        "address: 'submission://smtp.example.com:587', or 'submissions://smtp.example.com:465'",
        "MC205": "remove disable_starttls and disable_require_tls (Authelia then requires TLS); if the network is "
        "trusted, suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove tls.skip_verify (or set it to false); for a private CA, put its certificate in the "
        "directory that certificates_directory names",
        "MC207": "set tls.minimum_version: 'TLS1.2' (Authelia's default), or remove it",
        "MC208": "submit on 587 or 465: address: 'submission://smtp.example.com:587' or "
        "'submissions://smtp.example.com:465'",
        "MC209": "write address as [scheme://]host[:port]: address: 'submission://smtp.example.com:587'",
        "MC211": "set tls.server_name to the name in the server's certificate",
        "MC214": "remove disable_require_tls: Authelia then requires STARTTLS and refuses a server that does not "
        "offer it (or use address: 'submissions://smtp.example.com:465')",
        "MC301": "set username: Authelia logs in whenever username or password is set, with an empty name otherwise",
        "MC303": _SECRET_HINT + "; if the file was ever committed with it, rotate it",
        "MC305": "write '{{ secret \"/run/secrets/smtp_password\" }}' or '{{ env \"NAME\" }}' exactly, or set "
        "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE where Authelia runs",
        "MC401": "write sender as 'Authelia <authelia@example.com>' (RFC 5322: an address, or a name and <address>)",
        "MC402": "set sender: 'Authelia <authelia@example.com>': Authelia refuses to start without one",
    },
)


class _Smtp(NamedTuple):
    """The `notifier.smtp` mapping and what it is read with."""

    document: Document
    notifier: MarkedMap
    smtp: MarkedMap


def recognises(text: str) -> bool:
    """Whether the file has a `notifier.smtp` mapping (Home Assistant's configuration.yaml has not)."""
    try:
        return _smtp(_read(text)) is not None
    except UnreadableDocument:
        return False


def adapt(path: Path, text: str) -> Document:
    document = _read(text, path)
    found = _smtp(document)
    profiles: list[ProfileBuilder] = []
    notes: list[LoadProblem] = []
    if found is not None:
        profile = _Reader(found, notes).profile()
        profiles.append(profile)
    return adapted_document(
        path,
        text,
        APP,
        profiles,
        notes=[*document.problems, *notes],
        comments=document.comments,
        masked=document.secret_spans,
    )


def _read(text: str, path: Path = Path("configuration.yml")) -> Document:
    """The file as mailcheck's YAML loader reads it: one mapping, or nothing (all comments)."""
    from mailcheck.loader import kind_of, parse_documents

    try:
        document = parse_documents(text.encode("utf-8"), path)
    except UnreadableDocument as err:
        lines = text.splitlines()
        line = lines[err.problem.mark.line - 1] if 0 < err.problem.mark.line <= len(lines) else ""
        if "{{" in line:
            # the template filter runs before YAML is parsed; mailcheck reads the file as written
            raise UnreadableDocument(
                err.problem.message,
                "quote each template expression, as Authelia's examples do: password: '{{ secret \"/path\" }}'",
                err.problem.mark,
            ) from None
        raise
    data = document.data
    if len(data) > 1:
        raise UnreadableDocument(
            "the file holds more than one YAML document", "keep one document per file; remove the extra `---`"
        )
    if data and data[0] is not None and not isinstance(data[0], MarkedMap):
        raise UnreadableDocument(
            f"the top level is a {kind_of(data[0])}, not a mapping",
            "Authelia's configuration.yml is a mapping of sections: notifier:, session:, ...",
        )
    document.data = data[0] if data else None
    return document


def _smtp(document: Document) -> _Smtp | None:
    data = document.data
    notifier = data.get("notifier") if isinstance(data, MarkedMap) else None
    smtp = notifier.get("smtp") if isinstance(notifier, MarkedMap) else None
    if not isinstance(notifier, MarkedMap) or not isinstance(smtp, MarkedMap):
        return None
    return _Smtp(document, notifier, smtp)


def _text(value: Any) -> str:
    """A YAML scalar as Go's weak decoding sees it as text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _reference(value: str) -> dict[str, str] | None:
    """`{{ secret "/path" }}`, `{{ env "NAME" }}`: what Authelia's template filter reads."""
    whole = _TEMPLATE.fullmatch(value.strip())
    found = _REFERENCE.fullmatch(whole.group(1)) if whole else None
    if found is None:
        return None
    kind, name = found.groups()
    return {"file": name} if kind == "secret" else {"env": name}


class _Address(NamedTuple):
    scheme: str
    host: str
    port: int
    port_index: int | None  # where the port is written in the value, when it is


class _Reader:
    """Reads `notifier.smtp` into one profile, noting what Authelia would refuse or ignore."""

    def __init__(self, found: _Smtp, notes: list[LoadProblem], name: str = PROFILE) -> None:
        self.document, self.notifier, self.smtp = found
        self.notes = notes
        self.name = name
        self.profile_ = ProfileBuilder(name, self.notifier.key_marks.get("smtp", self.smtp.mark))
        self.spans = {span.start: span for span in self.document.secret_spans}

    # -- reading settings

    def binding(self, key: str, node: MarkedMap | None = None) -> Binding | None:
        node = self.smtp if node is None else node
        if key not in node:
            return None
        value = node[key]
        mark = node.value_marks.get(key, node.mark)
        text = _text(value)
        span = self.spans.get(mark) or Span(mark, Mark(mark.line, mark.column + len(text)))
        return Binding(key, text, node.key_marks.get(key, mark), mark, span)

    def character(self, key: str, index: int) -> Mark:
        """Where character `index` of `key`'s value is written."""
        return self.document.locate_character(("notifier", "smtp", key), index)

    def password(self, binding: Binding) -> Any:
        """The password as the profile writes it: a template's reference, or the value."""
        return _reference(binding.value) or binding.value

    def refuse(self, at: Binding | Mark, message: str, hint: str, *keys: str) -> None:
        """Authelia's own check fails: it does not start (or, with the filter, does not send)."""
        path = ("profiles", self.name, *keys)
        self.notes.append(note("MC603", at, f"Authelia refuses to start: {message}", hint, path))

    def boolean(self, key: str, node: MarkedMap | None = None, name: str = "") -> tuple[bool, Binding | None]:
        node = self.smtp if node is None else node
        binding = self.binding(key, node)
        if binding is None:
            return False, None
        value = node[key]
        if value is None or isinstance(value, bool):
            return bool(value), binding
        if isinstance(value, (int, float)):
            return value != 0, binding
        if isinstance(value, str) and (value in TRUE or value in FALSE):
            return value in TRUE, binding
        self.refuse(
            binding,
            f"option '{name or key}' is not a boolean Authelia can decode",
            "write true or false",
        )
        return False, binding

    # -- the profile

    def profile(self) -> ProfileBuilder:
        self.profile_.set(("protocol",), "smtp")
        self.unknown_keys()
        self.both_notifiers()
        address = self.address()
        self.security(address)
        self.tls()
        self.auth()
        self.sender()
        self.timeout()
        self.boolean("disable_html_emails")
        return self.profile_

    def unknown_keys(self) -> None:
        for key in self.smtp:
            if key in SMTP_KEYS or key == DEPRECATED_SKIP_VERIFY:
                continue
            self.unexpected(self.smtp, key, f"notifier.smtp.{key}", SMTP_KEYS)
        tls = self.smtp.get("tls")
        if isinstance(tls, MarkedMap):
            for key in tls:
                if key not in TLS_KEYS:
                    self.unexpected(tls, key, f"notifier.smtp.tls.{key}", TLS_KEYS)

    def unexpected(self, node: MarkedMap, key: str, full: str, known: tuple[str, ...]) -> None:
        mark = node.key_marks.get(key, node.mark)
        if full == "notifier.smtp.trusted_cert":  # validator/const.go L695-696
            self.refuse(
                mark,
                "invalid configuration key 'notifier.smtp.trusted_cert' it has been removed, option has been "
                "replaced by the global option 'certificates_directory'",
                "remove trusted_cert and put the certificate in the directory that certificates_directory names",
            )
            return
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6) or [k for k in known if k == key.lower()]
        self.refuse(
            mark,
            f"configuration key not expected: {full}",
            f"write `{close[0]}`" if close else f"the keys here are {', '.join(known)}",
        )

    def both_notifiers(self) -> None:
        if "filesystem" in self.notifier and self.notifier["filesystem"] is not None:
            self.refuse(
                self.notifier.key_marks["filesystem"],
                "notifier: please ensure only one of the 'smtp' or 'filesystem' notifier is configured",
                "remove notifier.filesystem (or notifier.smtp)",
            )

    # -- address

    def address(self) -> _Address | None:
        """Set host and port from `address` (or legacy `host`/`port`); the address, when Authelia takes it."""
        binding = self.binding("address")
        host, port = self.binding("host"), self.binding("port")
        if binding is not None and self.smtp["address"] is not None:
            if host is not None or port is not None:
                self.refuse(
                    host or port or binding,
                    "error occurred performing deprecation mapping for keys notifier.smtp.host and "
                    "notifier.smtp.port to new key notifier.smtp.address: the new key already exists with value "
                    f"'{binding.value}' but the deprecated keys and the new key can't both be configured",
                    "remove host and port: address says both",
                    "host",
                )
            return self.modern(binding)
        if host is None and port is None:
            self.refuse(
                self.profile_.mark,
                "notifier: smtp: option 'address' is required",
                "set address: 'submission://smtp.example.com:587' (or 'submissions://smtp.example.com:465')",
                "host",
            )
            mark = self.profile_.mark
            self.profile_.defer(
                ("host",), "notifier.smtp.address", Binding("address", "", mark, mark, Span(mark, mark))
            )
            return None
        return self.legacy(host, port)

    def modern(self, binding: Binding) -> _Address | None:
        value = binding.value
        if "{{" in value:  # filled by the template filter when Authelia starts
            scheme = value.split("://", 1)[0].lower() if "://" in value else "smtp"
            self.profile_.defer(("host",), value, binding)
            return _Address(scheme, value, SCHEMES.get(scheme, 25), None)
        parsed = _parse_address(value)
        if isinstance(parsed, str):
            self.refuse(
                binding,
                f"notifier: smtp: option 'address' with value '{value}' is invalid: {parsed}",
                "write address: 'submission://smtp.example.com:587' for STARTTLS or "
                "'submissions://smtp.example.com:465' for implicit TLS",
                "host",
            )
            self.profile_.defer(("host",), value, binding)
            return None
        self.profile_.set(("host",), parsed.host, binding)
        at = None
        if parsed.port_index is not None:
            at = self.character("address", parsed.port_index)
        self.profile_.set(("port",), parsed.port, binding, at=at)
        return parsed

    def legacy(self, host: Binding | None, port: Binding | None) -> _Address | None:
        """deprecation.go L348-371: host (default localhost) and port (default 25) make an address
        whose scheme follows the port."""
        number = 0
        if port is not None:
            raw = self.smtp["port"]
            if isinstance(raw, int) and not isinstance(raw, bool) and 0 <= raw <= 65535:
                number = raw
            elif isinstance(raw, str) and raw.isascii() and raw.isdigit() and int(raw) <= 65535:
                number = int(raw)
            elif raw is not None and not (isinstance(raw, int) and not isinstance(raw, bool)):
                self.refuse(
                    port,
                    "error occurred performing deprecation mapping for keys notifier.smtp.host and "
                    "notifier.smtp.port to new key notifier.smtp.address: error occurred converting the port "
                    "from a string",
                    "write address: 'submission://smtp.example.com:587' instead of host and port",
                    "port",
                )
                return None
        name = host.value if host is not None and host.value else "localhost"
        number = number or 25
        scheme = {465: "submissions", 587: "submission"}.get(number, "smtp")
        self.profile_.set(("host",), name, host)
        self.profile_.set(("port",), number, port)
        return _Address(scheme, name, number, None)

    # -- security

    def security(self, address: _Address | None) -> None:
        no_starttls, starttls_binding = self.boolean("disable_starttls")
        no_require, require_binding = self.boolean("disable_require_tls")
        at = self.profile_.data.value_marks.get("host", self.profile_.mark)
        if address is not None and address.scheme == IMPLICIT_TLS_SCHEME:  # the switches are ignored then
            self.profile_.set(("security",), "tls", at=at)
        elif no_starttls:
            self.profile_.set(("security",), "none", starttls_binding)
        elif no_require:
            self.profile_.set(("security",), "opportunistic", require_binding)
        elif require_binding is not None:
            self.profile_.set(("security",), "starttls", require_binding)
        else:
            self.profile_.set(("security",), "starttls", at=at)

    def tls(self) -> None:
        tls = self.smtp.get("tls")
        skip, skip_binding = self.boolean(DEPRECATED_SKIP_VERIFY, name="disable_verify_cert")
        if not isinstance(tls, MarkedMap):
            if tls is not None:
                self.refuse(
                    self.smtp.value_marks["tls"], "option 'tls' is not a mapping", "write tls: {skip_verify: false}"
                )
            if skip_binding is not None:
                self.profile_.set(("tls", "verify"), not skip, skip_binding)
            return
        verify, binding = self.boolean("skip_verify", tls, "tls.skip_verify")
        if binding is not None:
            skip, skip_binding = verify, binding
        if skip_binding is not None:
            self.profile_.set(("tls", "verify"), not skip, skip_binding)
        server_name = self.binding("server_name", tls)
        if server_name is not None and server_name.value:
            self.profile_.set(("tls", "server_name"), server_name.value, server_name)
        lowest = self.version(tls, "minimum_version")
        highest = self.version(tls, "maximum_version")
        if lowest is not None:
            if lowest[0] == SSL30:
                self.refuse(
                    lowest[1],
                    "notifier: smtp: tls: option 'minimum_version' is invalid: minimum version is TLS1.0 but "
                    "SSL3.0 was configured",
                    "set minimum_version: 'TLS1.2'",
                    "tls",
                )
                return
            if highest is not None and highest[0] != SSL30 and lowest[0] > highest[0]:
                self.refuse(
                    lowest[1],
                    "notifier: smtp: tls: option combination of 'minimum_version' and 'maximum_version' is invalid: "
                    f"minimum version TLS{lowest[0]} is greater than the maximum version TLS{highest[0]}",
                    "lower minimum_version or raise maximum_version (TLS1.3 is the default)",
                    "tls",
                )
            self.profile_.set(("tls", "min_version"), lowest[0], lowest[1])

    def version(self, tls: MarkedMap, key: str) -> tuple[str, Binding] | None:
        """A TLS version as NewTLSVersion reads it: "1.x", or SSL3.0."""
        binding = self.binding(key, tls)
        if binding is None or tls[key] is None:
            return None
        value = tls[key]
        if isinstance(value, str):
            written = value.upper().replace(" ", "")
            if written == SSL30:
                return SSL30, binding
            for name, version in TLS_VERSIONS.items():
                if written in (name, version):
                    return version, binding
        self.refuse(
            binding,
            f"could not decode '{binding.value}' to a schema.TLSVersion: supplied tls version isn't supported",
            f"write {key}: 'TLS1.2' or 'TLS1.3' (quoted: Authelia takes TLS1.0 to TLS1.3 as text)",
            "tls",
        )
        return None

    # -- login, sender, timeout

    def auth(self) -> None:
        user, password = self.binding("username"), self.binding("password")
        if user is not None and user.value:
            if "{{" in user.value:
                self.profile_.defer(("auth", "username"), user.value, user)
            else:
                self.profile_.set(("auth", "username"), user.value, user)
        if password is not None and password.value:
            self.profile_.secret(("auth", "password"), self.password(password), password)
        elif user is not None and user.value:
            # not in the file: Authelia reads it from its environment or a secret file (secrets.md L73-74)
            self.profile_.set(("auth", "password"), {"env": PASSWORD_VARIABLE}, at=user.key_mark)

    def sender(self) -> None:
        binding = self.binding("sender")
        value = self.smtp.get("sender")
        if isinstance(value, MarkedMap):  # mapstructure fills mail.Address's fields from a mapping too
            address, name = self.binding("address", value), self.binding("name", value)
            if address is not None and address.value:
                self.profile_.set(("from", "address"), address.value, address)
                if name is not None and name.value:
                    self.profile_.set(("from", "name"), name.value, name)
                return
        elif binding is not None and binding.value:
            if "{{" in binding.value:
                self.profile_.defer(("from", "address"), binding.value, binding)
                return
            display, mailbox = parseaddr(binding.value)
            self.profile_.set(("from", "address"), mailbox or binding.value, binding)
            if display:
                self.profile_.set(("from", "name"), display, binding)
            return
        self.refuse(
            binding or self.profile_.mark,
            "notifier: smtp: option 'sender' is required",
            "set sender: 'Authelia <authelia@example.com>', an address the server lets this login send as",
            "from",
        )

    def timeout(self) -> None:
        binding = self.binding("timeout")
        if binding is None or self.smtp["timeout"] is None:
            return
        seconds = _duration(self.smtp["timeout"])
        if seconds is None:
            self.refuse(
                binding,
                f"could not decode '{binding.value}' to a time.Duration",
                "write timeout: '5 seconds' (or 5, or '5s')",
            )
        elif 0 < seconds <= MAX_TIMEOUT:
            self.profile_.set(("timeout",), float(seconds), binding)


def _duration(value: Any) -> float | None:
    """utils/time.go ParseDurationString, and numbers as seconds (decode_hooks.go DecodeTimeDuration)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(round(value))
    text = str(value)
    if text.isascii() and text.isdigit():
        return float(int(text))
    parts = _DURATION_PART.findall(text.replace("and", "").replace(" ", ""))
    if not parts:
        return None
    total = 0.0
    for quantity, unit in parts:
        if unit not in _DURATION_UNITS:
            return None
        total += int(quantity) * _DURATION_UNITS[unit]
    return total


def _parse_address(value: str) -> _Address | str:
    """NewAddressDefault(value, "smtp", "unix") and ValidateSMTP: the address, or why Authelia refuses it."""
    if not value:
        return "scheme must be one of 'smtp', 'submission', or 'submissions' but is configured as 'tcp'"
    prefix = ""
    if _HAS_SCHEME.match(value):
        url = value
    else:
        prefix = "unix://" if value.startswith("/") else "smtp://"
        url = prefix + value
    if "://" not in url:  # `name:`: Go's url.Parse takes `name` as the scheme
        scheme, rest = url[:-1].lower(), ""
    else:
        scheme, rest = url.split("://", 1)
        scheme = scheme.lower()
    offset = len(value) - len(rest)  # where `rest` starts in the value as written
    if "#" in rest:
        return f"error validating the address: the url '{url}' appears to have a fragment but {_NOT_VALID}"
    if "?" in rest:
        return (
            f"error validating the address: the url '{url}' appears to have a query but this is not valid for "
            f"addresses with the '{scheme}' scheme"
        )
    authority = rest.split("/", 1)[0]
    if "@" in authority:
        return f"error validating the address: the url '{url}' appears to have user info but {_NOT_VALID}"
    if scheme not in SCHEMES:
        return f"scheme must be one of 'smtp', 'submission', or 'submissions' but is configured as '{scheme}'"
    if authority.startswith("["):
        close = authority.find("]")
        if close < 0:
            return f"could not parse string '{value}' as address: missing ']' in host"
        host, port_text = authority[1:close], authority[close + 1 :]
        if port_text and not port_text.startswith(":"):
            return f"could not parse string '{value}' as address: invalid port after host"
        port_text = port_text[1:]
        port_at = offset + close + 2
    else:
        host, _, port_text = authority.partition(":")
        port_at = offset + len(host) + 1
    if port_text and not (port_text.isascii() and port_text.isdigit()):
        return f"could not parse string '{value}' as address: invalid port \":{port_text}\" after host"
    if port_text and int(port_text) > 65535:
        return f'failed to parse port: strconv.ParseUint: parsing "{port_text}": value out of range'
    if not host:
        return f"could not parse string '{value}' as address: expected format is [<scheme>://]<hostname>[:<port>]"
    if port_text:
        return _Address(scheme, host, int(port_text), port_at)
    return _Address(scheme, host, SCHEMES[scheme], None)


# ----------------------------------------------------------------------------- AUTHELIA_NOTIFIER_SMTP_*

ENVIRONMENT_PREFIX = "AUTHELIA_NOTIFIER_SMTP_"
SECRET_KEYS = ("password", "tls.private_key", "tls.certificate_chain")  # const.go secretSuffix
FILE_SUFFIX = "_FILE"
# variable -> the key it sets (ToEnvironmentKey), with the deprecated key getEnvConfigMap maps
VARIABLES = {
    f"{ENVIRONMENT_PREFIX}{key.upper().replace('.', '_')}": key
    for key in (
        *(k for k in SMTP_KEYS if k != "tls"),
        *(f"tls.{k}" for k in TLS_KEYS),
        DEPRECATED_SKIP_VERIFY,
    )
}
FILE_VARIABLES = {f"{ENVIRONMENT_PREFIX}{k.upper().replace('.', '_')}{FILE_SUFFIX}": k for k in SECRET_KEYS}
_COMPOSE_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
ENVIRONMENT_APP = App(
    "authelia",
    "Authelia",
    hints={
        "MC201": "Authelia uses implicit TLS only with the submissions scheme, whatever the port: "
        "AUTHELIA_NOTIFIER_SMTP_ADDRESS=submissions://smtp.example.com:465, or submission://smtp.example.com:587 "
        "for STARTTLS",
        "MC203": "write the scheme and leave the port to it: AUTHELIA_NOTIFIER_SMTP_ADDRESS=submission://"
        "smtp.example.com (587) or submissions://smtp.example.com (465)",
        "MC204": "remove AUTHELIA_NOTIFIER_SMTP_DISABLE_STARTTLS (Authelia then requires STARTTLS), or use "
        "AUTHELIA_NOTIFIER_SMTP_ADDRESS=submissions://smtp.example.com:465",
        "MC205": "remove AUTHELIA_NOTIFIER_SMTP_DISABLE_STARTTLS and AUTHELIA_NOTIFIER_SMTP_DISABLE_REQUIRE_TLS "
        "(Authelia then requires TLS); if the network is trusted, suppress with "
        "`# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove AUTHELIA_NOTIFIER_SMTP_TLS_SKIP_VERIFY (or set it to false); for a private CA, put its "
        "certificate in the directory that certificates_directory names",
        "MC207": "set AUTHELIA_NOTIFIER_SMTP_TLS_MINIMUM_VERSION=TLS1.2 (Authelia's default), or remove it",
        "MC208": "submit on 587 or 465: AUTHELIA_NOTIFIER_SMTP_ADDRESS=submission://smtp.example.com:587 or "
        "submissions://smtp.example.com:465",
        "MC209": "write AUTHELIA_NOTIFIER_SMTP_ADDRESS as [scheme://]host[:port]: submission://smtp.example.com:587",
        "MC211": "set AUTHELIA_NOTIFIER_SMTP_TLS_SERVER_NAME to the name in the server's certificate",
        "MC214": "remove AUTHELIA_NOTIFIER_SMTP_DISABLE_REQUIRE_TLS: Authelia then requires STARTTLS and refuses a "
        "server that does not offer it (or use submissions://smtp.example.com:465)",
        "MC301": "set AUTHELIA_NOTIFIER_SMTP_USERNAME: Authelia logs in whenever a username or password is set",
        "MC303": "read it from a file: AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE=/run/secrets/smtp_password (a Compose "
        "or Kubernetes secret), or set the variable from a secret store at deploy time (valueFrom)",
        "MC401": "write AUTHELIA_NOTIFIER_SMTP_SENDER as 'Authelia <authelia@example.com>' (RFC 5322)",
        "MC402": "set AUTHELIA_NOTIFIER_SMTP_SENDER='Authelia <authelia@example.com>'",
    },
)


class _VariableReader(_Reader):
    """The reader of `notifier.smtp`, over the mapping the variables make: each value is where
    its variable sets it, a `_FILE` one is {file: path}, `${NAME}` (Compose, a Kubernetes
    valueFrom) is {env: NAME}."""

    def __init__(self, found: _Smtp, notes: list[LoadProblem], name: str, written: dict[str, Binding]) -> None:
        super().__init__(found, notes, name)
        self.written = written  # key ("tls.skip_verify") -> its variable

    def binding(self, key: str, node: MarkedMap | None = None) -> Binding | None:
        if node is None or node is self.smtp:
            return self.written.get(key)
        return self.written.get(f"tls.{key}") if node is self.smtp.get("tls") else None

    def character(self, key: str, index: int) -> Mark:
        binding = self.written[key]
        start, end = binding.span.start, binding.span.end
        quoted = start.line == end.line and end.column - start.column == len(binding.value) + 2
        return Mark(binding.value_mark.line, binding.value_mark.column + index + (1 if quoted else 0))

    def password(self, binding: Binding) -> Any:
        if binding.key.endswith(FILE_SUFFIX):
            return {"file": binding.value}
        reference = _COMPOSE_REFERENCE.fullmatch(binding.value)
        return {"env": reference.group(1)} if reference else super().password(binding)

    def sender(self) -> None:
        if "sender" in self.written:
            super().sender()
            return
        # configuration.yml, which the variables override, may set it: not known here
        at = self.written.get("address") or self.written.get("host")
        if at is not None:
            self.profile_.defer(("from", "address"), "authelia@example.com", at)


def from_environment(
    variables: dict[str, Binding], mark: Mark, name: str
) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
    """The profile AUTHELIA_NOTIFIER_SMTP_* variables configure, read as notifier.smtp is; None
    unless they set the server (address, or the legacy host): a password alone (the common
    AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE) completes a configuration.yml this file is not."""
    notes: list[LoadProblem] = []
    written: dict[str, Binding] = {}
    smtp, tls = MarkedMap(mark), MarkedMap(mark)
    for variable, binding in variables.items():
        key = VARIABLES.get(variable) or FILE_VARIABLES.get(variable)
        if key is None:
            if variable.startswith(ENVIRONMENT_PREFIX):
                close = difflib.get_close_matches(variable, [*VARIABLES, *FILE_VARIABLES], n=1, cutoff=0.8)
                notes.append(
                    note(
                        "MC602",
                        binding.key_mark,
                        f"configuration environment variable not expected: {variable}: Authelia logs a warning "
                        "and ignores it",
                        f"write `{close[0]}`"
                        if close
                        else "the variables are AUTHELIA_NOTIFIER_SMTP_ and a key of "
                        "notifier.smtp upper-cased, `.` written `_`",
                        ("profiles", name),
                    )
                )
            continue
        if key in written:
            notes.append(
                note(
                    "MC603",
                    binding.key_mark,
                    f"Authelia refuses to start: secrets: error loading secret into key 'notifier.smtp.{key}': it's "
                    "already defined in other configuration sources",
                    f"keep one of {written[key].key} and {variable}",
                    ("profiles", name),
                )
            )
        written[key] = binding
        node, field = (tls, key.removeprefix("tls.")) if key.startswith("tls.") else (smtp, key)
        node[field] = binding.value
        node.key_marks[field], node.value_marks[field] = binding.key_mark, binding.value_mark
    if "address" not in written and "host" not in written:
        return None, []
    if tls:
        smtp["tls"] = tls
        smtp.key_marks["tls"] = smtp.value_marks["tls"] = mark
    notifier = MarkedMap(mark)
    notifier["smtp"], notifier.key_marks["smtp"], notifier.value_marks["smtp"] = smtp, mark, mark
    filesystem = variables.get("AUTHELIA_NOTIFIER_FILESYSTEM_FILENAME")
    if filesystem is not None and filesystem.value:
        notifier["filesystem"] = {"filename": filesystem.value}
        notifier.key_marks["filesystem"] = notifier.value_marks["filesystem"] = filesystem.key_mark
    document = Document(Path(".env"), [], notifier)
    reader = _VariableReader(_Smtp(document, notifier, smtp), notes, name, written)
    return reader.profile(), notes

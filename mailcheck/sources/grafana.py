"""Grafana: the `[smtp]` section of grafana.ini / custom.ini, as Grafana reads and uses it.

Sources (grafana/grafana; go-mail/mail is gopkg.in/mail.v2, go-ini/ini is gopkg.in/ini.v1):
- pkg/setting/setting_smtp.go @ 010a0935, ReadSmtpSettings: the keys, read case-sensitively
  from `Section("smtp")`; `enabled` and `skip_verify` with go-ini's MustBool(false) (any
  spelling go-ini does not list becomes false, key.go parseBool), the rest as strings.
- conf/defaults.ini @ d6b85077: host = localhost:25, from_address = admin@grafana.localhost,
  from_name = Grafana, startTLS_policy empty; "If the password contains # or ; you have to
  wrap it with triple quotes". An empty value in custom.ini does not blank a default.
- pkg/services/notifications/smtp.go @ 02e8924d, createDialer: `net.SplitHostPort(host)` on
  every send (a host without a port fails then, not at start-up); getStartTLSPolicy: exactly
  "NoStartTLS" and "MandatoryStartTLS", anything else is opportunistic; skip_verify is
  InsecureSkipVerify.
- go-mail/mail smtp.go @ f59b9b83 (v2.3.1): NewDialer sets `SSL: port == 465`, the only way to
  implicit TLS, and then the policy is ignored; opportunistic sends STARTTLS only when offered;
  it logs in only when the user is not empty (a password alone is ignored) and the server
  advertises AUTH, choosing CRAM-MD5, LOGIN or PLAIN itself.
- pkg/setting/expanders.go @ c265af27: `${VAR}` and `$__env{VAR}` read the environment,
  `$__file{path}` a file, when Grafana starts.
The INI syntax is go-ini's (sources/ini.py). GF_SMTP_* environment variables are not read yet.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any

from mailcheck.loader import Document, LoadProblem, Mark, Span, UnreadableDocument
from mailcheck.sources.base import App, Binding, ProfileBuilder, adapted_document, note
from mailcheck.sources.golang import split_host_port
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

SECTION = "smtp"
PROFILE = "smtp"
KEYS = (
    "enabled",
    "host",
    "user",
    "password",
    "cert_file",
    "key_file",
    "skip_verify",
    "from_address",
    "from_name",
    "ehlo_identity",
    "startTLS_policy",
    "enable_tracing",
)
DEFAULT_HOST = "localhost:25"
DEFAULT_FROM = "admin@grafana.localhost"
DEFAULT_FROM_NAME = "Grafana"
IMPLICIT_TLS_PORT = 465  # go-mail: `SSL: port == 465`
POLICIES = {"NoStartTLS": "none", "MandatoryStartTLS": "starttls", "OpportunisticStartTLS": "opportunistic"}
_EXPANSION = re.compile(r"\$(|__\w+)\{([^}]+)\}")  # expanders.go's pattern

_STARTTLS_HINT = (
    "use port 465 in host for implicit TLS (host = smtp.example.com:465), or keep port 587 and set "
    "startTLS_policy = MandatoryStartTLS"
)
APP = App(
    "grafana",
    "Grafana",
    hints={
        "MC201": "Grafana uses implicit TLS on port 465 only: "
        + _STARTTLS_HINT.removeprefix("use port 465 in host for implicit TLS "),
        "MC204": "set startTLS_policy = MandatoryStartTLS (port 587), or use port 465 in host",
        "MC205": "set startTLS_policy = MandatoryStartTLS; if the network is trusted, "
        "suppress with `; mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove skip_verify (or set skip_verify = false); for a private CA, add it to the system's trust store",
        "MC214": "set startTLS_policy = MandatoryStartTLS (exactly so: other spellings are opportunistic)",
        "MC303": "read it from the environment: password = $__env{GF_SMTP_PASSWORD}, or from a file: "
        "password = $__file{/run/secrets/smtp_password}",
        "MC401": "set from_address to the address Grafana sends from",
        "MC402": "set from_address",
    },
)


# the same fixes, spelt as the variables that set them (sources/environment.py)
ENVIRONMENT_APP = App(
    "grafana",
    "Grafana",
    hints={
        "MC201": "Grafana uses implicit TLS on port 465 only: keep port 587 and set "
        "GF_SMTP_STARTTLS_POLICY=MandatoryStartTLS, or use GF_SMTP_HOST=smtp.example.com:465",
        "MC204": "set GF_SMTP_STARTTLS_POLICY=MandatoryStartTLS (port 587), or use port 465 in GF_SMTP_HOST",
        "MC205": "set GF_SMTP_STARTTLS_POLICY=MandatoryStartTLS; if the network is trusted, "
        "suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove GF_SMTP_SKIP_VERIFY (or set it to false); for a private CA, add it to the trust store",
        "MC214": "set GF_SMTP_STARTTLS_POLICY=MandatoryStartTLS (exactly so: other spellings are opportunistic)",
        "MC303": "set the variable from a secret store at deploy time (a Compose secret, a Kubernetes Secret "
        "with valueFrom), or GF_SMTP_PASSWORD=$__file{/run/secrets/smtp_password}",
        "MC401": "set GF_SMTP_FROM_ADDRESS to the address Grafana sends from",
        "MC402": "set GF_SMTP_FROM_ADDRESS",
    },
)


def recognises(text: str) -> bool:
    try:
        return parse_ini(text).section(SECTION) is not None
    except UnreadableDocument:  # a file go-ini refuses is not recognised by content
        return False


def adapt(path: Path, text: str) -> Document:
    ini = parse_ini(text)
    masked = secret_spans(ini, is_reference=lambda value: _EXPANSION.fullmatch(value) is not None)
    section = ini.section(SECTION)
    if section is None or not section.entries:
        return _document(path, text, ini, [], [], masked)
    profile, notes = smtp_profile(section, PROFILE, password_cut=(SECTION, "password") in ini.cut_values)
    return _document(path, text, ini, [profile], notes, masked)


def smtp_profile(
    section: Section, name: str, *, password_cut: bool = False
) -> tuple[ProfileBuilder, list[LoadProblem]]:
    """The profile `section`'s settings (key -> binding, from grafana.ini or GF_SMTP_*
    variables) configure, and what Grafana would do otherwise than they say."""
    notes: list[LoadProblem] = []
    profile = ProfileBuilder(name, section.mark)
    profile.set(("protocol",), "smtp")
    _unknown_keys(section, name, notes)
    port = _server(profile, section, notes)
    _security(profile, section, port, notes)
    _verify(profile, section, notes)
    _auth(profile, section, password_cut, notes)
    _sender(profile, section)
    _enabled(section, name, notes)
    return profile, notes


ENVIRONMENT_PREFIX = "GF_SMTP_"


def from_environment(
    variables: dict[str, Binding], mark: Mark, name: str
) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
    """The profile GF_SMTP_* variables configure (pkg/setting/setting.go, applyEnvVariableOverrides:
    `GF_` + section + `_` + key, upper-cased, overrides a key of the loaded files; an empty
    variable changes nothing). None when no variable is Grafana's."""
    keys = {f"{ENVIRONMENT_PREFIX}{key.upper()}": key for key in KEYS}
    entries: dict[str, Binding] = {}
    for variable, binding in variables.items():
        if variable.startswith(ENVIRONMENT_PREFIX) and binding.value != "":
            entries[keys.get(variable, variable)] = binding
    if not entries:
        return None, []
    return smtp_profile(Section(SECTION, mark, entries), name)


def _document(
    path: Path, text: str, ini: IniFile, profiles: list[ProfileBuilder], notes: list[LoadProblem], masked: list[Span]
) -> Document:
    comments = directive_comments(ini, masked)
    return adapted_document(
        path, text, APP, profiles, notes=notes, comments=comments, comment_markers=COMMENT_MARKERS, masked=masked
    )


def _unknown_keys(section: Section, name: str, notes: list[LoadProblem]) -> None:
    for key, binding in section.entries.items():
        if key in KEYS:
            continue
        variable = key.startswith(ENVIRONMENT_PREFIX)
        wanted = key.removeprefix(ENVIRONMENT_PREFIX).lower() if variable else key
        close = difflib.get_close_matches(wanted, KEYS, n=1, cutoff=0.6) or [
            k for k in KEYS if k.lower() == wanted.lower()
        ]
        what = "a setting" if variable else "an [smtp] key (its keys are case-sensitive)"
        notes.append(
            note(
                "MC602",
                binding.key_mark,
                f"`{binding.key}` is not {what} Grafana has: it ignores it",
                f"write `{_spelt(close[0], binding)}`" if close else f"the [smtp] keys are {', '.join(KEYS)}",
                ("profiles", name),
            )
        )


def _spelt(key: str, binding: Binding) -> str:
    """`key` as the setting `binding` is written: in grafana.ini, or as its GF_SMTP_ variable."""
    return f"{ENVIRONMENT_PREFIX}{key.upper()}" if binding.key.startswith(ENVIRONMENT_PREFIX) else key


def _assignment(key: str, value: str, binding: Binding) -> str:
    """`key` set to `value` as the setting `binding` is written: `key = value` or `GF_SMTP_KEY=value`."""
    spelt = _spelt(key, binding)
    return f"{spelt}={value}" if spelt != key else f"{key} = {value}"


def _server(profile: ProfileBuilder, section: Section, notes: list[LoadProblem]) -> int | None:
    """Set host and port from `host` ("host:port"); the port, when it can be known."""
    binding = written(section, "host")
    if binding is None:
        host, port = DEFAULT_HOST.rsplit(":", 1)
        profile.set(("host",), host)
        profile.set(("port",), int(port))
        return int(port)
    if _EXPANSION.search(binding.value):
        # read when Grafana starts; the port is left to the mode's own, which no port rule questions
        profile.defer(("host",), binding.value, binding)
        return None
    split = _split_host_port(binding.value)
    if isinstance(split, str):
        notes.append(
            note(
                "MC603",
                binding,
                f"Grafana cannot use host `{binding.value}`: {split}; it fails on every send, not at start-up",
                f"write the port too: {_assignment('host', 'smtp.example.com:587', binding)} (or :465 for implicit TLS)",
                ("profiles", profile.name, "host"),
            )
        )
        # the mode's own port stands in, so the other rules still judge the rest
        profile.defer(("host",), binding.value, binding)
        return None
    name, number = split
    profile.set(("host",), name, binding)
    profile.set(("port",), number, binding, at=_port_mark(binding))
    return number


def _split_host_port(value: str) -> tuple[str, int] | str:
    """Go's net.SplitHostPort (sources/golang.py) and then strconv.Atoi: (host, port), or why not."""
    split = split_host_port(value)
    if isinstance(split, str):
        return split
    host, port = split
    if not port.isascii() or not port.isdigit():
        return f'the port "{port}" is not a number'
    return host, int(port)


def _port_mark(binding: Binding) -> Mark:
    """Where the port is written inside `host = name:port`."""
    return Mark(binding.value_mark.line, binding.value_mark.column + binding.value.rfind(":") + 1)


def _security(profile: ProfileBuilder, section: Section, port: int | None, notes: list[LoadProblem]) -> None:
    binding = section.entries.get("startTLS_policy")  # written empty, it is still where to point
    if port == IMPLICIT_TLS_PORT:  # go-mail ignores the policy then
        profile.set(("security",), "tls", binding=None, at=profile.data.value_marks.get("port", profile.mark))
        return
    policy = binding.value if binding is not None else ""
    if binding is not None and policy and policy not in POLICIES:
        close = difflib.get_close_matches(policy, POLICIES, n=1, cutoff=0.5) or [
            p for p in POLICIES if p.lower() == policy.lower()
        ]
        notes.append(
            note(
                "MC602",
                binding,
                f"{binding.key} `{policy}` is not one Grafana knows: it uses opportunistic STARTTLS instead",
                (f"write `{close[0]}` exactly" if close else "write MandatoryStartTLS")
                + " (Grafana takes NoStartTLS, MandatoryStartTLS or OpportunisticStartTLS, case-sensitive)",
                ("profiles", profile.name, "security"),
            )
        )
    profile.set(("security",), POLICIES.get(policy, "opportunistic"), binding)


def _boolean(section: Section, key: str, name: str, notes: list[LoadProblem]) -> tuple[bool, Binding | None]:
    """go-ini's MustBool(false): a spelling it does not list is false, and is noted."""
    binding = written(section, key)
    if binding is None:
        return False, None
    if binding.value in TRUE or binding.value in FALSE:
        return binding.value in TRUE, binding
    notes.append(
        note(
            "MC602",
            binding,
            f"{binding.key} `{binding.value}` is not a boolean go-ini reads: Grafana takes it as false",
            "write true or false",
            ("profiles", name),
        )
    )
    return False, binding


def _verify(profile: ProfileBuilder, section: Section, notes: list[LoadProblem]) -> None:
    skip, binding = _boolean(section, "skip_verify", profile.name, notes)
    if binding is not None:
        profile.set(("tls", "verify"), not skip, binding)


def _auth(profile: ProfileBuilder, section: Section, password_cut: bool, notes: list[LoadProblem]) -> None:
    user, password = written(section, "user"), written(section, "password")
    if password_cut:
        notes.append(
            note(
                "MC602",
                section.entries["password"],
                "the password holds `#` or `;`: go-ini ends the value there, and Grafana logs in with the part before",
                'wrap the password in triple quotes: password = """..."""',
                ("profiles", profile.name, "auth", "password"),
            )
        )
    if user is None:
        if password is not None:
            notes.append(
                note(
                    "MC603",
                    password,
                    "password is set without user: Grafana logs in only with a user, so it sends without logging in",
                    "set user to the login name, or remove the password",
                    ("profiles", profile.name, "auth"),
                )
            )
        return
    profile.set(("auth", "username"), user.value, user)
    if password is not None:
        profile.secret(("auth", "password"), _secret(password.value), password)


def _secret(value: str) -> Any:
    """A password as the profile format writes it: a reference where Grafana expands one."""
    whole = _EXPANSION.fullmatch(value)
    if whole is None:
        return value
    kind, name = whole.groups()
    return {"file": name} if kind == "__file" else {"env": name}


def _sender(profile: ProfileBuilder, section: Section) -> None:
    address, name = written(section, "from_address"), written(section, "from_name")
    profile.set(("from", "address"), address.value if address else DEFAULT_FROM, address)
    profile.set(("from", "name"), name.value if name else DEFAULT_FROM_NAME, name)


def _enabled(section: Section, name: str, notes: list[LoadProblem]) -> None:
    _boolean(section, "enabled", name, notes)  # only a misspelt value matters: a disabled [smtp] is still checked

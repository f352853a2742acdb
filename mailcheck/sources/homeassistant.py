"""Home Assistant: the SMTP notify platforms of configuration.yaml, as Home Assistant reads and uses them.

Sources (home-assistant/core; each file at the commit named, the newest stored version of it):
- homeassistant/components/smtp/notify.py @ 05cad7fdab7081aa0b47ab065cc1dd35bbd720ac, PLATFORM_SCHEMA:
  `recipient` (required, one address or a list), `sender` (required, vol.Email), `server`
  (cv.string, default localhost), `port` (cv.port: an int, or text that is one, 1-65535; default
  587), `timeout` (cv.positive_int, default 5), `encryption` (vol.In(["tls", "starttls", "none"]),
  case-sensitive, default starttls), `username`, `password` (cv.string), `sender_name`, `debug`
  and `verify_ssl` (cv.boolean, default true); the same schema as the smtplib-only version at
  0154b2e563e99e0d1cb22f7c0ccf7dde1a7b727f. const.py @ 05cad7fd holds the defaults and options.
- how it connects, helpers.py @ 05cad7fd (SmtpClient.connect; notify.py @ 0154b2e5,
  MailNotificationService.connect, is the same): `tls` is smtplib.SMTP_SSL, implicit TLS, on the
  port as written (587 unless set: no port follows the mode); `starttls` is smtplib.SMTP and then
  `starttls()`, which raises SMTPNotSupportedError when the server does not offer it, so the
  upgrade is required; `none` never upgrades. It logs in only when username and password are both
  non-empty (`if self.username and self.password`). verify_ssl false passes no SSL context, and
  smtplib then builds one that checks neither the chain nor the name (notify.py @ 0154b2e5:
  `client_context() if self._verify_ssl else None`); with encryption none it is never used.
- homeassistant/components/notify/__init__.py @ 0127e480801686bd9ea8d139276b5e099e0b0760:
  PLATFORM_SCHEMA has `platform` and `name` and ALLOW_EXTRA, so a key the platform does not
  define (`host:` for `server:`) is ignored without a word (MC602). notify/legacy.py @
  9b003b04d1b985f97b177165792c4c43a48f5eca: platforms come from config_per_platform(config,
  "notify") (every key `notify` or `notify <label>`, a list or one mapping: homeassistant/config.py,
  extract_domain_configs, `^notify(| .+)$`); the service is `notify.` + slugify(name or "notify"),
  and a second platform whose service exists already registers none.
- a value the schema refuses (an unknown encryption, a port that is no number, a missing
  recipient) makes Home Assistant log "Invalid config for 'notify' from integration 'smtp'" at
  start-up and leave that platform out (homeassistant/config.py, stringify_invalid; read in
  the search index, version not pinned): the app's own constraint, MC603, not a value silently
  replaced. cv.string refuses null and makes numbers text; cv.boolean takes bools, numbers and
  1/true/yes/on/enable, 0/false/no/off/disable in any case (helpers/config_validation.py, not pinned).
- homeassistant/util/yaml/loader.py @ 0c6b5ad8b9c2556729f9fee49828b4ef4bed06ba: `!secret NAME` is
  read from secrets.yaml (this folder or a parent up to the config folder), `!env_var NAME
  [default]` from the environment (the rest of the text is the default), `!include` and the
  `!include_dir_*` tags load other files. Home Assistant's YAML is PyYAML's (YAML 1.1): an
  unquoted `password: 012345` is a number there, and cv.string logs in with its digits.

Current Home Assistant (notify.py @ 05cad7fd with config_flow.py @ 01ad0ded55ad005b79e049bd1eb67286eaa11b1b
and issue.py @ 0a5bc21dd9947197361e3e1fa354f44ab1f0f693): SMTP is set up in the UI as a config
entry; an SMTP notify platform in configuration.yaml still works: at start-up it is validated by
the same schema and imported into a config entry (async_step_import connects and logs in first,
with the same smtplib code), and a repair issue says YAML is deprecated, `breaks_in_ha_version
2027.1.0`. The docs page (home-assistant/home-assistant.io source/_integrations/smtp.markdown @
011858e60236d0b1a5ed5ea1e7796950765d88d1) says the same: "YAML configuration is deprecated.
Existing YAML configurations will be automatically imported." Until then this file is what Home
Assistant sends with, and it is what a repository holds: this adapter reads it.

Not read: files that `!include` brings in (a `notify: !include notify.yaml` is read when that
file is checked with `--as homeassistant`: a top-level list of platforms), packages in other
files, and config entries, which live in .storage/ and not in git.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from mailcheck.format import ENV_NAME_PATTERN, PROFILE_NAME_PATTERN
from mailcheck.loader import (
    Document,
    LoadProblem,
    Mark,
    MarkedList,
    MarkedMap,
    Span,
    Tagged,
    UnreadableDocument,
    parse_app_document,
)
from mailcheck.sources.base import App, Binding, Keys, ProfileBuilder, adapted_document, note

# homeassistant/util/yaml/loader.py @ 0c6b5ad8: the tags Home Assistant adds (and !input, blueprints')
TAGS = frozenset(
    {
        "!secret",
        "!include",
        "!env_var",
        "!include_dir_list",
        "!include_dir_named",
        "!include_dir_merge_list",
        "!include_dir_merge_named",
        "!input",
    }
)
PLATFORM = "smtp"
DOMAIN_KEY = re.compile(r"^notify(| .+)$")  # config.py extract_domain_configs
# notify.py @ 05cad7fd PLATFORM_SCHEMA, with notify's own `platform` and `name`
KEYS = (
    "platform",
    "name",
    "recipient",
    "sender",
    "server",
    "port",
    "timeout",
    "encryption",
    "username",
    "password",
    "sender_name",
    "debug",
    "verify_ssl",
)
# what other apps call these settings: the key a writer most likely meant
LIKELY = {
    "host": "server",
    "hostname": "server",
    "smtp_server": "server",
    "smtp_host": "server",
    "ssl": "encryption",
    "tls": "encryption",
    "starttls": "encryption",
    "security": "encryption",
    "use_tls": "encryption",
    "use_ssl": "encryption",
    "user": "username",
    "login": "username",
    "from": "sender",
    "from_address": "sender",
    "from_name": "sender_name",
    "verify": "verify_ssl",
    "verify_tls": "verify_ssl",
    "verify_certificate": "verify_ssl",
    "to": "recipient",
    "recipients": "recipient",
}
DEFAULT_NAME = "notify"  # notify/legacy.py: slugify(conf_name or SERVICE_NOTIFY)
DEFAULT_SERVER = "localhost"
DEFAULT_PORT = 587
ENCRYPTION = {"tls": "tls", "starttls": "starttls", "none": "none"}  # const.py ENCRYPTION_OPTIONS
# cv.boolean: text is lower-cased and stripped first
TRUE = frozenset({"1", "true", "yes", "on", "enable"})
FALSE = frozenset({"0", "false", "no", "off", "disable"})
_PROFILE_NAME = re.compile(PROFILE_NAME_PATTERN)
_ENV_NAME = re.compile(ENV_NAME_PATTERN)

_PORTS = "encryption: tls with port: 465, or encryption: starttls (the default) with port: 587 (the default)"
APP = App(
    "homeassistant",
    "Home Assistant",
    hints={
        "MC201": "Home Assistant connects to `port` as written whatever the encryption: use " + _PORTS,
        "MC203": "use " + _PORTS + ", unless the provider documents this port",
        "MC204": "set encryption: starttls (the default, port 587) or encryption: tls with port: 465: "
        "Home Assistant logs in over plaintext otherwise",
        "MC205": "set encryption: starttls (port 587) or encryption: tls (port 465); if the relay is on a trusted "
        "network, suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove `verify_ssl: false`; for a private CA, add it to the CA bundle Home Assistant trusts",
        "MC303": "move it to secrets.yaml and write `password: !secret smtp_password` (or "
        "`password: !env_var SMTP_PASSWORD`); if the file was ever committed with it, rotate it",
        "MC401": "set sender to the address Home Assistant sends from",
        "MC402": "set sender: it is required, and Home Assistant leaves the notifier out without it",
    },
)


def recognises(text: str) -> bool:
    """Whether the file configures an SMTP notify platform (Authelia's configuration.yml has none)."""
    try:
        document = parse_app_document(text.encode("utf-8"), Path("configuration.yaml"), TAGS)
    except UnreadableDocument:  # a file the loader refuses is not recognised by content
        return False
    return isinstance(document.data, MarkedMap) and any(True for _ in _platforms(document.data))


def adapt(path: Path, text: str) -> Document:
    document = parse_app_document(text.encode("utf-8"), path, TAGS)
    data = document.data
    if isinstance(data, MarkedList):  # a file `notify: !include notify.yaml` brings in
        found = list(_items(data))
    elif isinstance(data, MarkedMap):
        found = list(_platforms(data))
    else:
        found = []
    reader = _Reader(document)
    profiles = [reader.profile(platform, mark) for platform, mark in found]
    reader.duplicates(found)
    adapted = adapted_document(
        path,
        text,
        APP,
        profiles,
        notes=[*document.problems, *reader.notes],
        comments=document.comments,
        comment_markers="#",
        masked=[*document.secret_spans, *reader.masked],
    )
    adapted.secret_values.extend(value for value in document.secret_values if value)
    return adapted


# ----------------------------------------------------------------------------- finding the platforms


def _platforms(config: MarkedMap) -> Iterator[tuple[MarkedMap, Mark]]:
    """Every `platform: smtp` under `notify` / `notify <label>`, at the top and in inline packages."""
    yield from _in_config(config)
    core = config.get("homeassistant")
    packages = core.get("packages") if isinstance(core, MarkedMap) else None
    if isinstance(packages, MarkedMap):
        for package in packages.values():
            if isinstance(package, MarkedMap):
                yield from _in_config(package)


def _in_config(config: MarkedMap) -> Iterator[tuple[MarkedMap, Mark]]:
    for key, value in config.items():
        if not DOMAIN_KEY.match(key):
            continue
        if isinstance(value, MarkedList):
            yield from _items(value)
        elif isinstance(value, MarkedMap) and value.get("platform") == PLATFORM:  # one platform, not a list
            yield value, config.key_marks[key]


def _items(platforms: MarkedList) -> Iterator[tuple[MarkedMap, Mark]]:
    for item, mark in zip(platforms, platforms.item_marks, strict=True):
        if isinstance(item, MarkedMap) and item.get("platform") == PLATFORM:
            yield item, mark


# ----------------------------------------------------------------------------- Home Assistant's semantics


class _Reader:
    def __init__(self, document: Document) -> None:
        self.document = document
        self.notes: list[LoadProblem] = []
        self.masked: list[Span] = []  # spans the loader does not know are secrets (a tag's default)
        self.names: set[str] = set()

    # ---- one platform

    def profile(self, platform: MarkedMap, mark: Mark) -> ProfileBuilder:
        profile = ProfileBuilder(self._profile_name(platform), mark)
        profile.set(("protocol",), "smtp")
        self._unknown_keys(profile, platform)
        self._required(profile, platform)
        self._host(profile, platform)
        encryption = self._encryption(profile, platform)
        port = self._port(profile, platform, encryption)
        self._security(profile, platform, encryption, port)
        self._verify(profile, platform, encryption)
        self._auth(profile, platform)
        self._sender(profile, platform)
        self._timeout(profile, platform)
        self._boolean(profile, platform, "debug")
        return profile

    def _profile_name(self, platform: MarkedMap) -> str:
        """The notifier's name, made a profile name (PROFILE_NAME_PATTERN), unique in the file."""
        name = platform.get("name")
        text = str(name) if isinstance(name, (str, int, float)) and not isinstance(name, bool) else DEFAULT_NAME
        base = re.sub(r"[^A-Za-z0-9._-]+", "_", text).lstrip("._-")[:64] or DEFAULT_NAME
        candidate, number = base, 1
        while candidate in self.names or not _PROFILE_NAME.match(candidate):
            number += 1
            suffix = f"-{number}"
            candidate = base[: 64 - len(suffix)] + suffix
        self.names.add(candidate)
        return candidate

    def _binding(self, platform: MarkedMap, key: str) -> Binding | None:
        if key not in platform:
            return None
        value = platform[key]
        shown = f"{value.tag} {value.value}" if isinstance(value, Tagged) else str(value)
        value_mark = platform.value_marks[key]
        return Binding(key, shown, platform.key_marks[key], value_mark, self._span(value_mark))

    def _span(self, start: Mark) -> Span:
        """Where the value starting at `start` is written: the loader's secret span there, else to
        the end of its line (what masking a tagged default needs)."""
        for span in self.document.secret_spans:
            if span.start == start:
                return span
        return Span(start, Mark(start.line, 10**6))

    def _unknown_keys(self, profile: ProfileBuilder, platform: MarkedMap) -> None:
        for key in platform:
            if key in KEYS:
                continue
            meant = LIKELY.get(key.lower()) or next(iter(difflib.get_close_matches(key.lower(), KEYS, n=1)), None)
            self.notes.append(
                note(
                    "MC602",
                    platform.key_marks[key],
                    f"`{key}` is not a key of Home Assistant's SMTP platform: it ignores it",
                    f"write `{meant}`" if meant else f"the keys are {', '.join(KEYS)}",
                    ("profiles", profile.name),
                )
            )

    def _required(self, profile: ProfileBuilder, platform: MarkedMap) -> None:
        if "recipient" not in platform:
            self._invalid(
                profile, platform.mark, "`recipient` is missing", "add recipient: with the address (or a list)"
            )
        for key in ("name", "server", "username", "password", "sender", "sender_name"):
            if key in platform and platform[key] is None:  # cv.string: "string value is None"
                self._invalid(
                    profile, platform.value_marks[key], f"`{key}` is empty (null)", f"give {key} a value, or remove it"
                )

    def _invalid(self, profile: ProfileBuilder, at: Mark, what: str, hint: str, keys: Keys = ()) -> None:
        """A value PLATFORM_SCHEMA refuses: the notifier is left out at start-up."""
        self.notes.append(
            note(
                "MC603",
                at,
                f"{what}: Home Assistant refuses this SMTP notifier at start-up "
                "(Invalid config for 'notify' from integration 'smtp') and sends nothing with it",
                hint,
                ("profiles", profile.name, *keys),
            )
        )

    def _host(self, profile: ProfileBuilder, platform: MarkedMap) -> None:
        binding = self._binding(platform, "server")
        value = platform.get("server")
        if binding is None:
            profile.set(("host",), DEFAULT_SERVER)  # const.py DEFAULT_HOST
        elif isinstance(value, Tagged):
            profile.defer(("host",), binding.value, binding)  # read when Home Assistant starts
        elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
            profile.set(("host",), str(value), binding)  # cv.string
        else:
            self._invalid(profile, binding.value_mark, "`server` is not text", "write the server's name", ("host",))
            profile.defer(("host",), binding.value, binding)

    def _encryption(self, profile: ProfileBuilder, platform: MarkedMap) -> str | None:
        """The mode as Home Assistant takes it; None when it is read at run time or refused."""
        binding = self._binding(platform, "encryption")
        if binding is None:
            return "starttls"  # const.py DEFAULT_ENCRYPTION
        value = platform["encryption"]
        if isinstance(value, Tagged):
            return None
        if isinstance(value, str) and value in ENCRYPTION:
            return value
        close = difflib.get_close_matches(str(value).lower(), ENCRYPTION, n=1, cutoff=0.5)
        if str(value).lower() in ("ssl", "implicit", "smtps"):
            close = ["tls"]
        self._invalid(
            profile,
            binding.value_mark,
            f"encryption `{binding.value}` is not one Home Assistant takes (tls, starttls or none, in lower case)",
            f"write encryption: {close[0]}" if close else "write encryption: starttls (port 587) or tls (port 465)",
            ("security",),
        )
        return None

    def _port(self, profile: ProfileBuilder, platform: MarkedMap, encryption: str | None) -> int | None:
        binding = self._binding(platform, "port")
        stand_in = 465 if encryption == "tls" else DEFAULT_PORT
        if binding is None:
            # 587 whatever the mode (const.py DEFAULT_PORT): pointed at `encryption` when written
            at = platform.value_marks.get("encryption", profile.mark)
            profile.set(("port",), DEFAULT_PORT, at=at)
            return DEFAULT_PORT
        value = platform["port"]
        if isinstance(value, Tagged):
            profile.defer(("port",), stand_in, binding)
            return None
        number = _port_number(value)
        if number is None:
            self._invalid(
                profile,
                binding.value_mark,
                f"port `{binding.value}` is not a port number",
                "write port: 587",
                ("port",),
            )
            profile.defer(("port",), stand_in, binding)
            return None
        profile.set(("port",), number, binding)
        return number

    def _security(self, profile: ProfileBuilder, platform: MarkedMap, encryption: str | None, port: int | None) -> None:
        binding = self._binding(platform, "encryption")
        if encryption is None:
            assert binding is not None
            # read at run time, or refused: a stand-in that fits the port, so no rule judges a guess
            profile.defer(("security",), "tls" if port == 465 else "starttls", binding)
            return
        # tls: SMTP_SSL; starttls: starttls() raises when not offered, so required; none: plaintext
        profile.set(("security",), ENCRYPTION[encryption], binding)

    def _verify(self, profile: ProfileBuilder, platform: MarkedMap, encryption: str | None) -> None:
        if encryption == "none":
            self._boolean(profile, platform, "verify_ssl")  # never used without TLS; only a bad value matters
            return
        binding = self._binding(platform, "verify_ssl")
        if binding is not None and isinstance(platform["verify_ssl"], Tagged):
            profile.defer(("tls", "verify"), True, binding)
            return
        verify = self._boolean(profile, platform, "verify_ssl")
        if verify is not None and binding is not None:
            profile.set(("tls", "verify"), verify, binding)

    def _boolean(self, profile: ProfileBuilder, platform: MarkedMap, key: str) -> bool | None:
        """cv.boolean; None when absent, tagged, or refused (MC603)."""
        binding = self._binding(platform, key)
        if binding is None or isinstance(platform[key], Tagged):
            return None
        value = platform[key]
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower().strip() in TRUE | FALSE:
            return value.lower().strip() in TRUE
        if isinstance(value, (int, float)):
            return value != 0
        self._invalid(profile, binding.value_mark, f"{key} `{binding.value}` is not a boolean", f"write {key}: true")
        return None

    def _auth(self, profile: ProfileBuilder, platform: MarkedMap) -> None:
        """Home Assistant logs in only when username and password are both non-empty."""
        user, password = self._binding(platform, "username"), self._binding(platform, "password")
        has_user = user is not None and _given(platform["username"])
        has_password = password is not None and _given(platform["password"])
        if password is not None:
            self._unquoted_number(profile, platform, password)
        if not has_user and not has_password:
            return
        if not (has_user and has_password):
            present = user if has_user else password
            assert present is not None
            missing = "password" if has_user else "username"
            self.notes.append(
                note(
                    "MC603",
                    present,
                    f"{present.key} is set without {missing}: Home Assistant logs in only with both, "
                    "so it sends without logging in",
                    f"set {missing} as well (password: !secret smtp_password), or remove {present.key}",
                    ("profiles", profile.name, "auth"),
                )
            )
            return
        assert user is not None and password is not None
        if isinstance(platform["username"], Tagged):
            profile.defer(("auth", "username"), user.value, user)
        else:
            profile.set(("auth", "username"), str(platform["username"]), user)
        self._password(profile, platform["password"], password)

    def _password(self, profile: ProfileBuilder, value: Any, binding: Binding) -> None:
        keys: Keys = ("auth", "password")
        if not isinstance(value, Tagged):
            profile.secret(keys, str(value), binding)  # written inline: masked, and MC303
            return
        name, _, default = value.value.strip().partition(" ")
        if value.tag == "!env_var":
            if default.strip():
                # `!env_var NAME default`: the default is a password written in the file
                self.masked.append(binding.span)
                profile.secret(keys, default.strip(), binding)
            elif _ENV_NAME.match(name):
                profile.secret(keys, {"env": name}, binding)  # the environment, as the probe reads it
            else:
                profile.defer(keys, {"env": "SMTP_PASSWORD"}, binding)
            return
        # `!secret NAME` (secrets.yaml), `!include FILE`: not written here, and not a place the
        # probe can read ({env} would look in the environment, {file} read the file's first line):
        # deferred, with a stand-in reference that names the secret where it can
        stand_in = name if value.tag == "!secret" and _ENV_NAME.match(name) else "SMTP_PASSWORD"
        profile.defer(keys, {"env": stand_in}, binding)

    def _unquoted_number(self, profile: ProfileBuilder, platform: MarkedMap, binding: Binding) -> None:
        value = platform["password"]
        if isinstance(value, (int, float)):  # bool is an int
            self.notes.append(
                note(
                    "MC602",
                    binding,
                    "the password is not quoted, so YAML reads it as a number or boolean: Home Assistant "
                    "logs in with that value's text, which may not be what is written (value not shown)",
                    'quote it (password: "..."), or better, write password: !secret smtp_password',
                    ("profiles", profile.name, "auth", "password"),
                )
            )

    def _sender(self, profile: ProfileBuilder, platform: MarkedMap) -> None:
        sender, name = self._binding(platform, "sender"), self._binding(platform, "sender_name")
        if sender is not None:
            if isinstance(platform["sender"], Tagged):
                profile.defer(("from", "address"), sender.value, sender)
            else:
                profile.set(("from", "address"), str(platform["sender"]), sender)
        if name is not None and sender is not None:
            if isinstance(platform["sender_name"], Tagged):
                profile.defer(("from", "name"), name.value, name)
            else:
                profile.set(("from", "name"), str(platform["sender_name"]), name)

    def _timeout(self, profile: ProfileBuilder, platform: MarkedMap) -> None:
        """cv.positive_int; a socket timeout in seconds (the profile's: the probe's bound)."""
        binding = self._binding(platform, "timeout")
        if binding is None or isinstance(platform["timeout"], Tagged):
            return
        number = _integer(platform["timeout"])
        if number is None or number < 0:
            self._invalid(
                profile, binding.value_mark, f"timeout `{binding.value}` is not a whole number of seconds",
                "write timeout: 5", ("timeout",),
            )  # fmt: skip
        elif 0 < number <= 300:
            profile.set(("timeout",), number, binding)

    # ---- across platforms

    def duplicates(self, found: list[tuple[MarkedMap, Mark]]) -> None:
        """notify/legacy.py: a second notifier whose service exists already registers none."""
        seen: dict[str, Mark] = {}
        for platform, mark in found:
            name = platform.get("name")
            service = _slugify(name if isinstance(name, str) and name else DEFAULT_NAME)
            at = platform.value_marks.get("name", mark)
            if service in seen:
                self.notes.append(
                    note(
                        "MC603",
                        at,
                        f"another SMTP notifier (line {seen[service].line}) is also the service notify.{service}: "
                        "Home Assistant registers it once, so one of the two never sends",
                        "give each SMTP notifier its own `name:`",
                    )
                )
            else:
                seen[service] = at


def _given(value: Any) -> bool:
    """Whether the value is non-empty once cv.string has made it text (`str(value)`: a number,
    even 0, is text); a tag's value counts, as it is read at start-up."""
    return isinstance(value, Tagged) or (value is not None and str(value) != "")


def _integer(value: Any) -> int | None:
    """vol.Coerce(int): an int, or text int() takes."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _port_number(value: Any) -> int | None:
    """cv.port: vol.Coerce(int) and a range of 1-65535."""
    number = _integer(value)
    return number if number is not None and 1 <= number <= 65535 else None


def _slugify(text: str) -> str:
    """Close to homeassistant.util.slugify for ASCII names: lower case, runs of other characters as `_`."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "unknown"

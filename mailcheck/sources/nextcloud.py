"""Nextcloud: the mail settings of config/config.php, as Nextcloud's Mailer reads and uses them.

config.php is PHP that Nextcloud `include`s; it is parsed here with tree-sitter-php (a real PHP
grammar that keeps positions), never run. Read are `$CONFIG = array(...)` / `[...]` at the top
level of the file (a later one replaces an earlier one, as in PHP) and `$CONFIG['key'] = VALUE`
after it. A value is a literal (a single- or double-quoted string, an integer, a float,
true/false/null, an array), `getenv('X')` (with `?: default`), read when Nextcloud starts, or
unknown; an assignment inside a block (`if`, a loop, a function) may not run, so its value is
unknown. What is read at run time is deferred, so the rules that need it stop quietly. PHP
comments (`//` and `#`) carry suppressions. Not read: the `*.config.php` files Nextcloud merges
after config.php, and the `NC_<key>` environment variables that override every key.

Sources, cited as [S] nextcloud/server, [Y] symfony/mailer at eb0c3187c7ddfde12d8aa0e1fa5fb29e730a41e0:
- [S] lib/private/Mail/Mailer.php @ 007be83a968e6aee649ff8de173163cb5ef93a86 (Symfony Mailer):
  getInstance: `switch (getSystemValueString('mail_smtpmode', 'smtp'))` has `case 'sendmail'`
  (getSendMailInstance) and `case 'smtp': default:` (getSmtpInstance): every other value, 'qmail'
  too (getSendMailInstance's own `case 'qmail'` is never reached), sends over SMTP.
  getSmtpInstance: "Only supports ssl/tls / starttls is not enforcable with Symfony Mailer but
  might be available via the automatic config (Symfony Mailer internal)"; `$mailSmtpsecure =
  (getSystemValue('mail_smtpsecure', null) === 'ssl') ? true : null` (exactly 'ssl'; 'tls' and
  anything else is null); host getSystemValueString('mail_smtphost', '127.0.0.1'), port
  getSystemValueInt('mail_smtpport', 25), timeout getSystemValueInt('mail_smtptimeout', 10);
  only `if (getSystemValueBool('mail_smtpauth', false))` are setUsername(mail_smtpname, '') and
  setPassword(mail_smtppassword, '') called; mail_smtpstreamoptions, when a non-empty array, is
  merged into the socket's stream options (array_merge_recursive). mail_smtpauthtype is no
  longer read (the SwiftMailer version @ 08919eb1 passed it to setAuthMode).
- [S] lib/private/AllConfig.php @ 9eb31668a0c80f4577b51599ff25527b69c15667: getSystemValueBool
  is `(bool)`, getSystemValueInt `(int)`, getSystemValueString `(string)` of the value: PHP's
  casts, so 'false' is true and '587' is 587.
- [S] lib/private/Config.php @ 547bc567d6f5fdbbbbda355f4e275e3396f61211: readData includes
  config.php, then every `*.config.php`, merging their `$CONFIG`; getValue returns an `NC_`
  environment variable first, and the default when the key is not set (`isset`: null too).
- [S] lib/public/Util.php @ 59fac23dc32ace903a7ab219030ccef7b15a978b, getDefaultEmailAddress:
  the sender is mail_from_address (else the feature's own user part, 'no-reply' in
  Mailer::send) `@` mail_domain (else the host name of the request); an address that fails
  validation becomes user@localhost.localdomain.
- [S] config/config.sample.php @ bf6082e119d1c2420286dbcdbbfda1b1e196d9a0: the mail keys and
  defaults (mode smtp, host 127.0.0.1, port 25, timeout 10, secure '', auth false).
- [Y] Transport/Smtp/EsmtpTransport.php L55-66: with `$tls` null, port 465 is implicit TLS, port
  0 is implicit TLS (465) unless the host is 'localhost' (then 25), any other port is not;
  L149-154: without TLS, STARTTLS is sent only when the server's EHLO lists it (opportunistic);
  L182-185: handleAuth returns without logging in when the user name is empty; L40-49: the
  authenticators CRAM-MD5, LOGIN, PLAIN, XOAUTH2, tried in turn.
- PHP's stream context `ssl` options: verify_peer and verify_peer_name default to true,
  allow_self_signed to false; each is read for its truth; cafile and peer_name.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mailcheck.loader import Document, LoadProblem, Mark, Span, UnreadableDocument
from mailcheck.secrets import is_secret_key
from mailcheck.sources.base import App, Binding, Keys, ProfileBuilder, adapted_document, note
from mailcheck.sources.treesitter import SourceText, refuse_syntax_errors, walk

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

APP = App(
    "nextcloud",
    "Nextcloud",
    hints={
        "MC201": "Nextcloud uses implicit TLS on every port with mail_smtpsecure = 'ssl': on port 587 set "
        "'mail_smtpsecure' => '' (STARTTLS), or 'mail_smtpport' => 465 with 'ssl'",
        "MC204": "use 'mail_smtpport' => 465 with 'mail_smtpsecure' => 'ssl'",
        "MC205": "use 'mail_smtpport' => 465 with 'mail_smtpsecure' => 'ssl'; if the network is trusted, "
        "suppress with `// mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove verify_peer / verify_peer_name / allow_self_signed from 'mail_smtpstreamoptions'; "
        "for a private CA set 'mail_smtpstreamoptions' => ['ssl' => ['cafile' => '/path/ca.pem']]",
        "MC208": "submit on 'mail_smtpport' => 465 with 'mail_smtpsecure' => 'ssl'",
        "MC211": "write the server's name in 'mail_smtphost', or set "
        "'mail_smtpstreamoptions' => ['ssl' => ['peer_name' => 'smtp.example.com']]",
        "MC214": "Nextcloud cannot require STARTTLS (Symfony Mailer uses it if offered): set "
        "'mail_smtpport' => 465 and 'mail_smtpsecure' => 'ssl'",
        "MC303": "read it when Nextcloud starts: 'mail_smtppassword' => getenv('SMTP_PASSWORD'), "
        "or set the NC_mail_smtppassword environment variable",
        "MC401": "set 'mail_from_address' and 'mail_domain' to the address Nextcloud sends from",
        "MC402": "set 'mail_from_address' and 'mail_domain'",
    },
)

PROFILE = "mail_smtp"
VARIABLE = "CONFIG"
# config.sample.php's mail section and what Mailer.php reads
KEYS = (
    "mail_domain",
    "mail_from_address",
    "mail_smtpdebug",
    "mail_smtpmode",
    "mail_smtphost",
    "mail_smtpport",
    "mail_smtptimeout",
    "mail_smtpsecure",
    "mail_smtpauth",
    "mail_smtpauthtype",
    "mail_smtpname",
    "mail_smtppassword",
    "mail_template_class",
    "mail_send_plaintext_only",
    "mail_smtpstreamoptions",
    "mail_sendmailmode",
)
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 25  # getSmtpInstance
DEFAULT_USER_PART = "no-reply"  # Mailer::send: getDefaultEmailAddress('no-reply')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "e": "\x1b", "f": "\f", "\\": "\\", "$": "$", '"': '"'}


# ----------------------------------------------------------------------------- the PHP file


@cache
def _parser() -> Any:
    """tree-sitter's PHP parser, imported only when a config.php is read."""
    import tree_sitter_php
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_php.language_php()))


@dataclass(frozen=True)
class _Value:
    """An expression as the linter can tell it."""

    kind: str  # "literal" | "env" | "unknown"
    literal: Any = None  # str, int, float, bool, None, or dict[str, _Value] for an array
    name: str = ""  # getenv's variable
    node: Node | None = None


@dataclass(frozen=True)
class _Setting:
    key: str
    binding: Binding
    value: _Value
    conditional: bool  # assigned inside a block that may not run

    @property
    def known(self) -> bool:
        return self.value.kind == "literal" and not self.conditional

    @property
    def label(self) -> str:
        return f"'{self.key}'"


@dataclass
class _File(SourceText):
    settings: dict[str, _Setting] = field(default_factory=dict)
    first: dict[str, Mark] = field(default_factory=dict)
    start: Mark | None = None  # where `$CONFIG = ...` is written
    secret_spans: list[tuple[Span, str]] = field(default_factory=list)
    comments: dict[int, str] = field(default_factory=dict)


def _parse(text: str) -> tuple[Tree, _File]:
    raw = text.encode("utf-8")
    tree = _parser().parse(raw)
    return tree, _File(raw, raw.split(b"\n"))


_FIX = "fix the syntax: Nextcloud cannot load config.php"


def _string(php: _File, node: Node) -> str | None:
    """A string literal's value; None for one with interpolation or of a form not read here."""
    if node.type == "string":  # '...': only \\ and \' are escapes (tree-sitter marks them)
        return "".join(
            php.source(c)[1:] if c.type == "escape_sequence" else php.source(c)
            for c in node.named_children
            if c.type in ("string_content", "escape_sequence")
        )
    if node.type != "encapsed_string":
        return None
    value = []
    for child in node.named_children:
        if child.type == "string_content":
            value.append(php.source(child))
        elif child.type == "escape_sequence":
            value.append(_escape(php.source(child)))
        else:  # "$variable" or "{$expr}": known only when PHP runs
            return None
    return "".join(value)


def _escape(sequence: str) -> str:
    """One escape of a double-quoted string, as PHP reads it; one PHP does not know stays as written."""
    body = sequence[1:]
    if body in _ESCAPES:
        return _ESCAPES[body]
    try:
        if body.startswith("u{") and body.endswith("}"):
            return chr(int(body[2:-1], 16))
        if body[:1] in ("x", "X") and len(body) > 1:
            return chr(int(body[1:], 16))
        if body[:1].isdigit():
            return chr(int(body, 8) & 0xFF)
    except ValueError:
        pass
    return sequence


def _integer(text: str) -> int | None:
    digits = text.replace("_", "").lower()
    try:
        if digits.startswith(("0x", "0b", "0o")):
            return int(digits, 0)
        if len(digits) > 1 and digits.startswith("0"):
            return int(digits[1:], 8)
        return int(digits)
    except ValueError:
        return None


def _evaluate(php: _File, node: Node) -> _Value:
    while node.type == "parenthesized_expression" and node.named_child_count == 1:
        node = node.named_children[0]
    kind = node.type
    if kind in ("string", "encapsed_string"):
        text = _string(php, node)
        return _Value("literal", text, node=node) if text is not None else _Value("unknown", node=node)
    if kind == "integer":
        number = _integer(php.source(node))
        return _Value("literal", number, node=node) if number is not None else _Value("unknown", node=node)
    if kind == "float":
        try:
            return _Value("literal", float(php.source(node).replace("_", "")), node=node)
        except ValueError:
            return _Value("unknown", node=node)
    if kind == "unary_op_expression" and node.child_count == 2 and node.children[0].type in ("-", "+"):
        inner = _evaluate(php, node.children[1])
        if inner.kind == "literal" and isinstance(inner.literal, (int, float)) and not isinstance(inner.literal, bool):
            return _Value("literal", -inner.literal if node.children[0].type == "-" else inner.literal, node=node)
    if kind == "boolean":
        return _Value("literal", php.source(node).lower() == "true", node=node)
    if kind == "null":
        return _Value("literal", None, node=node)
    if kind == "array_creation_expression":
        items: dict[str, _Value] = {}
        for element in node.named_children:
            pair = _pair(element)
            if pair is None:
                continue
            key = _key(php, pair[0])
            if key is not None:
                items[key] = _evaluate(php, pair[1])
        return _Value("literal", items, node=node)
    if kind == "function_call_expression":
        return _getenv(php, node)
    if kind == "conditional_expression" and _is_short_ternary(node):
        # `getenv('X') ?: 'default'`: the variable when it is set and not empty
        first = _evaluate(php, node.named_children[0])
        if first.kind == "env":
            return _Value("env", name=first.name, node=node)
    return _Value("unknown", node=node)


def _is_short_ternary(node: Node) -> bool:
    tokens = [c.type for c in node.children if not c.is_named]
    return tokens == ["?", ":"] and node.named_child_count == 2


def _getenv(php: _File, node: Node) -> _Value:
    function, arguments = node.child_by_field_name("function"), node.child_by_field_name("arguments")
    if function is None or arguments is None or php.source(function).lstrip("\\").lower() != "getenv":
        return _Value("unknown", node=node)
    args = [c for c in arguments.named_children if c.type == "argument"]
    if len(args) != 1 or args[0].named_child_count != 1:
        return _Value("unknown", node=node)
    name = _string(php, args[0].named_children[0])
    return _Value("env", name=name, node=node) if name else _Value("unknown", node=node)


def _pair(element: Node) -> tuple[Node, Node] | None:
    """`'key' => value` in an array: (the key's node, the value's node)."""
    if element.type != "array_element_initializer":
        return None
    named = [c for c in element.named_children if c.type != "comment"]
    if len(named) != 2 or not any(c.type == "=>" for c in element.children):
        return None
    return named[0], named[1]


def _key(php: _File, node: Node) -> str | None:
    """A string key (an integer key is an item of a list, not a setting)."""
    return _string(php, node) if node.type in ("string", "encapsed_string") else None


def _config_assignment(php: _File, node: Node) -> tuple[str, Node, Node | None] | None:
    """`$CONFIG = [...]` -> ("array", the array, None); `$CONFIG['k'] = v` -> ("key", v, the key)."""
    if node.type != "assignment_expression":
        return None
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return None
    if left.type == "variable_name" and php.source(left) == f"${VARIABLE}":
        return ("array", right, None) if right.type == "array_creation_expression" else None
    if left.type == "subscript_expression" and left.named_child_count == 2:
        target, index = left.named_children
        if target.type == "variable_name" and php.source(target) == f"${VARIABLE}":
            return "key", right, index
    return None


def _read(text: str) -> _File:
    tree, php = _parse(text)
    root = tree.root_node
    refuse_syntax_errors(php, root, "PHP", _FIX)
    for node in walk(root):
        if node.type == "comment":
            comment = php.source(node)
            if comment.startswith("//"):
                php.comments[node.start_point[0] + 1] = comment[1:]  # from the second "/": a marker
            elif comment.startswith("#"):
                php.comments[node.start_point[0] + 1] = comment
        elif node.type == "array_element_initializer":
            pair = _pair(node)
            if pair is not None:
                _mask(php, _key(php, pair[0]), pair[1])
        found = _config_assignment(php, node)
        if found is None:
            continue
        form, value, index = found
        statement = node.parent
        conditional = statement is None or statement.type != "expression_statement" or statement.parent != root
        if form == "array":
            if not conditional:
                php.settings.clear()  # a later `$CONFIG = [...]` replaces the array
                php.start = php.mark(node.start_point)
            for element in value.named_children:
                pair = _pair(element)
                key = _key(php, pair[0]) if pair is not None else None
                if pair is not None and key is not None:
                    _setting(php, key, pair[0], pair[1], conditional)
        elif index is not None:
            key = _key(php, index)
            if key is not None:
                _mask(php, key, value)
                _setting(php, key, index, value, conditional)
    return php


def _setting(php: _File, key: str, key_node: Node, value_node: Node, conditional: bool) -> None:
    value = _evaluate(php, value_node)
    shown = value.literal if value.kind == "literal" and not isinstance(value.literal, dict) else None
    written = str(shown) if shown is not None else php.source(value_node)
    binding = Binding(
        key, written, php.mark(key_node.start_point), php.mark(value_node.start_point), php.span(value_node)
    )
    php.settings[key] = _Setting(key, binding, value, conditional)
    php.first.setdefault(key, php.mark(key_node.start_point))


def _mask(php: _File, key: str | None, node: Node) -> None:
    """A value under a secret-looking key, anywhere in the file, is masked in every output."""
    if key is None or not is_secret_key(key) or node.type in ("null", "array_creation_expression"):
        return
    value = _evaluate(php, node)
    if value.kind == "env" or (value.kind == "literal" and value.literal in ("", None)):
        return
    php.secret_spans.append((php.span(node), value.literal if isinstance(value.literal, str) else ""))


# ----------------------------------------------------------------------------- the adapter


def recognises(text: str) -> bool:
    """Whether the file assigns `$CONFIG` an array with a mail_ key (a broken file too: its error is reported)."""
    try:
        tree, php = _parse(text)
    except (ValueError, RecursionError, MemoryError):
        return False
    for node in walk(tree.root_node):
        found = _config_assignment(php, node)
        if found is None or found[0] != "array":
            continue
        for element in found[1].named_children:
            pair = _pair(element)
            key = _key(php, pair[0]) if pair is not None else None
            if key is not None and key.startswith("mail_"):
                return True
    return False


def adapt(path: Path, text: str) -> Document:
    try:
        php = _read(text)
        reader = _Reader(php)
        profiles = reader.profiles()
    except RecursionError:
        raise UnreadableDocument(
            "the PHP is nested too deeply to read", "write the mail settings as plain literals"
        ) from None
    document = adapted_document(
        path,
        text,
        APP,
        profiles,
        notes=reader.notes,
        comments=php.comments,
        comment_markers="#/",
        masked=[span for span, _ in php.secret_spans],
    )
    document.secret_values.extend(value for _, value in php.secret_spans if value)
    return document


def _truth(value: Any) -> bool:
    """PHP's (bool) cast: false, 0, 0.0, '', '0', null and [] are false."""
    return value not in (False, None, 0, "", "0") and value != {}


def _as_string(value: Any) -> str:
    """PHP's (string) cast of a literal."""
    if value is True:
        return "1"
    if value is False or value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _as_int(value: Any) -> int | None:
    """PHP's (int) cast of a literal; None where it gives 0 for text that is no number."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in "+-" else text
        head = ""
        for char in digits:
            if not char.isascii() or not char.isdigit():
                break
            head += char
        if not head:
            return None
        return -int(head) if text.startswith("-") else int(head)
    return None


class _Reader:
    def __init__(self, php: _File) -> None:
        self.php = php
        self.settings = php.settings
        self.notes: list[LoadProblem] = []

    def profiles(self) -> list[ProfileBuilder]:
        self._unknown_keys()
        profile = self._smtp()
        return [profile] if profile is not None else []

    def _mark(self) -> Mark:
        marks = [self.php.first[k] for k in self.settings if k.startswith("mail_") and k in self.php.first]
        if marks:
            return min(marks, key=lambda m: (m.line, m.column))
        return self.php.start or Mark(1, 1)

    def _unknown_keys(self) -> None:
        for key, setting in self.settings.items():
            if key in KEYS or not key.lower().startswith("mail"):
                continue
            close = difflib.get_close_matches(key.lower(), KEYS, n=1, cutoff=0.85)
            if not close:
                continue
            self.notes.append(
                note(
                    "MC602",
                    setting.binding.key_mark,
                    f"Nextcloud has no setting {setting.label} (its keys are case-sensitive): it is ignored",
                    f"write '{close[0]}'",
                    ("profiles", PROFILE),
                )
            )

    def _smtp(self) -> ProfileBuilder | None:
        get = self.settings.get
        mode = get("mail_smtpmode")
        if mode is not None and mode.known:
            text = _as_string(mode.value.literal) if mode.value.literal is not None else "smtp"
            if text == "sendmail":
                return None  # getSendMailInstance: the local sendmail binary, no SMTP connection
            if text != "smtp":
                self.notes.append(
                    note(
                        "MC602",
                        mode.binding,
                        f"'mail_smtpmode' {text!r} is not a mode Nextcloud's Mailer switches on (only 'sendmail' "
                        "and 'smtp'): it sends over SMTP to mail_smtphost",
                        "write 'mail_smtpmode' => 'smtp' (or 'sendmail' for the local binary)",
                        ("profiles", PROFILE),
                    )
                )
        profile = ProfileBuilder(PROFILE, self._mark())
        profile.set(("protocol",), "smtp", at=profile.mark)
        host = self._host(profile, get("mail_smtphost"))
        port = self._port(profile, get("mail_smtpport"))
        self._security(profile, get("mail_smtpsecure"), get("mail_smtpport"), port, host)
        self._verify(profile, get("mail_smtpstreamoptions"))
        self._auth(profile)
        self._sender(profile)
        timeout = get("mail_smtptimeout")
        if timeout is not None and timeout.known:
            seconds = _as_int(timeout.value.literal)
            if seconds is not None and 0 < seconds <= 300:
                profile.set(("timeout",), seconds, timeout.binding)
        return profile

    def _host(self, profile: ProfileBuilder, setting: _Setting | None) -> str | None:
        if setting is None or (setting.known and setting.value.literal is None):
            profile.set(("host",), DEFAULT_HOST, setting.binding if setting else None)
            return DEFAULT_HOST
        if not setting.known:
            profile.defer(("host",), setting.binding.value, setting.binding)
            return None
        host = _as_string(setting.value.literal)
        if not host:
            self.notes.append(
                note(
                    "MC603",
                    setting.binding,
                    "'mail_smtphost' is empty: Nextcloud has no server to connect to",
                    "write 'mail_smtphost' => 'smtp.example.com', or leave it out for 127.0.0.1",
                    ("profiles", PROFILE, "host"),
                )
            )
            profile.defer(("host",), "''", setting.binding)
            return None
        profile.set(("host",), host, setting.binding)
        return host

    def _port(self, profile: ProfileBuilder, setting: _Setting | None) -> int | None:
        if setting is None or (setting.known and setting.value.literal is None):
            profile.set(("port",), DEFAULT_PORT, setting.binding if setting else None)
            return DEFAULT_PORT
        if not setting.known:
            profile.defer(("port",), DEFAULT_PORT, setting.binding)
            return None
        port = _as_int(setting.value.literal)
        if port is None or isinstance(setting.value.literal, dict):
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"'mail_smtpport' {setting.binding.value!r} is not a port number: PHP's (int) makes it 0, "
                    "and Symfony Mailer then picks 465 or 25 itself",
                    "write 'mail_smtpport' => 587 (or 465 with 'mail_smtpsecure' => 'ssl')",
                    ("profiles", PROFILE, "port"),
                )
            )
            profile.defer(("port",), DEFAULT_PORT, setting.binding)
            return None
        return port  # set by _security: port 0 is Symfony's to choose

    def _security(
        self,
        profile: ProfileBuilder,
        secure: _Setting | None,
        port_setting: _Setting | None,
        port: int | None,
        host: str | None,
    ) -> None:
        ssl: bool | None = False
        if secure is not None and not (secure.known and secure.value.literal is None):
            if not secure.known:
                ssl = None
            else:
                ssl = secure.value.literal == "ssl"  # `=== 'ssl'`: exactly this string
                if not ssl and secure.value.literal != "":
                    shown = secure.binding.value
                    self.notes.append(
                        note(
                            "MC602",
                            secure.binding,
                            f"'mail_smtpsecure' {shown!r} is not a value Nextcloud reads: only exactly 'ssl' (implicit "
                            "TLS) counts, anything else is treated as '' and Symfony Mailer uses STARTTLS only if "
                            "the server offers it",
                            "write 'mail_smtpsecure' => 'ssl' with port 465, or '' (Nextcloud cannot require STARTTLS)",
                            ("profiles", PROFILE, "security"),
                        )
                    )
        if ssl is None:
            assert secure is not None
            profile.defer(("security",), "tls" if port == 465 else "starttls", secure.binding)
        elif ssl:
            assert secure is not None
            profile.set(("security",), "tls", secure.binding)
        elif port == 465:
            # [Y] L56: port 465 with $tls null is implicit TLS
            profile.set(("security",), "tls", port_setting.binding if port_setting else None)
        elif port == 0:
            implicit = host != "localhost"  # [Y] L59-66
            at = port_setting.binding if port_setting else None
            profile.set(("security",), "tls" if implicit else "opportunistic", at)
            port = 465 if implicit else 25
        elif port is not None:
            # [Y] L149: STARTTLS only when the server lists it
            profile.set(("security",), "opportunistic", secure.binding if secure is not None else None)
        elif port_setting is not None:
            profile.defer(("security",), "starttls", port_setting.binding)
        if port is not None and ("port",) not in profile.deferred:
            profile.set(("port",), port, port_setting.binding if port_setting else None)

    def _verify(self, profile: ProfileBuilder, setting: _Setting | None) -> None:
        if setting is None or setting.value.kind != "literal" or setting.value.literal is None:
            if setting is not None and not setting.known and setting.value.kind != "literal":
                profile.defer(("tls", "verify"), True, setting.binding)
            return
        options = setting.value.literal
        ssl = options.get("ssl") if isinstance(options, dict) else None
        if ssl is None or ssl.kind != "literal" or not isinstance(ssl.literal, dict):
            return
        off: _Value | None = None
        for name, default in (("verify_peer", True), ("verify_peer_name", True), ("allow_self_signed", False)):
            option = ssl.literal.get(name)
            if option is None:
                continue
            if option.kind != "literal" or setting.conditional:
                profile.defer(("tls", "verify"), True, self._at(setting, option))
                return
            if _truth(option.literal) != default and off is None:
                off = option
        if off is not None:
            profile.set(("tls", "verify"), False, self._at(setting, off))
        for name, keys in (("cafile", ("tls", "ca_file")), ("peer_name", ("tls", "server_name"))):
            option = ssl.literal.get(name)
            if option is not None and option.kind == "literal" and isinstance(option.literal, str) and option.literal:
                profile.set(keys, option.literal, self._at(setting, option))

    def _at(self, setting: _Setting, value: _Value) -> Binding:
        """The binding of a value inside an array setting (an option of mail_smtpstreamoptions)."""
        if value.node is None:
            return setting.binding
        span = self.php.span(value.node)
        return setting.binding._replace(value=self.php.source(value.node), value_mark=span.start, span=span)

    def _auth(self, profile: ProfileBuilder) -> None:
        get = self.settings.get
        auth, name, password = get("mail_smtpauth"), get("mail_smtpname"), get("mail_smtppassword")
        on: bool | None = False
        if auth is not None:
            on = _truth(auth.value.literal) if auth.known else None
            if auth.known and isinstance(auth.value.literal, str) and on:
                literal = auth.value.literal
                if literal.strip().lower() in ("false", "no", "off", "none"):
                    self.notes.append(
                        note(
                            "MC602",
                            auth.binding,
                            f"'mail_smtpauth' is the string {literal!r}: PHP's (bool) takes every string but '' and "
                            "'0' as true, so Nextcloud logs in",
                            "write 'mail_smtpauth' => false without quotes",
                            ("profiles", PROFILE, "auth"),
                        )
                    )
        has_name = name is not None and not (name.known and _as_string(name.value.literal) == "")
        has_password = password is not None and not (password.known and _as_string(password.value.literal) == "")
        if on is False:
            if auth is not None and (has_name or has_password):
                self.notes.append(
                    note(
                        "MC603",
                        auth.binding,
                        "'mail_smtpname' / 'mail_smtppassword' are set but 'mail_smtpauth' is false: Nextcloud "
                        "sends without a login",
                        "write 'mail_smtpauth' => true, or remove the login",
                        ("profiles", PROFILE, "auth"),
                    )
                )
            return
        if not has_name:
            if on and auth is not None:
                # [Y] L184: handleAuth returns when the user name is empty
                self.notes.append(
                    note(
                        "MC603",
                        auth.binding,
                        "'mail_smtpauth' is true but 'mail_smtpname' is empty: Symfony Mailer does not log in "
                        "without a user name, so Nextcloud sends without a login",
                        "set 'mail_smtpname' to the SMTP user name",
                        ("profiles", PROFILE, "auth"),
                    )
                )
            return
        assert name is not None
        if name.known:
            profile.set(("auth", "username"), _as_string(name.value.literal), name.binding)
        else:
            profile.defer(("auth", "username"), name.binding.value, name.binding)
        if on is None:
            profile.deferred.add(("auth", "username"))  # whether Nextcloud logs in is known only at run time
        if has_password:
            assert password is not None
            self._secret(profile, password)

    def _secret(self, profile: ProfileBuilder, setting: _Setting) -> None:
        keys: Keys = ("auth", "password")
        value = setting.value
        if value.kind == "env" and not setting.conditional and value.name.isascii() and value.name.isidentifier():
            profile.secret(keys, {"env": value.name}, setting.binding)  # a reference, not a secret
        elif setting.known and isinstance(value.literal, (str, int, float)) and not isinstance(value.literal, bool):
            profile.secret(keys, _as_string(value.literal), setting.binding)  # masked, and MC303
        else:
            profile.defer(keys, {"env": "NC_mail_smtppassword"}, setting.binding)

    def _sender(self, profile: ProfileBuilder) -> None:
        user, domain = self.settings.get("mail_from_address"), self.settings.get("mail_domain")
        user_known = user is None or user.known
        domain_known = domain is None or domain.known
        user_part = _as_string(user.value.literal) if user is not None and user.known else DEFAULT_USER_PART
        if user is not None and user.known and user.value.literal is None:
            user_part = DEFAULT_USER_PART
        domain_part = _as_string(domain.value.literal) if domain is not None and domain.known else ""
        at = user if user is not None else domain
        if not user_known or not domain_known:
            unknown = user if not user_known else domain
            assert unknown is not None
            profile.defer(("from", "address"), f"{user_part}@{domain_part or 'localhost'}", unknown.binding)
            return
        if not domain_part:
            # the host name of the request: known only when Nextcloud runs
            profile.set(("from", "address"), f"{user_part}@localhost", at.binding if at else None)
            profile.deferred.add(("from", "address"))
            return
        profile.set(("from", "address"), f"{user_part}@{domain_part}", at.binding if at else None)

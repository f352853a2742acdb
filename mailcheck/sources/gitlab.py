"""GitLab (Omnibus): the mail settings of /etc/gitlab/gitlab.rb, as Omnibus renders and GitLab uses them.

gitlab.rb is Ruby, evaluated by `gitlab-ctl reconfigure`. It is parsed here with tree-sitter-ruby
(a real Ruby grammar that keeps positions), never evaluated: only assignments
`gitlab_rails['KEY'] = VALUE` with a string key are read. A value is a literal (string,
integer, true/false/nil, symbol), a reference read when reconfigure runs (`ENV['X']`,
`ENV.fetch('X')`, `File.read('/path')` with `.strip`/`.chomp`), or unknown; an assignment
inside a block (`if`, `unless`, a loop) may not run, so its value is unknown. What is read at
run time is deferred, so the rules that need it stop quietly. Ruby comments (`#`) carry
suppressions. Settings keyed by a symbol (`gitlab_rails[:smtp_port]`) are not read.

Sources, cited as [O] gitlabhq/omnibus-gitlab (GitHub mirror of gitlab-org/omnibus-gitlab) at
440b1f835eb205885d22933ac074cc11c1148609, [M] mikel/mail at d645d7b5b7d03218b0bc8971ef041c991a63f5f7
(2.9.x), [N] ruby/net-smtp at a0075eb8a74910bd05566f0a208589263bce7597 (0.5.1), [R] tpitale/mail_room
lib/mail_room/imap/connection.rb at c87c46b62454f697293268d5a8a73b96fb5db092, [G] gitlabhq/gitlabhq
lib/gitlab/mail_room.rb at 061cf40c7e7a0166fb177e4e3e9db778a3a54dfa:
- [O] files/gitlab-cookbooks/gitlab/attributes/default.rb L711-728: smtp_enable false, every other
  smtp_* nil (smtp_pool false, smtp_ca_file the embedded cacert.pem, smtp_open_timeout 30,
  smtp_read_timeout 60); L141-177 the incoming_email_* and service_desk_email_* keys, enabled false.
- [O] files/gitlab-cookbooks/gitlab/templates/default/smtp_settings.rb.erb L8-16: ActionMailer's
  smtp_settings get `authentication` when set, `user_name`/`password` (when nil, from the encrypted
  SMTP secrets), and address, port, domain, enable_starttls_auto, tls, ssl, openssl_verify_mode,
  ca_path, ca_file, open_timeout, read_timeout only when not nil. recipes/gitlab-rails.rb L437:
  the file is deleted unless smtp_enable (GitLab then sends with sendmail).
- [O] files/gitlab-cookbooks/gitlab/libraries/smtp_helper.rb L8-45: smtp_authentication is
  downcased; "", false and none become nil, login/plain/cram_md5 are kept, anything else makes
  reconfigure fail; smtp_tls with smtp_enable_starttls_auto makes reconfigure fail ("mutually
  exclusive"), both only when smtp_enable (commit 30be4382, GitLab issue 409835: since GitLab
  15.10.4 the mail gem raises at send time, since 16.0 reconfigure refuses it).
- [O] libraries/gitlab_rails.rb L163: gitlab_email_from defaults to gitlab@ the external_url's host.
- [M] lib/mail/network/delivery_methods/smtp.rb: DEFAULTS L87-101 (localhost, port 25);
  smtp_tls? L149-151 is `tls || ssl` by truth; smtp_starttls L125-147: with neither starttls flag
  given it is :auto, with enable_starttls_auto given it is :auto when truthy and off when not;
  L157-160 raises ArgumentError for tls with a starttls flag; L186-197: a String verify mode is
  `OpenSSL::SSL.const_get("VERIFY_" + mode.upcase)`.
- [N] lib/net/smtp.rb L678-686: :auto sends STARTTLS only when the server offers it
  (opportunistic); L687 and L863: it logs in whenever a user is given, with PLAIN when no
  authentication is set, so smtp_authentication false does not stop the login.
- OpenSSL's SSL_CTX_set_verify: VERIFY_CLIENT_ONCE and VERIFY_FAIL_IF_NO_PEER_CERT are ignored by
  a client, and without VERIFY_PEER the server's certificate is not verified.
- [G] L24-34: mail_room defaults port 143, ssl false, start_tls false; L78-80: a mailbox is
  used only when enabled and its address is not empty. [R] L79-87: Net::IMAP with `ssl:` (implicit
  TLS), then STARTTLS when start_tls (required: net-imap raises on a refusal), then LOGIN with
  the `_email` user and password.
- Ruby: every value but false and nil is true, the string "false" too.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from mailcheck.loader import Document, LoadProblem, Mark, Span, UnreadableDocument
from mailcheck.secrets import is_secret_key
from mailcheck.sources import ruby_mail
from mailcheck.sources.base import App, Binding, Keys, ProfileBuilder, adapted_document, note
from mailcheck.sources.treesitter import SourceText, refuse_syntax_errors, walk

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

_STARTTLS_FIX = "set smtp_enable_starttls_auto = false with smtp_tls = true on port 465"
APP = App(
    "gitlab",
    "GitLab (Omnibus)",
    hints={
        "MC201": "GitLab uses implicit TLS only with smtp_tls = true: on port 465 set gitlab_rails['smtp_tls'] = true "
        "and gitlab_rails['smtp_enable_starttls_auto'] = false; for STARTTLS use gitlab_rails['smtp_port'] = 587",
        "MC204": "use gitlab_rails['smtp_port'] = 587 with smtp_enable_starttls_auto = true, "
        "or port 465 with smtp_tls = true",
        "MC205": "set gitlab_rails['smtp_tls'] = true on port 465 (or for IMAP, incoming_email_ssl = true); if the "
        "network is trusted, suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC206": "remove smtp_openssl_verify_mode (or set it to 'peer'); for a private CA set "
        "gitlab_rails['smtp_ca_file']",
        "MC208": "submit on gitlab_rails['smtp_port'] = 587 with STARTTLS, or 465 with smtp_tls = true",
        "MC214": "GitLab cannot require STARTTLS (smtp_enable_starttls_auto is net-smtp's :auto, used if offered): "
        + _STARTTLS_FIX,
        "MC303": "read it when reconfigure runs: gitlab_rails['smtp_password'] = ENV.fetch('SMTP_PASSWORD'), "
        "or keep it in the encrypted SMTP secrets (gitlab-rake gitlab:smtp:secret:edit)",
        "MC401": "set gitlab_rails['gitlab_email_from'] to the address GitLab sends from",
        "MC402": "set gitlab_rails['gitlab_email_from']",
    },
)

OBJECT = "gitlab_rails"
SMTP = "smtp"
MAILBOXES = ("incoming_email", "service_desk_email")
# [O] attributes/default.rb L711-728 and smtp_settings.rb.erb L13 (smtp_ssl is read there too)
SMTP_KEYS = (
    "smtp_enable",
    "smtp_address",
    "smtp_port",
    "smtp_user_name",
    "smtp_password",
    "smtp_domain",
    "smtp_authentication",
    "smtp_enable_starttls_auto",
    "smtp_tls",
    "smtp_ssl",
    "smtp_openssl_verify_mode",
    "smtp_ca_path",
    "smtp_ca_file",
    "smtp_pool",
    "smtp_open_timeout",
    "smtp_read_timeout",
)
# [O] attributes/default.rb L141-177, without the prefix (service_desk_email_inbox_inbox_options
# is how default.rb L175 spells it; the template writes service_desk_email_inbox_options)
MAILBOX_KEYS = (
    "enabled",
    "address",
    "host",
    "port",
    "ssl",
    "start_tls",
    "email",
    "password",
    "mailbox_name",
    "idle_timeout",
    "log_file",
    "delete_after_delivery",
    "expunge_deleted",
    "inbox_method",
    "inbox_options",
    "inbox_inbox_options",
    "delivery_method",
    "auth_token",
)
MAILBOX_CONNECTION = ("host", "port", "ssl", "start_tls", "email", "password")
SMTP_CONNECTION = tuple(k for k in SMTP_KEYS if k not in ("smtp_enable", "smtp_pool"))
MECHANISMS = {"login": "login", "plain": "plain", "cram_md5": "cram-md5"}  # smtp_helper.rb L13
NO_AUTHENTICATION = ("", "false", "none")  # smtp_helper.rb L8, L26
VERIFY_MODES = ("none", "peer", "client_once", "fail_if_no_peer_cert")  # the template's list
DEFAULT_SMTP_HOST, DEFAULT_SMTP_PORT = "localhost", 25  # [M] DEFAULTS
DEFAULT_IMAP_PORT = 143  # [G] DEFAULT_CONFIG
DEFAULT_FROM = "gitlab@localhost"  # doc/settings/smtp.md L37: "the default 'From: gitlab@localhost'"
_TRIMS = ("strip", "chomp", "rstrip", "lstrip", "chop")
_SIMPLE_ESCAPES = {
    "n": "\n",
    "t": "\t",
    "s": " ",
    "r": "\r",
    "e": "\x1b",
    "a": "\a",
    "b": "\b",
    "f": "\f",
    "v": "\v",
    "0": "\0",
}


# ----------------------------------------------------------------------------- the Ruby file


@cache
def _parser() -> Any:
    """tree-sitter's Ruby parser, imported only when a gitlab.rb is read."""
    import tree_sitter_ruby
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_ruby.language()))


@dataclass(frozen=True)
class _Value:
    """An expression as the linter can tell it."""

    kind: str  # "literal" | "env" | "file" | "unknown"
    literal: Any = None
    symbol: bool = False  # written as :name
    name: str = ""  # the variable (env) or the path (file)
    default: _Value | None = None  # ENV.fetch's default
    node: Node | None = None  # for a default: where it is written


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
        return f"{OBJECT}['{self.key}']"


@dataclass
class _File(SourceText):
    settings: dict[str, _Setting] = field(default_factory=dict)  # gitlab_rails, the last assignment of each
    first: dict[str, Mark] = field(default_factory=dict)
    secret_spans: list[tuple[Span, str]] = field(default_factory=list)  # every secret-looking key's value
    comments: dict[int, str] = field(default_factory=dict)
    external_url: _Value | None = None


def _parse(text: str, origin: tuple[int, int, int] = (1, 1, 1)) -> tuple[Tree, _File]:
    raw = text.encode("utf-8")
    tree = _parser().parse(raw)
    return tree, _File(raw, raw.split(b"\n"), origin=origin)


_SYNTAX_FIX = "fix the syntax: gitlab-ctl reconfigure cannot load gitlab.rb"


def _string(ruby: _File, node: Node) -> str | None:
    """A string literal's value; None for one with interpolation or of a form not read here."""
    if node.type == "chained_string":
        parts = [_string(ruby, child) for child in node.named_children]
        return None if any(part is None for part in parts) else "".join(p for p in parts if p is not None)
    if node.type != "string":
        return None
    written = ruby.source(node)
    single = written.startswith(("'", "%q"))
    value = []
    for child in node.named_children:
        if child.type == "string_content":
            content = ruby.source(child)
            value.append(_single_quoted(content) if single else content)
        elif child.type == "escape_sequence":
            value.append(_escape(ruby.source(child)))
        else:  # interpolation: known only when reconfigure runs
            return None
    return "".join(value)


def _single_quoted(content: str) -> str:
    """In '...' only `\\\\` and `\\'` are escapes."""
    out, i = [], 0
    while i < len(content):
        if content[i] == "\\" and i + 1 < len(content) and content[i + 1] in "\\'":
            out.append(content[i + 1])
            i += 2
        else:
            out.append(content[i])
            i += 1
    return "".join(out)


def _escape(sequence: str) -> str:
    """One escape of a double-quoted string, as Ruby reads it."""
    body = sequence[1:]
    if not body:
        return ""
    if body in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[body]
    try:
        if body.startswith("u{"):
            return "".join(chr(int(code, 16)) for code in body[2:-1].split())
        if body.startswith("u"):
            return chr(int(body[1:], 16))
        if body.startswith("x"):
            return chr(int(body[1:], 16))
        if body.isdigit():
            return chr(int(body, 8))
    except ValueError:
        return sequence
    return body  # \" \\ \# and any other character stand for themselves


def _integer(text: str) -> int | None:
    digits = text.replace("_", "").lower()
    try:
        if digits.startswith(("0x", "0b", "0o")):
            return int(digits, 0)
        if len(digits) > 1 and digits.startswith("0"):
            return int(digits.removeprefix("0d") if digits.startswith("0d") else digits[1:], 10 if "d" in digits else 8)
        return int(digits)
    except ValueError:
        return None


def _evaluate(ruby: _File, node: Node) -> _Value:
    while node.type == "parenthesized_statements" and node.named_child_count == 1:
        node = node.named_children[0]  # (value) is the value
    kind = node.type
    if kind in ("string", "chained_string"):
        text = _string(ruby, node)
        return _Value("literal", text, node=node) if text is not None else _Value("unknown", node=node)
    if kind == "integer":
        number = _integer(ruby.source(node))
        return _Value("literal", number, node=node) if number is not None else _Value("unknown", node=node)
    if kind == "unary" and node.child_count == 2 and node.children[1].type == "integer":
        number = _integer(ruby.source(node.children[1]))
        if number is not None:
            return _Value("literal", -number if node.children[0].type == "-" else number, node=node)
    if kind in ("true", "false", "nil"):
        return _Value("literal", {"true": True, "false": False, "nil": None}[kind], node=node)
    if kind == "simple_symbol":
        return _Value("literal", ruby.source(node)[1:], symbol=True, node=node)
    if kind == "element_reference" and _is_env(ruby, node.child_by_field_name("object")):
        arguments = list(node.named_children[1:])
        name = _string(ruby, arguments[0]) if len(arguments) == 1 else None
        return _Value("env", name=name, node=node) if name else _Value("unknown", node=node)
    if kind == "call":
        return _call(ruby, node)
    return _Value("unknown", node=node)


def _is_env(ruby: _File, node: Node | None) -> bool:
    return node is not None and node.type == "constant" and ruby.source(node) == "ENV"


def _call(ruby: _File, node: Node) -> _Value:
    """`ENV.fetch('X')`, `ENV.fetch('X', default)`, `File.read('/path')` with `.strip` and the like."""
    receiver, method = node.child_by_field_name("receiver"), node.child_by_field_name("method")
    arguments = node.child_by_field_name("arguments")
    args = [c for c in arguments.named_children if c.type != "comment"] if arguments is not None else []
    name = ruby.source(method) if method is not None else ""
    if name in _TRIMS and not args and receiver is not None and receiver.type == "call":
        inner = _call(ruby, receiver)
        return inner if inner.kind == "file" else _Value("unknown", node=node)
    if receiver is None or not args or node.child_by_field_name("block") is not None:
        return _Value("unknown", node=node)
    first = _string(ruby, args[0])
    if first is None:
        return _Value("unknown", node=node)
    if _is_env(ruby, receiver) and name == "fetch" and len(args) <= 2:
        default = _evaluate(ruby, args[1]) if len(args) == 2 else None
        return _Value("env", name=first, default=default, node=node)
    if receiver.type == "constant" and ruby.source(receiver) in ("File", "IO") and name == "read" and len(args) == 1:
        return _Value("file", name=first, node=node)
    return _Value("unknown", node=node)


def _key(ruby: _File, left: Node) -> tuple[str, str, Node] | None:
    """`gitlab_rails['smtp_port']` -> ("gitlab_rails", "smtp_port", the key's node)."""
    if left.type != "element_reference":
        return None
    target = left.child_by_field_name("object")
    keys = left.named_children[1:]
    if target is None or target.type not in ("identifier", "constant") or len(keys) != 1:
        return None
    key = _string(ruby, keys[0])
    return (ruby.source(target), key, keys[0]) if key is not None else None


def _read(text: str, origin: tuple[int, int, int] = (1, 1, 1)) -> _File:
    tree, ruby = _parse(text, origin)
    root = tree.root_node
    refuse_syntax_errors(ruby, root, "Ruby", _SYNTAX_FIX)
    for node in walk(root):
        if node.type == "comment":
            comment = ruby.source(node)
            if comment.startswith("#"):  # not an =begin/=end block
                ruby.comments[node.start_point[0] + 1] = comment
        elif node.type in ("assignment", "operator_assignment"):
            _assignment(ruby, node)
        elif node.type == "pair":
            _pair(ruby, node)
        elif node.type == "call":
            _external_url(ruby, node)
    return ruby


def _assignment(ruby: _File, node: Node) -> None:
    left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
    if left is None or right is None:
        return
    found = _key(ruby, left)
    if found is None:
        return
    target, key, key_node = found
    value = _evaluate(ruby, right)
    if is_secret_key(key) and value.kind != "env" and not (value.kind == "literal" and value.literal is None):
        ruby.secret_spans.append((ruby.span(right), value.literal if isinstance(value.literal, str) else ""))
    default = value.default
    if value.kind == "env" and default is not None and default.node is not None and is_secret_key(key):
        ruby.secret_spans.append((ruby.span(default.node), default.literal if isinstance(default.literal, str) else ""))
    if target != OBJECT:
        return
    conditional = node.type == "operator_assignment" or node.parent is None or node.parent.type != "program"
    shown = value.literal if value.kind == "literal" else ruby.source(right)
    binding = Binding(key, str(shown), ruby.mark(key_node.start_point), ruby.mark(right.start_point), ruby.span(right))
    ruby.settings[key] = _Setting(key, binding, value, conditional)
    ruby.first.setdefault(key, ruby.mark(left.start_point))


def _pair(ruby: _File, node: Node) -> None:
    """`'client_secret' => '...'` or `client_secret: '...'` in a hash (inbox_options): masked."""
    key_node, value_node = node.child_by_field_name("key"), node.child_by_field_name("value")
    if key_node is None or value_node is None:
        return
    key = _string(ruby, key_node) if key_node.type == "string" else ruby.source(key_node).strip(":")
    if key and is_secret_key(key) and value_node.type != "nil":
        value = _evaluate(ruby, value_node)
        if value.kind != "env":
            ruby.secret_spans.append((ruby.span(value_node), value.literal if isinstance(value.literal, str) else ""))


def _external_url(ruby: _File, node: Node) -> None:
    """`external_url 'https://gitlab.example.com'` at the top level."""
    if node.parent is None or node.parent.type != "program":
        return
    if node.type == "call" and node.child_by_field_name("receiver") is None:
        method, arguments = node.child_by_field_name("method"), node.child_by_field_name("arguments")
        if method is not None and ruby.source(method) == "external_url" and arguments is not None:
            args = arguments.named_children
            ruby.external_url = _evaluate(ruby, args[0]) if len(args) == 1 else _Value("unknown")


# ----------------------------------------------------------------------------- the adapter


def recognises(text: str) -> bool:
    """Whether the file assigns a gitlab_rails mail setting (a broken file too: its error is reported)."""
    try:
        tree, ruby = _parse(text)
    except (ValueError, RecursionError, MemoryError):
        return False
    for node in walk(tree.root_node):
        if node.type != "assignment" or (left := node.child_by_field_name("left")) is None:
            continue
        found = _key(ruby, left)
        if found and found[0] == OBJECT and _is_mail_key(found[1]):
            return True
    return False


def _is_mail_key(key: str) -> bool:
    return key.startswith(("smtp_", "gitlab_email_")) or any(key.startswith(f"{box}_") for box in MAILBOXES)


def adapt(path: Path, text: str) -> Document:
    try:
        ruby = _read(text)
        reader = _Reader(ruby)
        profiles = reader.profiles()
    except RecursionError:  # a value nested thousands deep (`.strip.strip...`): no gitlab.rb is
        raise UnreadableDocument(
            "the Ruby is nested too deeply to read", "write the mail settings as plain literals"
        ) from None
    masked = [span for span, _ in ruby.secret_spans]
    document = adapted_document(
        path,
        text,
        APP,
        profiles,
        notes=reader.notes,
        comments=ruby.comments,
        comment_markers="#",
        masked=masked,
    )
    document.secret_values.extend(value for _, value in ruby.secret_spans if value)
    return document


class _Reader:
    def __init__(self, ruby: _File) -> None:
        self.ruby = ruby
        self.settings = ruby.settings
        self.notes: list[LoadProblem] = []

    def profiles(self) -> list[ProfileBuilder]:
        self._unknown_keys()
        built = [profile for profile in [self._smtp()] if profile is not None]
        for box in MAILBOXES:
            profile = self._mailbox(box)
            if profile is not None:
                built.append(profile)
        return built

    # ---- shared

    def _unknown_keys(self) -> None:
        for key, setting in self.settings.items():
            prefix = next((box for box in MAILBOXES if key.startswith(f"{box}_")), None)
            if prefix is not None:
                known = tuple(f"{prefix}_{k}" for k in MAILBOX_KEYS)
                profile = prefix
            elif key.startswith("smtp_"):
                known, profile = SMTP_KEYS, SMTP
            else:
                continue
            if key in known:
                continue
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.7)
            self.notes.append(
                note(
                    "MC602",
                    setting.binding.key_mark,
                    f"GitLab has no setting {setting.label}: reconfigure ignores it",
                    f"write gitlab_rails['{close[0]}']" if close else f"the settings are {', '.join(known)}",
                    ("profiles", profile),
                )
            )

    def _truth(self, profile: ProfileBuilder, setting: _Setting | None) -> bool | None:
        """A switch as Ruby tests it: every value but false and nil is true (None: not known)."""
        if setting is None:
            return False
        value = setting.value
        if value.kind == "env" and not setting.conditional:
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} reads the string in {value.name}: Ruby takes any string as true, "
                    f"so {value.name}=false in the environment turns it on",
                    f"compare it: ENV['{value.name}'] == 'true'",
                    ("profiles", profile.name),
                )
            )
            return None
        if not setting.known:
            return None
        literal = value.literal
        if isinstance(literal, str) and not value.symbol:
            meant = "true" if literal.strip().lower() in ("true", "1", "yes", "on") else "false"
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} is the string {literal!r}: Ruby takes every string as true",
                    f"write {setting.label} = {meant} without quotes",
                    ("profiles", profile.name),
                )
            )
        return literal is not None and literal is not False

    def _mark(self, keys: tuple[str, ...]) -> Mark:
        return min((self.ruby.first[k] for k in keys if k in self.ruby.first), key=lambda m: (m.line, m.column))

    def _text(self, profile: ProfileBuilder, keys: Keys, setting: _Setting | None, default: str | None) -> None:
        """A text value: as written, deferred when read at run time, else GitLab's default."""
        if setting is None or (setting.known and setting.value.literal is None):
            if default is not None:
                profile.set(keys, default, setting.binding if setting else None)
        elif setting.known:
            profile.set(keys, setting.value.literal, setting.binding)
        else:
            profile.defer(keys, setting.binding.value, setting.binding)

    def _port(self, profile: ProfileBuilder, setting: _Setting | None, default: int, stand_in: int) -> None:
        if setting is None or (setting.known and setting.value.literal is None):
            profile.set(("port",), default, setting.binding if setting else None)
            return
        literal = setting.value.literal
        if setting.known and isinstance(literal, str) and literal.strip().isascii() and literal.strip().isdigit():
            literal = int(literal.strip())  # a socket takes "587" too
        if setting.known and isinstance(literal, int) and not isinstance(literal, bool):
            profile.set(("port",), literal, setting.binding)
            return
        if setting.known:
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} is {literal!r}, not a port number: GitLab cannot connect",
                    f"write {setting.label} = 587 (or 465 with implicit TLS)",
                    ("profiles", profile.name, "port"),
                )
            )
        profile.defer(("port",), stand_in, setting.binding)

    def _secret(self, profile: ProfileBuilder, setting: _Setting) -> None:
        keys: Keys = ("auth", "password")
        value = setting.value
        if setting.conditional:
            profile.defer(keys, {"env": setting.key}, setting.binding)
        elif value.kind == "env" and value.default is not None and value.default.kind == "literal":
            default = value.default
            if isinstance(default.literal, str) and default.literal and default.node is not None:
                # ENV.fetch('X', 'secret'): the default is a password written in the file (MC303)
                span = self.ruby.span(default.node)
                binding = setting.binding._replace(value=default.literal, value_mark=span.start, span=span)
                profile.secret(keys, default.literal, binding)
            else:
                profile.secret(keys, {"env": value.name}, setting.binding)
        elif value.kind == "env" and value.name.isascii() and value.name.isidentifier():
            profile.secret(keys, {"env": value.name}, setting.binding)  # a reference, not a secret
        elif value.kind == "file" and value.name:
            profile.secret(keys, {"file": value.name}, setting.binding)
        elif value.kind == "literal" and isinstance(value.literal, (str, int)) and not isinstance(value.literal, bool):
            profile.secret(keys, str(value.literal), setting.binding)  # masked, and MC303
        else:
            # computed when reconfigure runs: no secret written here, nor a reference mailcheck resolves
            profile.defer(keys, {"env": setting.key}, setting.binding)

    # ---- outgoing mail: smtp_*

    def _smtp(self) -> ProfileBuilder | None:
        get = self.settings.get
        written = [key for key in SMTP_KEYS if key in self.settings]
        enable = get("smtp_enable")
        if not written or (enable is None and not any(k in self.settings for k in SMTP_CONNECTION)):
            return None
        profile = ProfileBuilder(SMTP, self._mark(tuple(written)))
        enabled = self._truth(profile, enable)
        if enable is None:
            # recipes/gitlab-rails.rb L437: without smtp_enable GitLab sends with sendmail
            self.notes.append(
                note(
                    "MC603",
                    profile.mark,
                    "smtp_* settings are written but gitlab_rails['smtp_enable'] is not: GitLab ignores them "
                    "and sends with sendmail",
                    "add gitlab_rails['smtp_enable'] = true",
                    ("profiles", SMTP),
                )
            )
        profile.set(("protocol",), "smtp")
        self._text(profile, ("host",), get("smtp_address"), DEFAULT_SMTP_HOST)
        security = self._smtp_security(profile, checked=enabled is not False)
        self._port(profile, get("smtp_port"), DEFAULT_SMTP_PORT, 465 if security == "tls" else 587)
        self._smtp_verify(profile)
        ca_file = get("smtp_ca_file")
        if ca_file is not None and ca_file.known and isinstance(ca_file.value.literal, str) and ca_file.value.literal:
            profile.set(("tls", "ca_file"), ca_file.value.literal, ca_file.binding)
        self._smtp_auth(profile)
        self._sender(profile)
        return profile

    def _smtp_security(self, profile: ProfileBuilder, *, checked: bool) -> str:
        """The mode the mail gem connects with ([M] L125-182), and a stand-in when it is not known."""
        get = self.settings.get
        tls_written = [s for s in (get("smtp_tls"), get("smtp_ssl")) if s is not None]
        truths = [self._truth(profile, s) for s in tls_written]
        implicit = True if True in truths else (None if None in truths else False)
        on = next((s for s, t in zip(tls_written, truths, strict=True) if t), None)
        auto_setting = get("smtp_enable_starttls_auto")
        given = auto_setting is not None and not _nil(auto_setting)  # nil is left out (smtp_settings.rb.erb L15)
        auto = self._truth(profile, auto_setting) if given else None
        port = get("smtp_port")
        stand_in = "tls" if port is not None and port.known and port.value.literal in (465, "465") else "starttls"
        if implicit and ruby_mail.security(True, None, auto) is None and on is not None and auto_setting is not None:
            second = max(on, auto_setting, key=lambda s: (s.binding.key_mark.line, s.binding.key_mark.column))
            when = (
                "gitlab-ctl reconfigure refuses it (mutually exclusive)"
                if checked
                else "gitlab-ctl reconfigure refuses it once smtp_enable is true"
            )
            self.notes.append(
                note(
                    "MC601",
                    second.binding,
                    f"{on.label} and {auto_setting.label} are both true: {when}, and the mail gem raises "
                    "ArgumentError when GitLab sends",
                    "keep one: smtp_tls = true with smtp_enable_starttls_auto = false for port 465, "
                    "or smtp_tls = false with port 587",
                    ("profiles", SMTP, "security"),
                )
            )
            profile.defer(("security",), stand_in, second.binding)
            return stand_in
        if implicit:
            assert on is not None
            profile.set(("security",), "tls", on.binding)  # [M] L163-165
            return "tls"
        if implicit is None or (given and auto is None):
            unknown = (
                next(s for s, t in zip(tls_written, truths, strict=True) if t is None)
                if implicit is None
                else auto_setting
            )
            assert unknown is not None
            profile.defer(("security",), stand_in, unknown.binding)
            return stand_in
        # neither flag given is :auto ([M] L144), STARTTLS only when the server offers it ([N] L678)
        mode = ruby_mail.security(False, None, bool(auto) if given else None)
        assert mode is not None  # no TLS: never refused
        profile.set(("security",), mode, auto_setting.binding if auto_setting else None)
        return mode

    def _smtp_verify(self, profile: ProfileBuilder) -> None:
        setting = self.settings.get("smtp_openssl_verify_mode")
        if setting is None or (setting.known and setting.value.literal is None):
            return
        if not setting.known:
            profile.defer(("tls", "verify"), True, setting.binding)
            return
        literal, symbol = setting.value.literal, setting.value.symbol
        if isinstance(literal, int) and not isinstance(literal, bool):
            profile.set(("tls", "verify"), bool(literal & 1), setting.binding)  # OpenSSL's VERIFY_PEER bit
            return
        mode = literal.lower() if isinstance(literal, str) and not symbol else None
        if mode not in VERIFY_MODES:
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} {setting.binding.value!r} is not an OpenSSL verify mode the mail gem reads: "
                    "it fails when GitLab sends",
                    "write gitlab_rails['smtp_openssl_verify_mode'] = 'peer' (a string), or leave it out",
                    ("profiles", SMTP, "tls", "verify"),
                )
            )
            return
        if mode in ("client_once", "fail_if_no_peer_cert"):
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"smtp_openssl_verify_mode '{literal}' is a flag for servers: a client ignores it, and "
                    "without 'peer' GitLab does not verify the server's certificate",
                    "write gitlab_rails['smtp_openssl_verify_mode'] = 'peer', or leave it out",
                    ("profiles", SMTP, "tls", "verify"),
                )
            )
        profile.set(("tls", "verify"), mode == "peer", setting.binding)

    def _smtp_auth(self, profile: ProfileBuilder) -> None:
        get = self.settings.get
        user, password, mechanism = get("smtp_user_name"), get("smtp_password"), get("smtp_authentication")
        self._mechanism(profile, mechanism, user)
        has_user = user is not None and not (user.known and user.value.literal is None)
        has_password = password is not None and not (password.known and password.value.literal is None)
        if not has_user and not has_password:
            return  # no login written; the encrypted SMTP secrets may hold one (smtp_settings.rb.erb L11-12)
        if has_user:
            assert user is not None
            self._text(profile, ("auth", "username"), user, None)
        else:
            assert password is not None
            # smtp_settings.rb.erb L11: the user name then comes from the encrypted SMTP secrets
            profile.defer(("auth", "username"), "secrets.username", password.binding)
        if has_password:
            assert password is not None
            self._secret(profile, password)

    def _mechanism(self, profile: ProfileBuilder, setting: _Setting | None, user: _Setting | None) -> None:
        if setting is None or not setting.known or setting.value.literal is None:
            return
        literal = setting.value.literal
        text = ("false" if literal is False else "true" if literal is True else str(literal)).lower()
        if text in MECHANISMS:
            profile.set(("auth", "mechanism"), MECHANISMS[text], setting.binding)
        elif text in NO_AUTHENTICATION:
            if user is not None and not (user.known and user.value.literal is None):
                # [N] L687, L863: a user means a login, with PLAIN when no mechanism is set
                self.notes.append(
                    note(
                        "MC602",
                        setting.binding,
                        f"{setting.label} = {setting.binding.value} does not turn the login off: net-smtp logs in "
                        "whenever smtp_user_name is set, with PLAIN",
                        "remove smtp_user_name and smtp_password to send without a login, or write "
                        "gitlab_rails['smtp_authentication'] = 'login' (or 'plain')",
                        ("profiles", SMTP, "auth"),
                    )
                )
                profile.set(("auth", "mechanism"), "plain", setting.binding)
        else:
            close = difflib.get_close_matches(text, MECHANISMS, n=1, cutoff=0.5)
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} {setting.binding.value!r} is not a mechanism GitLab knows: "
                    "gitlab-ctl reconfigure fails on it (an unrecognized value)",
                    (f"write '{close[0]}'" if close else "write 'login' or 'plain'")
                    + " (GitLab takes login, plain or cram_md5, or false / 'none' for no login)",
                    ("profiles", SMTP, "auth"),
                )
            )

    def _sender(self, profile: ProfileBuilder) -> None:
        sender, name = self.settings.get("gitlab_email_from"), self.settings.get("gitlab_email_display_name")
        if sender is not None and not (sender.known and sender.value.literal is None):
            if sender.known:
                profile.set(("from", "address"), sender.value.literal, sender.binding)
            else:
                profile.defer(("from", "address"), DEFAULT_FROM, sender.binding)
        else:
            url = self.ruby.external_url
            if url is None:
                profile.set(("from", "address"), DEFAULT_FROM)
            else:
                host = (
                    urlsplit(url.literal).hostname if url.kind == "literal" and isinstance(url.literal, str) else None
                )
                if host:
                    profile.set(("from", "address"), f"gitlab@{host}")  # gitlab_rails.rb L163
                else:
                    # read at run time, or a placeholder the installer replaces (GENERATED_EXTERNAL_URL)
                    profile.set(("from", "address"), DEFAULT_FROM)
                    profile.deferred.add(("from", "address"))
        if name is not None and name.known and isinstance(name.value.literal, str) and name.value.literal:
            profile.set(("from", "name"), name.value.literal, name.binding)

    # ---- incoming mail: incoming_email_*, service_desk_email_*

    def _mailbox(self, box: str) -> ProfileBuilder | None:
        def get(key: str) -> _Setting | None:
            return self.settings.get(f"{box}_{key}")

        written = [f"{box}_{key}" for key in MAILBOX_KEYS if f"{box}_{key}" in self.settings]
        enabled = get("enabled")
        connection = any(get(key) is not None for key in MAILBOX_CONNECTION)
        if not written or not connection:
            return None
        method = get("inbox_method")
        if method is not None and method.known and method.value.literal not in (None, "imap"):
            return None  # Microsoft Graph, not IMAP
        profile = ProfileBuilder(box, self._mark(tuple(written)))
        self._truth(profile, enabled)
        profile.set(("protocol",), "imap")
        host = get("host")
        if host is None or (host.known and not host.value.literal):
            self.notes.append(
                note(
                    "MC603",
                    profile.mark,
                    f"{OBJECT}['{box}_host'] is not set: mail_room has no IMAP server to read {box} from",
                    f"set gitlab_rails['{box}_host'] = 'imap.example.com'",
                    ("profiles", box),
                )
            )
            return None
        self._text(profile, ("host",), host, None)
        security = self._mailbox_security(profile, box, get("ssl"), get("start_tls"), get("port"))
        self._port(profile, get("port"), DEFAULT_IMAP_PORT, 993 if security == "tls" else 143)
        user, password = get("email"), get("password")
        if user is not None and not (user.known and user.value.literal is None):
            self._text(profile, ("auth", "username"), user, None)
            if password is not None and not (password.known and password.value.literal is None):
                self._secret(profile, password)
        elif password is not None and not (password.known and password.value.literal is None):
            # [G] L95-97: the user may come from the encrypted secrets
            profile.defer(("auth", "username"), "secrets.user", password.binding)
            self._secret(profile, password)
        return profile

    def _mailbox_security(
        self,
        profile: ProfileBuilder,
        box: str,
        ssl_setting: _Setting | None,
        tls_setting: _Setting | None,
        port: _Setting | None,
    ) -> str:
        ssl, start_tls = self._truth(profile, ssl_setting), self._truth(profile, tls_setting)
        port_993 = port is not None and port.known and port.value.literal in (993, "993")
        if ssl and start_tls and ssl_setting is not None and tls_setting is not None:
            second = max(ssl_setting, tls_setting, key=lambda s: (s.binding.key_mark.line, s.binding.key_mark.column))
            self.notes.append(
                note(
                    "MC601",
                    second.binding,
                    f"{ssl_setting.label} and {tls_setting.label} are both true: mail_room connects with TLS and "
                    "then sends STARTTLS inside it, which the server refuses, so no mail is read",
                    f"keep one: {box}_ssl = true for port 993, or {box}_start_tls = true for port 143",
                    ("profiles", box, "security"),
                )
            )
            mode = "tls" if port_993 else "starttls"
            profile.defer(("security",), mode, second.binding)
            return mode
        if ssl is None or start_tls is None:
            unknown = ssl_setting if ssl is None else tls_setting
            assert unknown is not None
            mode = "tls" if port_993 else "starttls"
            profile.defer(("security",), mode, unknown.binding)
            return mode
        if ssl:
            assert ssl_setting is not None
            profile.set(("security",), "tls", ssl_setting.binding)
            return "tls"
        if start_tls:
            assert tls_setting is not None
            profile.set(("security",), "starttls", tls_setting.binding)  # net-imap raises on a refusal
            return "starttls"
        written = ssl_setting or tls_setting
        profile.set(("security",), "none", written.binding if written else None)
        return "none"


def _nil(setting: _Setting) -> bool:
    return setting.known and setting.value.literal is None


# ----------------------------------------------------------------------------- GITLAB_OMNIBUS_CONFIG

# [O] docker/assets/gitlab.rb (@ 177259c7): the image sets external_url from the container's hostname,
# then `eval ENV["GITLAB_OMNIBUS_CONFIG"].to_s`, then `from_file("/etc/gitlab/gitlab.rb")`: the
# variable holds gitlab.rb lines, and the gitlab.rb in the config volume is read after it
ENVIRONMENT_VARIABLE = ENVIRONMENT_PREFIX = "GITLAB_OMNIBUS_CONFIG"
ENVIRONMENT_APP = App(
    "gitlab",
    "GitLab (Omnibus)",
    hints={
        **APP.hints,
        "MC303": "read it when reconfigure runs: gitlab_rails['smtp_password'] = File.read('/run/secrets/"
        "smtp_password').strip with a Compose or Kubernetes secret mounted there, or ENV.fetch('SMTP_PASSWORD') "
        "with that variable set from a secret store; keep it out of the committed GITLAB_OMNIBUS_CONFIG",
    },
)


def _environment_profiles(
    variables: dict[str, Binding], name: str
) -> tuple[dict[str, ProfileBuilder], list[LoadProblem]]:
    """The profiles GITLAB_OMNIBUS_CONFIG's Ruby configures, keyed smtp / incoming_email /
    service_desk_email, named after the group, and marked where the Ruby is written: the value
    mark is its first character (sources/environment.py moves it there), a literal block's
    further lines are at that column, a quoted value's (.env) at column 1."""
    binding = variables.get(ENVIRONMENT_VARIABLE)
    if binding is None or not binding.value.strip():
        return {}, []
    start = binding.value_mark
    block = binding.span.start.line < start.line  # a `|` block: the span starts at the indicator
    ruby = _read(binding.value, (start.line, start.column, start.column if block else 1))
    reader = _Reader(ruby)
    try:
        built = reader.profiles()
    except RecursionError:
        raise UnreadableDocument(
            "the Ruby in GITLAB_OMNIBUS_CONFIG is nested too deeply to read", "write the mail settings as literals"
        ) from None
    group = name.removesuffix(f"-{ENVIRONMENT_APP.name}").removesuffix("smtp")  # "" or "NAME."
    names = {SMTP: name, **{box: f"{group}{box}" for box in MAILBOXES}}
    if "gitlab_email_from" not in ruby.settings and ruby.external_url is None:
        # the image's external_url is the container's hostname, so is the sender's domain
        for profile in built:
            profile.deferred.add(("from", "address"))
    profiles = {}
    for profile in built:
        key = profile.name
        profile.name = names[key]
        profile.secrets.extend((span, value) for span, value in ruby.secret_spans)  # masked, wherever shown
        profiles[key] = profile
    notes = [
        replace(problem, path=("profiles", names[problem.path[1]], *problem.path[2:]))
        if len(problem.path) > 1 and problem.path[1] in names
        else problem
        for problem in reader.notes
    ]
    return profiles, notes


def _own(notes: list[LoadProblem], profile: ProfileBuilder) -> list[LoadProblem]:
    return [problem for problem in notes if len(problem.path) > 1 and problem.path[1] == profile.name]


def from_environment(
    variables: dict[str, Binding], mark: Mark, name: str
) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
    """The smtp profile GITLAB_OMNIBUS_CONFIG configures, read as gitlab.rb is."""
    profiles, notes = _environment_profiles(variables, name)
    profile = profiles.get(SMTP)
    if profile is None:
        return None, []
    built = {p.name for p in profiles.values()}
    # and what is said of a mailbox that makes no profile (no host): this profile carries it
    orphans = [problem for problem in notes if len(problem.path) < 2 or problem.path[1] not in built]
    return profile, _own(notes, profile) + orphans


class _MailboxVariables:
    """incoming_email_* or service_desk_email_* in GITLAB_OMNIBUS_CONFIG: a profile of its own."""

    ENVIRONMENT_PREFIX = ENVIRONMENT_PREFIX
    ENVIRONMENT_APP = ENVIRONMENT_APP

    def __init__(self, box: str) -> None:
        self.box = box

    def from_environment(
        self, variables: dict[str, Binding], mark: Mark, name: str
    ) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
        profiles, notes = _environment_profiles(variables, name)
        profile = profiles.get(self.box)
        return (profile, _own(notes, profile)) if profile is not None else (None, [])


MAILBOX_ENVIRONMENTS = tuple(_MailboxVariables(box) for box in MAILBOXES)

"""Django's mail settings (settings.py), read with Python's own parser and mapped as Django uses them.

The file is parsed with `ast`, never evaluated: only module-level assignments are read (also
those inside a module-level `if`/`try`/`with`, whose value then depends on a condition and
is treated as unknown). A value is a literal, a reference to the environment, a simple name
bound to one of those earlier in the module, or unknown; what is read at run time (the
environment, anything computed) is deferred, so the rules that need it stop quietly.

Django's behaviour, from its source at django/django@54495840a6a8b09ec40c793495e6541a3c0d3d5b
(the 6.2 alpha main; Django 6.1.3 has the same line numbers), cited as [H]:
- defaults, django/conf/global_settings.py: EMAIL_BACKEND "django.core.mail.backends.smtp.EmailBackend"
  (L199), EMAIL_HOST "localhost" (L203), EMAIL_PORT 25 (L207), EMAIL_HOST_USER and
  EMAIL_HOST_PASSWORD "" (L214-215), EMAIL_USE_TLS and EMAIL_USE_SSL False (L216-217),
  EMAIL_TIMEOUT None (L220), DEFAULT_FROM_EMAIL "webmaster@localhost" (L235);
- django/core/mail/backends/smtp.py: the old path takes `port or settings.EMAIL_PORT` (L55), so it
  stays on 25 with TLS on; EMAIL_USE_TLS and EMAIL_USE_SSL both true raise ValueError
  "EMAIL_USE_TLS/EMAIL_USE_SSL are mutually exclusive" when the backend is built (L69-73);
  EMAIL_USE_SSL connects with smtplib.SMTP_SSL, implicit TLS (L101-103); EMAIL_USE_TLS calls
  starttls(), which smtplib refuses with SMTPNotSupportedError when the server does not offer
  it, so the upgrade is required, not opportunistic (L143-144); it logs in only when the user
  and the password are both non-empty (L145-146), and otherwise sends without logging in;
- values are not coerced: the Settings class copies them as written (django/conf/__init__.py
  L261-272) and the backend tests the switches for truth (smtp.py L60-61, L69, L143), so the
  string "False" turns a switch on; a port written as a numeric string works (socket accepts it),
  a non-numeric one fails at connect time ("Servname not supported");
- only the smtp backend uses the host, port and TLS settings (console, filebased, locmem and
  dummy send nothing over the network, django/core/mail/backends/);
- Django 6.1 added MAILERS, a dict of aliases to {"BACKEND", "OPTIONS"} (docs/ref/settings.txt
  L2154-2228); a missing BACKEND means smtp (django/core/mail/handler.py L7-8, L71). On that path
  OPTIONS must define "host" (smtp.py L85-86), use_ssl with use_tls raises InvalidMailer (L87-92),
  and a missing port is 465 with use_ssl, 587 with use_tls, else 25 (L93-99). The EMAIL_* settings
  are deprecated in 6.1, and defining one together with MAILERS raises ImproperlyConfigured
  (django/conf/__init__.py L42-54, L63-70). DEFAULT_FROM_EMAIL is not deprecated.
- environment: `os.environ[...]`, `os.environ.get`, `os.getenv` give a string or the default;
  django-environ's `env("X")` and `env.str` a string, `env.bool`/`env.int` the type
  (joke2k/django-environ@df301b607f287df049b4efeda14717fcdbe123b1, environ/environ.py L198-237).
"""

from __future__ import annotations

import ast
import io
import tokenize
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import Any

from mailcheck.loader import Document, LoadProblem, Mark, Span, UnreadableDocument
from mailcheck.sources.base import App, Binding, Keys, ProfileBuilder, adapted_document, note

APP = App(
    "django",
    "Django",
    hints={
        "MC201": "set EMAIL_USE_SSL = True for port 465, or EMAIL_USE_TLS = True with EMAIL_PORT = 587 "
        '(in MAILERS, OPTIONS "use_ssl" or "use_tls" and "port")',
        "MC203": "Django connects to EMAIL_PORT as written: use 587 with EMAIL_USE_TLS = True "
        "or 465 with EMAIL_USE_SSL = True, unless the provider documents this port",
        "MC204": "set EMAIL_USE_TLS = True and EMAIL_PORT = 587 (Django logs in over plaintext otherwise)",
        "MC205": "set EMAIL_USE_TLS = True and EMAIL_PORT = 587; if the network is trusted, "
        "suppress with `# mailcheck: disable-line MC205 -- reason`",
        "MC208": "set EMAIL_PORT = 587: Django stays on port 25 even with EMAIL_USE_TLS = True "
        '(in MAILERS, leave "port" out: use_tls makes it 587)',
        "MC209": "set EMAIL_HOST to the server's name alone: no scheme, no port (that is EMAIL_PORT)",
        "MC303": 'read it from the environment: EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"] '
        '(in MAILERS: "password": os.environ["..."]); if the file was ever committed with it, rotate it',
        "MC401": 'set DEFAULT_FROM_EMAIL to an address the server lets you send from: "App <app@example.com>"',
        "MC402": 'set DEFAULT_FROM_EMAIL = "App <app@example.com>", an address the server lets this login send as',
    },
)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# django/conf/__init__.py L42-54: what MAILERS replaces (not DEFAULT_FROM_EMAIL, SERVER_EMAIL,
# EMAIL_SUBJECT_PREFIX, EMAIL_USE_LOCALTIME)
DEPRECATED = (
    "EMAIL_BACKEND",
    "EMAIL_FILE_PATH",
    "EMAIL_HOST",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_HOST_USER",
    "EMAIL_PORT",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
    "EMAIL_SSL_CERTFILE",
    "EMAIL_SSL_KEYFILE",
    "EMAIL_TIMEOUT",
)
# the old settings by the MAILERS option each stands for
OLD_NAMES = {
    "host": "EMAIL_HOST",
    "port": "EMAIL_PORT",
    "username": "EMAIL_HOST_USER",
    "password": "EMAIL_HOST_PASSWORD",
    "use_tls": "EMAIL_USE_TLS",
    "use_ssl": "EMAIL_USE_SSL",
    "timeout": "EMAIL_TIMEOUT",
}
# what makes a file configure a connection at all (EMAIL_SUBJECT_PREFIX alone does not)
CONNECTION = (
    "EMAIL_BACKEND",
    "EMAIL_HOST",
    "EMAIL_PORT",
    "EMAIL_HOST_USER",
    "EMAIL_HOST_PASSWORD",
    "EMAIL_USE_TLS",
    "EMAIL_USE_SSL",
)
_NOT_SET = object()  # an environment lookup without a default
_UNKNOWN = object()  # a default that is not a literal


@dataclass(frozen=True)
class _Value:
    """An expression as the linter can tell it: a literal, the environment, or unknown."""

    node: ast.expr  # where it is written (for a resolved name, the literal it was bound to)
    kind: str  # "literal" | "env" | "unknown"
    literal: Any = None
    env: str = ""  # the variable's name, for "env"
    default: Any = _NOT_SET  # for "env": the literal default, _NOT_SET or _UNKNOWN
    default_node: ast.expr | None = None
    typed: bool = False  # for "env": converted (env.bool, env.int), not the string it reads


@dataclass(frozen=True)
class _Setting:
    """One setting as written: `EMAIL_PORT = 587`, or `"port": 587` in MAILERS OPTIONS."""

    label: str  # as messages name it: EMAIL_PORT, MAILERS["bulk"]["OPTIONS"]["port"]
    binding: Binding
    value: _Value
    conditional: bool = False  # assigned inside a module-level if/try/with: maybe, maybe not

    @property
    def known(self) -> bool:
        return self.value.kind == "literal" and not self.conditional


@dataclass
class _Module:
    lines: list[str]
    settings: dict[str, _Setting] = field(default_factory=dict)  # the last assignment of each name
    first: dict[str, Mark] = field(default_factory=dict)  # where each name is first assigned
    scope: dict[str, _Value] = field(default_factory=dict)  # module-level names, for `EMAIL_HOST = HOST`
    env_objects: set[str] = field(default_factory=set)  # names bound to django-environ's Env(...)


def recognises(text: str) -> bool:
    """Whether the module assigns an EMAIL_* setting or MAILERS at module level."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(_is_mail_name(name) for stmt, _ in _statements(tree.body, False) for name, _ in _targets(stmt))


def adapt(path: Path, text: str) -> Document:
    try:
        tree = ast.parse(text, filename=str(path))
    except SyntaxError as err:
        line, column = err.lineno or 1, err.offset or 1  # SyntaxError's offset is 1-based already
        message = (err.msg or "invalid syntax").splitlines()[0]
        raise UnreadableDocument(
            f"not valid Python: {message}", "fix the syntax: Django cannot import these settings", Mark(line, column)
        ) from None
    except (ValueError, RecursionError, MemoryError) as err:
        raise UnreadableDocument(
            f"not valid Python: {str(err).splitlines()[0] if str(err) else type(err).__name__}",
            "fix the file: Django cannot import these settings",
        ) from None
    module = _read_module(text, tree)
    reader = _Reader(module)
    profiles = reader.profiles()
    document = adapted_document(
        path,
        text,
        APP,
        profiles,
        notes=reader.notes,
        comments=_comments(text),
        comment_markers="#",
        masked=[span for span, _ in reader.masked],
    )
    # passwords no profile uses (a console backend, a user missing) are masked all the same
    document.secret_values.extend(value for _, value in reader.masked if value)
    return document


# ----------------------------------------------------------------------------- reading the module


def _is_mail_name(name: str) -> bool:
    return name.startswith("EMAIL_") or name == "MAILERS"


def _statements(body: list[ast.stmt], conditional: bool) -> list[tuple[ast.stmt, bool]]:
    """Module-level statements in order, with those inside a block marked conditional."""
    found: list[tuple[ast.stmt, bool]] = []
    for stmt in body:
        blocks = [getattr(stmt, name, None) for name in ("body", "orelse", "finalbody")]
        blocks += [handler.body for handler in getattr(stmt, "handlers", ())]
        if isinstance(stmt, (ast.If, ast.Try, ast.With, ast.For, ast.While)) or type(stmt).__name__ == "TryStar":
            for block in blocks:
                if isinstance(block, list):
                    found += _statements(block, True)
        else:
            found.append((stmt, conditional))
    return found


def _targets(stmt: ast.stmt) -> list[tuple[str, ast.expr | None]]:
    """The names a statement binds, each with the expression it gets (None: cannot tell)."""
    if isinstance(stmt, ast.Assign):
        pairs: list[tuple[str, ast.expr | None]] = []
        for target in stmt.targets:
            pairs += _unpack(target, stmt.value)
        return pairs
    if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name) and stmt.value is not None:
        return [(stmt.target.id, stmt.value)]
    if isinstance(stmt, ast.AugAssign) and isinstance(stmt.target, ast.Name):
        return [(stmt.target.id, None)]
    return []


def _unpack(target: ast.expr, value: ast.expr | None) -> list[tuple[str, ast.expr | None]]:
    if isinstance(target, ast.Name):
        return [(target.id, value)]
    if isinstance(target, (ast.Tuple, ast.List)):
        values = (
            value.elts if isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts) else None
        )
        return [pair for i, elt in enumerate(target.elts) for pair in _unpack(elt, values[i] if values else None)]
    return []


def _target_node(stmt: ast.stmt, name: str) -> ast.AST:
    for node in ast.walk(stmt):
        if isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store):
            return node
    return stmt


def _read_module(text: str, tree: ast.Module) -> _Module:
    module = _Module(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    for stmt, conditional in _statements(tree.body, False):
        for name, expr in _targets(stmt):
            target = _target_node(stmt, name)
            value = _evaluate(expr, module) if expr is not None else _Value(_expr_of(target), "unknown")
            if expr is not None and _is_env_object(expr):
                module.env_objects.add(name)
            module.scope[name] = value if not conditional else _Value(value.node, "unknown", value.literal)
            if name.isupper():
                module.settings[name] = _Setting(name, _binding(module, name, target, value), value, conditional)
                module.first.setdefault(name, _mark(module.lines, target))
    return module


def _expr_of(node: ast.AST) -> ast.expr:
    return node if isinstance(node, ast.expr) else ast.Constant(None, lineno=1, col_offset=0)


def _is_env_object(expr: ast.expr) -> bool:
    """`environ.Env(...)` or `Env(...)`: django-environ's reader."""
    if not isinstance(expr, ast.Call):
        return False
    func = expr.func
    return (isinstance(func, ast.Attribute) and func.attr == "Env") or (isinstance(func, ast.Name) and func.id == "Env")


def _evaluate(expr: ast.expr, module: _Module) -> _Value:
    if isinstance(expr, ast.Constant) and isinstance(expr.value, (str, int, float, bool, type(None))):
        return _Value(expr, "literal", expr.value)
    if isinstance(expr, ast.Name):
        return module.scope.get(expr.id, _Value(expr, "unknown"))
    if isinstance(expr, ast.Subscript) and _is_os_environ(expr.value):
        name = _constant_str(expr.slice)
        return _Value(expr, "env", env=name) if name else _Value(expr, "unknown")
    if isinstance(expr, ast.Call):
        return _env_call(expr, module)
    return _Value(expr, "unknown")


def _is_os_environ(expr: ast.expr) -> bool:
    """`os.environ` or `environ` (from os import environ)."""
    return (isinstance(expr, ast.Attribute) and expr.attr == "environ" and _is_name(expr.value, "os")) or _is_name(
        expr, "environ"
    )


def _is_name(expr: ast.expr, name: str) -> bool:
    return isinstance(expr, ast.Name) and expr.id == name


def _constant_str(expr: ast.expr | None) -> str:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else ""


def _env_call(call: ast.Call, module: _Module) -> _Value:
    """`os.environ.get("X", d)`, `os.getenv("X", d)`, `env("X", default=d)`, `env.str("X", d)`,
    `env.bool(...)`, `env.int(...)`."""
    func = call.func
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    positional_default = True
    typed = False
    if (
        (isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value))
        or (isinstance(func, ast.Attribute) and func.attr == "getenv" and _is_name(func.value, "os"))
        or _is_name(func, "getenv")
    ):
        pass
    elif isinstance(func, ast.Name) and func.id in module.env_objects:
        positional_default = False  # env(var, cast=None, default=NOTSET): the second argument is a cast
        typed = "cast" in keywords or len(call.args) > 1
    elif (
        isinstance(func, ast.Attribute)
        and isinstance(func.value, ast.Name)
        and func.value.id in module.env_objects
        and func.attr in ("str", "bool", "int", "float")
    ):
        typed = func.attr != "str"
    else:
        return _Value(call, "unknown")
    name = _constant_str(call.args[0] if call.args else keywords.get("var", keywords.get("key")))
    if not name:
        return _Value(call, "unknown")
    default_node = keywords.get("default") or (call.args[1] if positional_default and len(call.args) > 1 else None)
    default: Any = _NOT_SET
    if default_node is not None:
        inner = _evaluate(default_node, module)
        default = inner.literal if inner.kind == "literal" else _UNKNOWN
    return _Value(call, "env", env=name, default=default, default_node=default_node, typed=typed)


def _mark(lines: list[str], node: ast.AST, *, end: bool = False) -> Mark:
    """The 1-based position of `node` (ast counts columns in UTF-8 bytes, 0-based)."""
    line = (node.end_lineno if end else node.lineno) or 1  # type: ignore[attr-defined]
    offset = (node.end_col_offset if end else node.col_offset) or 0  # type: ignore[attr-defined]
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return Mark(line, len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1)


def _span(lines: list[str], node: ast.AST) -> Span:
    return Span(_mark(lines, node), _mark(lines, node, end=True))


def _binding(module: _Module, key: str, key_node: ast.AST, value: _Value) -> Binding:
    shown = value.literal if value.kind == "literal" else ast.get_source_segment("\n".join(module.lines), value.node)
    return Binding(
        key,
        str(shown),
        _mark(module.lines, key_node),
        _mark(module.lines, value.node),
        _span(module.lines, value.node),
    )


def _comments(text: str) -> dict[int, str]:
    """Line -> its `#` comment, from Python's tokenizer (a `#` inside a string is none)."""
    found: dict[int, str] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                found[token.start[0]] = token.string
    except (tokenize.TokenError, SyntaxError):
        pass
    return found


# ----------------------------------------------------------------------------- Django's semantics


class _Reader:
    def __init__(self, module: _Module) -> None:
        self.module = module
        self.notes: list[LoadProblem] = []
        self.masked: list[tuple[Span, str]] = []  # passwords written in the file that no profile holds

    def profiles(self) -> list[ProfileBuilder]:
        settings = self.module.settings
        old = [name for name in DEPRECATED if name in settings]
        if "MAILERS" in settings:
            if old:
                # django/conf/__init__.py L63-70: Django refuses to start; the EMAIL_* settings
                # are never used, so only the MAILERS profiles are built
                first = min(old, key=lambda name: _order(self.module.first[name]))
                self.notes.append(
                    note(
                        "MC603",
                        self.module.first[first],
                        f"{', '.join(old)} {'is' if len(old) == 1 else 'are'} set together with MAILERS: Django "
                        "6.1 refuses to start (ImproperlyConfigured: deprecated email settings are not allowed "
                        "when MAILERS is defined)",
                        'move them into MAILERS["default"]["OPTIONS"] and delete the EMAIL_* settings',
                    )
                )
                self._mask_unused(settings.get("EMAIL_HOST_PASSWORD"))
            return self._mailers(settings["MAILERS"])
        if not any(name in settings for name in CONNECTION):
            return []
        return self._old_settings(settings)

    # ---- the EMAIL_* settings (before MAILERS, deprecated in 6.1)

    def _old_settings(self, settings: dict[str, _Setting]) -> list[ProfileBuilder]:
        backend = settings.get("EMAIL_BACKEND")
        if backend is not None and backend.known and backend.value.literal != SMTP_BACKEND:
            # console, filebased, locmem, dummy or another app's backend: none of them uses
            # EMAIL_HOST and the rest (django/core/mail/backends/)
            self._mask_unused(settings.get("EMAIL_HOST_PASSWORD"))
            return []
        mark = min((self.module.first[name] for name in settings if name.startswith("EMAIL_")), key=_order)
        options = {option: settings[name] for option, name in OLD_NAMES.items() if name in settings}
        profile = ProfileBuilder("default", mark)
        self._build(profile, options, old=True)
        return [profile]

    # ---- MAILERS (Django 6.1)

    def _mailers(self, mailers: _Setting) -> list[ProfileBuilder]:
        expr = mailers.value.node
        if not isinstance(expr, ast.Dict) or mailers.conditional:
            return []  # built at run time: nothing to read
        built: list[ProfileBuilder] = []
        for key, value in zip(expr.keys, expr.values, strict=True):
            alias = _constant_str(key)
            if key is None or not alias or not isinstance(value, ast.Dict):
                continue
            entry = {_constant_str(k): v for k, v in zip(value.keys, value.values, strict=True) if _constant_str(k)}
            backend = entry.get("BACKEND")
            if backend is not None:
                literal = _evaluate(backend, self.module)
                if literal.kind == "literal" and literal.literal != SMTP_BACKEND:
                    continue  # not SMTP; a missing BACKEND is SMTP (django/core/mail/handler.py L7-8, L71)
            options_node = entry.get("OPTIONS")
            if options_node is not None and not isinstance(options_node, ast.Dict):
                continue  # built at run time
            mark = _mark(self.module.lines, key)
            options: dict[str, _Setting] = {}
            if isinstance(options_node, ast.Dict):
                for option_key, option_value in zip(options_node.keys, options_node.values, strict=True):
                    option = _constant_str(option_key)
                    if option_key is None or not option:
                        continue
                    evaluated = _evaluate(option_value, self.module)
                    label = f'MAILERS["{alias}"]["OPTIONS"]["{option}"]'
                    binding = _binding(self.module, option, option_key, evaluated)
                    options[option] = _Setting(label, binding, evaluated, mailers.conditional)
            host = options.get("host")
            if host is None or (host.known and host.value.literal is None):
                # smtp.py L85-86: InvalidMailer("OPTIONS must define 'host'."); Django never connects
                self.notes.append(
                    note(
                        "MC603",
                        mark,
                        f'MAILERS["{alias}"] has no "host" in its OPTIONS: Django refuses to send with it '
                        "(InvalidMailer: OPTIONS must define 'host')",
                        f'add "host": "smtp.example.com" to MAILERS["{alias}"]["OPTIONS"]',
                        ("profiles", alias),
                    )
                )
                self._mask_unused(options.get("password"))
                continue
            profile = ProfileBuilder(alias, mark)
            self._build(profile, options, old=False)
            built.append(profile)
        return built

    # ---- one profile, either path

    def _build(self, profile: ProfileBuilder, options: dict[str, _Setting], *, old: bool) -> None:
        profile.set(("protocol",), "smtp")
        self._host(profile, options.get("host"))
        port = options.get("port")
        written_port = self._port_number(profile, port)
        security, known = self._security(profile, options, written_port, old=old)
        self._port(profile, port, written_port, security, known, old=old)
        self._auth(profile, options.get("username"), options.get("password"), old=old)
        self._sender(profile)
        self._timeout(profile, options.get("timeout"))

    def _host(self, profile: ProfileBuilder, host: _Setting | None) -> None:
        if host is None:
            profile.set(("host",), "localhost")  # global_settings.py L203
        elif host.known:
            profile.set(("host",), host.value.literal, host.binding)
        else:
            profile.defer(("host",), host.binding.value, host.binding)  # the expression, as written

    def _security(
        self, profile: ProfileBuilder, options: dict[str, _Setting], port: int | None, *, old: bool
    ) -> tuple[str, bool]:
        """The mode Django connects with, and whether it is known before run time.

        A mode that is not known (a switch read at run time, or both switches on, when Django
        never connects) is deferred with a stand-in that fits the port written, so that no
        rule reports a port mismatch made up of a guess; the probe skips such a profile."""
        tls_setting, ssl_setting = options.get("use_tls"), options.get("use_ssl")
        tls, ssl = self._switch(profile, tls_setting), self._switch(profile, ssl_setting)
        if tls and ssl and tls_setting and ssl_setting:
            # smtp.py L69-73 (ValueError) and L87-92 (InvalidMailer): Django never connects, so
            # MC601 alone reports it, at the switch written second; the mode is deferred (a
            # stand-in that fits the port: tls on 465, else starttls) and no rule judges it
            second = max(tls_setting, ssl_setting, key=lambda s: _order(s.binding.key_mark))
            error = (
                'ValueError "EMAIL_USE_TLS/EMAIL_USE_SSL are mutually exclusive"'
                if old
                else "InvalidMailer: the 'use_ssl' and 'use_tls' OPTIONS are incompatible"
            )
            self.notes.append(
                note(
                    "MC601",
                    second.binding,
                    f"{tls_setting.label} and {ssl_setting.label} are both true: Django refuses to send ({error})",
                    f"keep one: {_assignment(ssl_setting, 'True')} for implicit TLS on port 465, "
                    f"or {_assignment(tls_setting, 'True')} for STARTTLS on port 587",
                    ("profiles", profile.name, "security"),
                )
            )
            mode = "tls" if port == 465 else "starttls"
            profile.defer(("security",), mode, second.binding)
            return mode, False
        if tls is None or ssl is None:
            unknown = tls_setting if tls is None else ssl_setting
            assert unknown is not None
            mode = "tls" if port == 465 else "starttls"  # the stand-in that fits the port
            profile.defer(("security",), mode, unknown.binding)
            return mode, False
        if ssl:
            assert ssl_setting is not None
            profile.set(("security",), "tls", ssl_setting.binding)  # smtplib.SMTP_SSL, smtp.py L101-103
            return "tls", True
        if tls:
            assert tls_setting is not None
            profile.set(("security",), "starttls", tls_setting.binding)  # required: smtp.py L143-144
            return "starttls", True
        written = tls_setting or ssl_setting
        profile.set(("security",), "none", written.binding if written else None)
        return "none", True

    def _switch(self, profile: ProfileBuilder, setting: _Setting | None) -> bool | None:
        """A TLS switch as the backend tests it: for truth (None: known only at run time)."""
        if setting is None:
            return False
        value = setting.value
        if value.kind == "env" and not value.typed and not setting.conditional:
            # os.environ and env() give a string: any non-empty one, "False" too, is true
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} reads the string in {value.env}: Django tests it for truth, "
                    f"so {value.env}=False in the environment turns it on",
                    f'read it as a boolean: env.bool("{value.env}", default=False), or '
                    f'os.environ.get("{value.env}", "").lower() == "true"',
                    ("profiles", profile.name, "security"),
                )
            )
            return None
        if not setting.known:
            return None
        literal = value.literal
        if isinstance(literal, str):
            # not coerced (django/conf/__init__.py L261-272): a string is true unless empty
            meant = "True" if literal.strip().lower() in ("true", "1", "yes", "on") else "False"
            self.notes.append(
                note(
                    "MC602",
                    setting.binding,
                    f"{setting.label} is the string {literal!r}: Django tests it for truth, so it reads it as "
                    f"{bool(literal)}",
                    f"write {_assignment(setting, meant)} without quotes",
                    ("profiles", profile.name, "security"),
                )
            )
        return bool(literal)

    def _port_number(self, profile: ProfileBuilder, port: _Setting | None) -> int | None:
        """The port as written, when it is a number Django connects to (a numeric string is:
        socket accepts it); a value that is not one is MC602. None: absent, falsy or unknown."""
        if port is None or not port.known or port.value.literal in (None, "", 0):
            return None
        literal = port.value.literal
        if isinstance(literal, str) and literal.strip().isascii() and literal.strip().isdigit():
            return int(literal.strip())
        if isinstance(literal, int) and not isinstance(literal, bool):
            return literal
        self.notes.append(
            note(
                "MC602",
                port.binding,
                f"{port.label} is {literal!r}, not a port number: the connection fails (Servname not supported)",
                "write " + _assignment(port, "587") + " (or 465 with implicit TLS) as a number",
                ("profiles", profile.name, "port"),
            )
        )
        return None

    def _port(
        self,
        profile: ProfileBuilder,
        port: _Setting | None,
        number: int | None,
        security: str,
        known: bool,
        *,
        old: bool,
    ) -> None:
        keys: Keys = ("port",)
        stand_in = 465 if security == "tls" else 587  # fits the mode: no mismatch made of a guess
        if number is not None:
            assert port is not None
            profile.set(keys, number, port.binding)
        elif port is not None and not port.known:
            profile.defer(keys, stand_in, port.binding)  # read at run time (the default too may be overridden)
        elif port is not None and port.known and port.value.literal not in (None, "", 0):
            profile.defer(keys, stand_in, port.binding)  # not a port (MC602 says so)
        elif old:
            # `port or settings.EMAIL_PORT` (smtp.py L55): 25 by default, with TLS on too; a
            # falsy EMAIL_PORT leaves smtplib's default_port, 465 for SMTP_SSL, else 25
            falsy = port is not None
            value = (465 if security == "tls" else 25) if falsy else 25
            profile.set(keys, value, port.binding if port else None)
            if not known and falsy:
                profile.deferred.add(keys)
        elif port is not None and port.value.literal == 0:
            profile.set(keys, 0, port.binding)  # `if self.port is None` only: Django connects to 0 (MC101)
        else:
            # MAILERS: 465 with use_ssl, 587 with use_tls, else 25 (smtp.py L93-99)
            profile.set(keys, {"tls": 465, "starttls": 587}.get(security, 25), port.binding if port else None)
            if not known:
                profile.deferred.add(keys)

    def _auth(self, profile: ProfileBuilder, user: _Setting | None, password: _Setting | None, *, old: bool) -> None:
        """Django logs in only when both are non-empty (smtp.py L145-146)."""
        has_user, has_password = _given(user), _given(password)
        if has_user and has_password:
            assert user is not None and password is not None
            if user.known:
                profile.set(("auth", "username"), user.value.literal, user.binding)
            else:
                profile.defer(("auth", "username"), user.binding.value, user.binding)  # as written
            self._password(profile, password)
            return
        if not has_user and not has_password:
            self._mask_unused(password)
            return
        present = user if has_user else password
        assert present is not None
        missing = "password" if has_user else "username"
        missing_label = OLD_NAMES[missing] if old else f'"{missing}"'
        inline = " (and the password is written in the file)" if password and _inline(password) else ""
        self.notes.append(
            note(
                "MC603",
                present.binding,
                f"{present.label} is set but {missing_label} is empty: Django logs in only with both, "
                f"so it sends without logging in{inline}",
                (
                    f'set {missing_label} = os.environ["EMAIL_HOST_PASSWORD"]'
                    if has_user and old
                    else f"set {missing_label} as well"
                )
                + ", or remove the other if the server takes mail without a login",
                ("profiles", profile.name, "auth"),
            )
        )
        self._mask_unused(password)

    def _password(self, profile: ProfileBuilder, password: _Setting) -> None:
        keys: Keys = ("auth", "password")
        value = password.value
        if value.kind == "env":
            if isinstance(value.default, str) and value.default and value.default_node is not None:
                # the default is a password written in the file: an inline secret (MC303)
                default_binding = _binding(
                    self.module,
                    password.binding.key,
                    value.default_node,
                    _Value(value.default_node, "literal", value.default),
                )
                profile.secret(keys, value.default, default_binding._replace(key_mark=password.binding.key_mark))
            elif _env_name(value.env):
                profile.secret(keys, {"env": value.env}, password.binding)  # a reference, not a secret
            else:
                profile.defer(keys, {"env": password.binding.key}, password.binding)  # see below
            return
        if value.kind == "literal" and isinstance(value.literal, str):
            profile.secret(keys, value.literal, password.binding)  # masked, and MC303
            return
        # computed (a function, a vault): not a secret written here, nor a reference mailcheck
        # resolves; the stand-in names the setting, so that no secret rule judges a guess
        profile.defer(keys, {"env": password.binding.key}, password.binding)
        self.masked.append((password.binding.span, ""))  # whatever it computes from, mask it

    def _sender(self, profile: ProfileBuilder) -> None:
        sender = self.module.settings.get("DEFAULT_FROM_EMAIL")
        if sender is None:
            profile.set(("from", "address"), "webmaster@localhost")  # global_settings.py L235
            return
        if not sender.known:
            # a stand-in address, not the expression: MC401 judges the form of from.address
            # and does not skip deferred values (MC209 does for the host, written as is)
            profile.defer(("from", "address"), "webmaster@localhost", sender.binding)
            return
        literal = sender.value.literal
        if not isinstance(literal, str):
            profile.set(("from", "address"), literal, sender.binding)
            return
        if not literal:
            return
        name, address = parseaddr(literal)  # "App <app@example.com>"
        profile.set(("from", "address"), address or literal, sender.binding)
        if name:
            profile.set(("from", "name"), name, sender.binding)

    def _timeout(self, profile: ProfileBuilder, timeout: _Setting | None) -> None:
        """EMAIL_TIMEOUT bounds each socket operation; the profile's timeout, the probe's."""
        if timeout is None or not timeout.known:
            return
        literal = timeout.value.literal
        if isinstance(literal, (int, float)) and not isinstance(literal, bool) and 0 < literal <= 300:
            profile.set(("timeout",), literal, timeout.binding)

    def _mask_unused(self, password: _Setting | None) -> None:
        """A password no profile holds is still written in the file: mask it in every output."""
        if password is None or (password.value.kind == "env" and not isinstance(password.value.default, str)):
            return
        value = password.value
        if value.kind == "env" and value.default_node is not None:
            self.masked.append((_span(self.module.lines, value.default_node), str(value.default)))
        elif value.kind == "literal" and isinstance(value.literal, str) and value.literal:
            self.masked.append((password.binding.span, value.literal))
        elif value.kind == "unknown":
            self.masked.append((password.binding.span, ""))


def _assignment(setting: _Setting, value: str) -> str:
    """How the setting is written with `value`: `EMAIL_PORT = 587`, or `"port": 587` in MAILERS."""
    if setting.label.startswith("MAILERS"):
        return f'"{setting.binding.key}": {value}'
    return f"{setting.label} = {value}"


def _given(setting: _Setting | None) -> bool:
    """Whether Django would find the value non-empty (anything from the environment counts)."""
    if setting is None:
        return False
    if setting.value.kind == "literal" and not setting.conditional:
        return bool(setting.value.literal)
    return True


def _inline(password: _Setting) -> bool:
    value = password.value
    return (value.kind == "literal" and isinstance(value.literal, str) and bool(value.literal)) or (
        value.kind == "env" and isinstance(value.default, str) and bool(value.default)
    )


def _env_name(name: str) -> bool:
    """A name `{env: NAME}` takes (the format's ENV_NAME_PATTERN: letters, digits, `_`)."""
    return name.isascii() and name.isidentifier()


def _order(mark: Mark) -> tuple[int, int]:
    return (mark.line, mark.column)

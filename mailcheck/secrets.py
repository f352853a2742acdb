"""Secrets: how a profile names a password or token without containing it, which keys hold
one in any spelling, and the masking of secret values in text bound for output.

The linter classifies references (inline secrets are findings) and the loader records
where secrets are written; the probe resolves references (probe/secret_source.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

_PLACEHOLDER = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}\Z")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")

# "foreign": another tool's reference (`$X`, `{{ x }}`, `op://...`), which mailcheck cannot resolve
SecretKind = Literal["env", "file", "inline", "empty", "foreign"]


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a secret comes from. `source` is an env name, a path, or for a foreign reference
    the words for its syntax (`a shell variable ($NAME)`); never a secret."""

    kind: SecretKind
    source: str = ""

    def describe(self) -> str:
        if self.kind == "env":
            return f"environment variable {self.source}"
        if self.kind == "file":
            return f"file {self.source}"
        if self.kind == "foreign":
            return self.source
        return "an inline value" if self.kind == "inline" else "an empty value"


def parse_secret(value: Any) -> SecretRef:
    """Classify a validated `password` or `token` value."""
    if isinstance(value, dict):
        if "env" in value:
            return SecretRef("env", value["env"])
        return SecretRef("file", value["file"])
    if not isinstance(value, str) or not value:
        return SecretRef("empty")
    placeholder = _PLACEHOLDER.match(value)
    if placeholder:
        return SecretRef("env", placeholder.group(1))
    foreign = foreign_reference(value)
    if foreign is not None:
        return SecretRef("foreign", foreign.syntax)
    return SecretRef("inline")


@dataclass(frozen=True, slots=True)
class ForeignReference:
    """A text that is another tool's way of naming a secret: mailcheck cannot resolve it, and
    sent as it is, the text itself would be the password. Nothing here is shown but `syntax`
    and `fix`, which never quote the value (it may be a password that merely looks like one)."""

    syntax: str  # what it is, in words: "a shell variable ($NAME)"
    fix: str  # how to write it so that mailcheck (and the probe) can resolve it
    inline: str | None = None  # a value written in the file with it (`${X:-default}`): an inline secret


_REFERENCE_FORMS = '"${NAME}" or {env: NAME} (or {file: PATH})'
_SHELL_NAME = r"(?:[A-Z_][A-Z0-9_]*|[a-z_][a-z0-9_]*)"  # one case: POSIX names; a mixed-case `$Tr0ub4dor` is a password
_ANY_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
# Each form as the tool documents it (see MC305 for the references); matched against the whole
# value, spaces around it aside: a password that merely contains `$` or `{{` is still a password.
_FOREIGN_FORMS: tuple[tuple[str, str, str], ...] = (
    (
        r"\$\{\{.*\}\}",
        "a GitHub Actions expression (${{ ... }})",
        f"map the secret into the job's environment (env: NAME: ${{{{ secrets.NAME }}}}) and write {_REFERENCE_FORMS}",
    ),
    (
        r"\{\{.*\}\}|\{%.*%\}",
        "a template expression ({{ ... }}: Jinja, Ansible, Helm, Go templates)",
        f"check the rendered file, or have the template fill an environment variable and write {_REFERENCE_FORMS}",
    ),
    (
        rf"\$\{{\s+{_ANY_NAME}\s*\}}|\$\{{{_ANY_NAME}\s+\}}",
        '"${NAME}" with spaces inside the braces',
        'remove the spaces: "${NAME}"',
    ),
    (
        rf"\$\{{{_ANY_NAME}:\?.*\}}",
        "a shell reference that fails when the variable is unset (${NAME:?message})",
        f"write {_REFERENCE_FORMS}: the probe reports an unset variable itself (MC515)",
    ),
    (
        rf"\$\{{{_ANY_NAME}[-=+?][^{{}}]*\}}",  # `${imap-pw}`: a hyphenated name, or POSIX's `${A-B}`
        (
            "a ${A-B} reference (a shell reads it as variable A with the default B written in the file; "
            "other tools read A-B as one name, which an environment variable cannot have)"
        ),
        f"write {_REFERENCE_FORMS} with a name of letters, digits and _, and no default",
    ),
    (
        r"\$\{[^{}]*\}",
        (
            "a ${...} reference whose name is not an environment variable name (letters, digits and _, "
            "not starting with a digit)"
        ),
        f"name the variable with letters, digits and _ and write {_REFERENCE_FORMS}",
    ),
    (
        rf"\$(?:env|ENV|Env):{_ANY_NAME}",
        "a PowerShell environment variable ($env:NAME)",
        f"write {_REFERENCE_FORMS}",
    ),
    (
        rf"\${_SHELL_NAME}",
        "a shell variable ($NAME)",
        'add the braces, "${NAME}", or write {env: NAME} (or {file: PATH})',
    ),
    (
        rf"\$\({_ANY_NAME}\)",
        "a $(NAME) variable (Kubernetes, Azure Pipelines, make)",
        f"write {_REFERENCE_FORMS}",
    ),
    (
        r"%\([^()]+\)[#0 +-]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]",
        "a Python %-format or configparser interpolation (%(name)s)",
        f"write {_REFERENCE_FORMS}",
    ),
    (
        r"ENC\[[A-Z0-9_]+,data:[^\]]*\]",
        "a SOPS-encrypted value (ENC[...])",
        f"check and probe the decrypted file (sops decrypt), or have sops exec-env set a variable and write {_REFERENCE_FORMS}",
    ),
    (
        r"vault:[^\s#]+#\S+",
        "a HashiCorp Vault path (vault:PATH#KEY, as Bank-Vaults writes it)",
        f"let the Vault agent or webhook set an environment variable or file, and write {_REFERENCE_FORMS}",
    ),
    (
        r"op://[^/\s]+/[^/\s]+(?:/[^/\s]+)?/[^/?\s]+(?:\?\S*)?",
        "a 1Password secret reference (op://vault/item/field)",
        f"run the probe under op run (or op inject the file) and write {_REFERENCE_FORMS}",
    ),
    (
        r"arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:\S+",
        "an AWS Secrets Manager ARN",
        f"have the secret put into an environment variable or file where the probe runs, and write {_REFERENCE_FORMS}",
    ),
    (
        r"\{\s*(?:env|file)\s*:[^{}]*\}",
        "a mailcheck reference written as text (in quotes)",
        "remove the quotes: {env: NAME} and {file: PATH} are mappings",
    ),
)
# POSIX parameter expansion with a value written beside the name (use default, assign default,
# use alternative value): the value is in the file, and is what a shell would send when unset.
_SHELL_WITH_VALUE = re.compile(rf"\$\{{{_ANY_NAME}:[-=+](.*)\}}", re.DOTALL)


def foreign_reference(value: object) -> ForeignReference | None:
    """The other tool's reference `value` is, if it is one (see MC305 for the forms and sources)."""
    if not isinstance(value, str) or _PLACEHOLDER.match(value):
        return None  # not text, or mailcheck's own "${NAME}"
    text = value.strip()
    if text != value and _PLACEHOLDER.match(text):
        return ForeignReference('"${NAME}" with spaces around it', 'remove the spaces: "${NAME}"')
    with_value = _SHELL_WITH_VALUE.fullmatch(text)
    if with_value is not None:
        written = with_value.group(1)
        fix = f"write {_REFERENCE_FORMS}, without a default"
        if not written:
            return ForeignReference("a shell reference with an empty default (${NAME:-})", fix)
        return ForeignReference(
            "a shell reference with a default written in it (${NAME:-default})", fix, inline=written
        )
    for pattern, syntax, fix in _foreign_forms():
        if pattern.fullmatch(text):
            return ForeignReference(syntax, fix)
    return None


@lru_cache(maxsize=1)
def _foreign_forms() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    """Compiled on first use: most files hold references of mailcheck's own forms only."""
    return tuple((re.compile(pattern, re.DOTALL), syntax, fix) for pattern, syntax, fix in _FOREIGN_FORMS)


MASK = "****"
SHORT_SECRET = 6  # below this length a secret is masked as a whole word only
TRIE_FROM = 64  # values from which one trie pattern beats an alternation

# What a key holding a secret is called, in any tool's spelling: `password`, `smtp_pass`,
# `EMAIL_HOST_PASSWORD`, `clientSecret`, `api-key`, `imap_pw`. Over-matching only masks a
# harmless value; under-matching prints a password, so the test is generous.
_SECRET_STEMS = ("pass", "pwd", "secret", "token", "apikey", "credential", "privatekey", "authkey")
_SECRET_TOKENS = frozenset({"pw", "psw", "pword"})
# Misspellings (`pasword`, `secert`, `tokne`): edit distance allowed per word, transpositions
# counting one. Words shorter than six letters are matched as whole tokens only.
_SECRET_TYPOS = {"password": 2, "passwd": 1, "secret": 1, "credential": 2, "apikey": 1}
_WHOLE_TOKEN_TYPOS = ("token", "pass")  # one edit away
MAX_FUZZY_KEY = 128  # letters of a key searched for misspellings
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SEPARATORS = re.compile(r"[^A-Za-z0-9]+")


@lru_cache(maxsize=65536)
def is_secret_key(key: object) -> bool:
    """Whether a mapping key names a secret, however it is spelt (see _SECRET_STEMS)."""
    tokens = [t.lower() for t in _SEPARATORS.split(_CAMEL.sub("_", str(key))) if t]
    squashed = "".join(tokens)
    if any(stem in squashed for stem in _SECRET_STEMS) or _SECRET_TOKENS.intersection(tokens):
        return True
    # Each edit takes away at most one of a word's distinct letters, so a word missing more
    # of them than its edits allow is ruled out without the edit distance: most keys are.
    if len(squashed) > MAX_FUZZY_KEY:
        return False  # no one misspells a password in a 200-character key; and the search is O(length)
    letters = frozenset(squashed)
    for word, allowed in _SECRET_TYPOS.items():
        if len(_LETTERS[word] - letters) <= allowed and _within(squashed, word, allowed, anywhere=True):
            return True
    return any(_one_edit_apart(token, word) for token in tokens for word in _WHOLE_TOKEN_TYPOS)


_LETTERS = {word: frozenset(word) for word in _SECRET_TYPOS}


def _one_edit_apart(text: str, word: str) -> bool:
    """Whether `text` is `word` with one letter changed, added, dropped, or two swapped."""
    if abs(len(text) - len(word)) > 1 or text == word:
        return False
    start = next((i for i, (a, b) in enumerate(zip(text, word, strict=False)) if a != b), min(len(text), len(word)))
    if len(text) == len(word):
        swapped = (
            text[start + 1 : start + 2] == word[start : start + 1]
            and text[start : start + 1] == word[start + 1 : start + 2]
        )
        return text[start + 1 :] == word[start + 1 :] or (swapped and text[start + 2 :] == word[start + 2 :])
    longer, shorter = (text, word) if len(text) > len(word) else (word, text)
    return longer[start + 1 :] == shorter[start:]


def _within(text: str, word: str, allowed: int, *, anywhere: bool) -> bool:
    """Whether `word` is within `allowed` edits (insert, delete, substitute, swap) of `text`,
    or with `anywhere`, of some part of it (Sellers' approximate substring search)."""
    if len(text) < len(word) - allowed or (not anywhere and len(text) > len(word) + allowed):
        return False
    previous2: list[int] = []
    previous = list(range(len(text) + 1)) if not anywhere else [0] * (len(text) + 1)
    for i, letter in enumerate(word, start=1):
        row = [i] + [0] * len(text)
        for j, other in enumerate(text, start=1):
            cost = letter != other
            row[j] = min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and letter == text[j - 2] and word[i - 2] == other:
                row[j] = min(row[j], previous2[j - 2] + 1)
        previous2, previous = previous, row
    return (min(previous) if anywhere else previous[-1]) <= allowed


def secret_key_index(path: tuple[Any, ...]) -> int | None:
    """The position of the first key in a document path that names a secret field, if any:
    ("profiles", "out", "auth", "password", "env") -> 3. The names of profiles are not
    fields: a profile named `password-reset` is not a secret."""
    return next(
        (
            i
            for i, key in enumerate(path)
            if isinstance(key, str) and not (i == 1 and path[0] == "profiles") and is_secret_key(key)
        ),
        None,
    )


def echo_forms(secret: str) -> list[str]:
    """The forms a server could echo a secret back in: as sent, base64 (standard and URL-safe,
    padded or not), URL-encoded and hex. All are masked wherever they appear."""
    import base64
    from urllib.parse import quote, quote_plus

    raw = secret.encode("utf-8")
    forms = [secret, quote(secret, safe=""), quote_plus(secret), raw.hex(), raw.hex().upper()]
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        encoded = encode(raw).decode("ascii")
        forms += [encoded, encoded.rstrip("=")]
    return forms


class Redactor:
    """Masks known secret values (and the encodings of them added) in text bound for output.

    All values are matched in one pass by a regular expression built from a trie of them,
    so a report over a file of ten thousand inline passwords costs one scan per text,
    not one per password.
    """

    def __init__(self) -> None:
        self._values: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.longest = 0  # the length of the longest value masked

    def add(self, value: object) -> None:
        text = str(value)
        for piece in [text, *text.splitlines()]:
            value = piece.strip()
            if value and value not in self._values:
                self._values.add(value)
                self.longest = max(self.longest, len(value))
                self._pattern = None

    def add_secret(self, secret: str) -> None:
        """A secret the probe sends: it and every form a server could echo it in."""
        for form in echo_forms(secret):
            self.add(form)

    def __bool__(self) -> bool:
        return bool(self._values)

    def __call__(self, text: str) -> str:
        if not self._values or not text:
            return text
        if self._pattern is None:
            self._pattern = _compile_masks(self._values)
        return self._pattern.sub(MASK, text)


def _compile_masks(values: set[str]) -> re.Pattern[str]:
    """One pattern for all values: long ones anywhere, short ones (a very short secret masked
    everywhere would garble every word holding its letters) only as whole words."""
    long_values = [v for v in values if len(v) >= SHORT_SECRET]
    short_values = [v for v in values if len(v) < SHORT_SECRET]
    parts = []
    if long_values:
        parts.append(_any_of(long_values))
    if short_values:
        parts.append(rf"(?<!\w)(?:{_any_of(short_values)})(?!\w)")
    return re.compile("|".join(parts))


def _any_of(values: list[str]) -> str:
    """A pattern for any of `values`, longest first. A plain alternation compiles fastest,
    which matters to the probe (a few values per connection); from TRIE_FROM values on, a
    trie, whose matching does not slow down with the number of values."""
    if len(values) < TRIE_FROM:
        return "|".join(re.escape(v) for v in sorted(values, key=len, reverse=True))
    return _trie_pattern(values)


Trie = dict[str, "Trie"]  # one level per character; the key "" marks where a value ends


def _trie_pattern(values: list[str]) -> str:
    """A regular expression matching any of `values`, longest first at each position, that
    branches character by character (a trie) instead of trying every value in turn."""
    trie: Trie = {}
    for value in values:
        node = trie
        for char in value:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: Trie) -> str:
        ends = "" in node
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return f"(?:{body})?"
        return body

    return emit(trie)


def is_reference(value: Any) -> bool:
    """Whether a value is a well-formed mailcheck secret reference, which holds no secret."""
    if isinstance(value, str):
        return _PLACEHOLDER.match(value) is not None
    if not isinstance(value, dict) or len(value) != 1:
        return False
    ((key, source),) = value.items()
    return (key == "env" and isinstance(source, str) and _ENV_NAME.match(source) is not None) or (
        key == "file" and isinstance(source, str) and bool(source)
    )


def secret_values(value: Any) -> list[str]:
    """Every scalar written in a secret field's value, as text; none for a reference. (Keys
    in it are masked where they are written; messages never name them.)"""
    if value is None or is_reference(value):
        return []
    found: list[str] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif node is not None:
            found.append(str(node))
    return found

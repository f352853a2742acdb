"""Read one YAML profile file into plain data that remembers where each value is written.

The document is built from libyaml's event stream (PyYAML's C parser) rather than a
YAML library's constructors: it is ten times faster, it lets us bound nesting depth and alias
expansion while parsing, report duplicate keys, and keep the position of every key and
value, merged ones included. No tag ever runs code: unknown tags are refused.

It also records where secrets are written: the whole source span of every value under a
secret-looking key (any scalar style, type or nesting, and the anchor an alias there points
to), so that output masks the text as written, not a decoded value that may be spelt
otherwise in the file. And it records which `#` start real comments, so that a directive
inside a quoted value is not taken for one.
"""

from __future__ import annotations

import bisect
import gc
import math
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from mailcheck.secrets import is_reference, is_secret_key, secret_key_index, secret_values

if TYPE_CHECKING:
    from yaml import YAMLError

    from mailcheck.sources.base import App

MAX_FILE_BYTES = 16 * 1024 * 1024  # a profile file of 10,000 profiles is about 2.5 MB
MAX_DEPTH = 64  # profiles nest four levels deep; anything deeper is not a profile file
# Aliases may repeat nodes, but not explode them. As go-yaml v3 does (decode.go,
# allowedAliasRatio), the share of nodes that come from alias expansion is bounded: up to
# 99% in documents of up to 400,000 nodes, falling to 10% at 4,000,000. A plain file is
# never refused (it has no aliases); the billion laughs is refused after a few hundred events.
ALIAS_RATIO_LOW, ALIAS_RATIO_HIGH = 400_000, 4_000_000

MERGE_KEY = "<<"
PROFILES = ("profiles",)  # the path of the mapping whose keys are profile names
_CORE_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in the source file."""

    line: int
    column: int


START = Mark(1, 1)
DataPath = tuple[Any, ...]  # keys and list indexes from the document's top, as findings name them


@dataclass(frozen=True, slots=True)
class Span:
    """Where a value is written: from `start` up to, not including, `end`."""

    start: Mark
    end: Mark

    def columns_on(self, line: int, text: str) -> tuple[int, int] | None:
        """The 1-based columns [first, last) of `line` (whose text is `text`) inside this span."""
        if not self.start.line <= line <= self.end.line:
            return None
        first = self.start.column if line == self.start.line else len(text) - len(text.lstrip()) + 1
        last = self.end.column if line == self.end.line else len(text) + 1
        return (first, last) if last > first else None


class MarkedMap(dict[str, Any]):
    """A mapping that also knows where each of its keys and values is written."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class MarkedList(list[Any]):
    """A sequence that also knows where each item is written."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


class Tagged(NamedTuple):
    """A scalar with one of an app's own tags (Home Assistant's `!secret smtp_password`),
    read only when the adapter asks for them: data for the adapter, never code that runs."""

    tag: str
    value: str


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Something wrong with the YAML itself; `rule` is MC001, MC002 or MC101."""

    rule: str
    message: str
    hint: str
    mark: Mark
    path: DataPath = ()  # the data path the problem is about, when there is one


class UnreadableDocument(Exception):
    """The file cannot be turned into data at all (MC001)."""

    def __init__(self, message: str, hint: str, mark: Mark = START) -> None:
        super().__init__(message)
        self.problem = LoadProblem("MC001", message, hint, mark)


@dataclass
class Document:
    """A loaded profile file: its data, its text lines and what went wrong on the way."""

    path: Path
    lines: list[str]
    data: Any
    problems: list[LoadProblem] = field(default_factory=list)
    secret_spans: list[Span] = field(default_factory=list)  # every secret as written
    secret_values: list[str] = field(default_factory=list)  # and as read: what messages must never hold
    comments: dict[int, str] = field(default_factory=dict)  # line -> its comment, from its marker
    comment_markers: str = "#"  # the characters that start a comment in this file's language
    app: App | None = None  # the app whose config file this is; None for a profile file
    profile_apps: dict[str, App] = field(default_factory=dict)  # by profile, where apps share a file
    # profile name -> the keys whose values the app reads only at run time (sources/base.py)
    deferred: dict[str, frozenset[tuple[str, ...]]] = field(default_factory=dict)

    def locate(self, path: DataPath, *, key: bool = False) -> Mark:
        """Where the value (or, with key=True, the key) at `path` is written.

        A path that goes missing part-way points at the deepest container that exists,
        which is where a missing key belongs.
        """
        node, mark = self.data, getattr(self.data, "mark", START)
        for step in path:
            if isinstance(node, MarkedMap) and step in node:
                mark = (node.key_marks if key else node.value_marks).get(step, node.mark)
                node = node[step]
            elif isinstance(node, MarkedList) and isinstance(step, int) and 0 <= step < len(node):
                mark, node = node.item_marks[step], node[step]
            else:
                break
        return mark

    def locate_character(self, path: DataPath, index: int) -> Mark:
        """Where character `index` of the text value at `path` is written, escapes and quotes
        counted; the value's own position when that cannot be told (a folded scalar)."""
        mark = self.locate(path)
        if not 1 <= mark.line <= len(self.lines):
            return mark
        offset = _source_offset(self.lines[mark.line - 1][mark.column - 1 :], index)
        return Mark(mark.line, mark.column + offset) if offset is not None else mark


_ESCAPE_DIGITS = {"x": 2, "u": 4, "U": 8}


def _source_offset(source: str, index: int) -> int | None:
    """The offset in `source` (a scalar as written, from its start) of its `index`-th character."""
    start = 0
    while source[start : start + 1] in ("&", "!"):  # an anchor or a tag before the value
        end = source.find(" ", start)
        if end < 0:
            return None
        start = len(source) - len(source[end:].lstrip(" "))
    quote = source[start : start + 1]
    position = start + 1 if quote in ("'", '"') else start
    for _ in range(index):
        if position >= len(source) or (
            quote and source[position] == quote and not source.startswith(quote * 2, position)
        ):
            return None
        if quote == '"' and source[position] == "\\":
            position += 2 + _ESCAPE_DIGITS.get(source[position + 1 : position + 2], 0)
        elif quote == "'" and source.startswith("''", position):
            position += 2
        else:
            position += 1
    return position if position < len(source) else None


def read_document(path: Path) -> Document:
    """Load `path`; raise UnreadableDocument for anything that is not one YAML mapping."""
    return parse_document(read_bytes(path), path)


def parse_document(raw: bytes, path: Path) -> Document:
    """`raw` read as a profile file is (bounded, UTF-8, one YAML mapping), named `path`:
    for standard input, which has no file of its own."""
    document = _parse(raw, path, _Builder())
    if not isinstance(document.data, dict):
        kind = "empty" if document.data is None else f"a {kind_of(document.data)}"
        raise UnreadableDocument(
            f"the top level is {kind}, not a mapping",
            "start the file with `version: 1` and a `profiles:` mapping",
        )
    return document


def parse_documents(raw: bytes, path: Path) -> Document:
    """`raw` read as a stream of YAML documents (`---` between them, as Kubernetes manifests
    are written), with the same bounds: the Document's data is the list of them."""
    return _parse(raw, path, _Builder(multiple=True))


def parse_app_document(raw: bytes, path: Path, app_tags: frozenset[str]) -> Document:
    """`raw` read as an app's YAML file: one document, any top-level value, and the app's own
    scalar tags (`!secret NAME`) kept as Tagged values; any other tag is refused as usual."""
    return _parse(raw, path, _Builder(app_tags=app_tags))


def _parse(raw: bytes, path: Path, builder: _Builder) -> Document:
    text = decode(bounded(raw))
    # Building allocates hundreds of thousands of containers and creates no cycles:
    # the collector would spend about a third of the load time finding nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = builder.build(text)
    finally:
        if collecting:
            gc.enable()
    lines = text.splitlines()
    comments = builder.comments(lines) if builder.scalar_spans is not None else {}
    return Document(path, lines, data, builder.problems, builder.secret_spans, builder.secret_values, comments)


def read_bytes(path: Path) -> bytes:
    """The file's bytes, at most MAX_FILE_BYTES + 1 of them whatever size it claims."""
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise UnreadableDocument("not a regular file", "point mailcheck at YAML files")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large(info.st_size)
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as err:
        raise UnreadableDocument(
            f"cannot read the file: {err.strerror or err}", "check the path and its permissions"
        ) from None


def bounded(raw: bytes) -> bytes:
    """`raw`, when it is within MAX_FILE_BYTES."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(len(raw))
    return raw


def _too_large(size: int) -> UnreadableDocument:
    return UnreadableDocument(
        f"the file is {size / 2**20:.1f} MiB, above the {MAX_FILE_BYTES // 2**20} MiB bound",
        "split the profiles into several files",
    )


def decode(raw: bytes) -> str:
    """`raw` as UTF-8 text without a byte order mark; binary and other encodings are unreadable."""
    if b"\x00" in raw:
        raise UnreadableDocument("the file is binary (it contains NUL bytes)", "point mailcheck at YAML text files")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw.count(b"\n", 0, err.start) + 1
        column = err.start - (raw.rfind(b"\n", 0, err.start) + 1) + 1
        raise UnreadableDocument(
            f"the file is not UTF-8: byte 0x{raw[err.start]:02X} cannot be decoded",
            "save the file as UTF-8 (for example `iconv -f latin1 -t utf-8`)",
            Mark(line, column),
        ) from None
    return text.removeprefix("\ufeff")  # a UTF-8 byte order mark is legal YAML; drop it


def kind_of(value: Any) -> str:
    """The YAML name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, dict):
        return "mapping"
    if isinstance(value, list):
        return "sequence"
    return "string"


# --- scalars: the YAML 1.2 core schema -------------------------------------------------

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"^[-+]?[0-9]+$")
_INT8 = re.compile(r"^0o[0-7]+$")
_INT16 = re.compile(r"^0x[0-9a-fA-F]+$")
_FLOAT = re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$")
_INF = re.compile(r"^[-+]?\.(?:inf|Inf|INF)$")
_NAN = re.compile(r"^\.(?:nan|NaN|NAN)$")


def resolve_plain(value: str) -> Any:
    """The value of an untagged plain scalar under the YAML 1.2 core schema."""
    if _NULL.match(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT10.match(value):
        return int(value)
    if _INT8.match(value):
        return int(value, 0)  # "0o17": Python reads YAML 1.2's octal and hex prefixes as they are
    if _INT16.match(value):
        return int(value, 0)
    if _FLOAT.match(value):
        return float(value)
    if _INF.match(value):
        return -math.inf if value.startswith("-") else math.inf
    if _NAN.match(value):
        return math.nan
    return value


def _explicit_int(text: str) -> int:
    value = resolve_plain(text)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(text)
    return value


_EXPLICIT: dict[str, Callable[[str], Any]] = {
    "str": str,
    "null": lambda v: None,
    "bool": lambda v: _BOOL[v],
    "int": _explicit_int,
    "float": float,
}


# --- building data from events ----------------------------------------------------------


@dataclass(slots=True)
class _Frame:
    """A mapping or sequence being built."""

    value: MarkedMap | MarkedList
    anchor: str | None
    path: DataPath = ()  # where this container sits in the document, for findings
    size: int = 1
    height: int = 1
    key: str | None = None  # mapping: the key whose value comes next
    key_mark: Mark | None = None
    expect_key: bool = True
    merges: list[MarkedMap] = field(default_factory=list)
    start: Any = None  # libyaml's mark where the container starts
    in_secret: bool = False  # the container is (inside) the value of a secret-looking key
    names_fields: bool = True  # its keys name settings; not so `profiles`, whose keys name profiles
    collects: bool = False  # whether to keep `aliased`
    aliased: list[Span] = field(default_factory=list)  # where aliased content inside it is written


@dataclass(frozen=True, slots=True)
class _Node:
    value: Any
    size: int
    height: int
    spans: tuple[Span, ...] = ()  # where it is written (kept for anchored nodes only)


class _Builder:
    def __init__(
        self, track_scalars: bool = False, *, multiple: bool = False, app_tags: frozenset[str] = frozenset()
    ) -> None:
        self.multiple = multiple  # a stream of documents (Kubernetes manifests), not one
        self.app_tags = app_tags  # an app's own scalar tags, kept as data (see Tagged)
        self.anchors: dict[str, _Node] = {}
        self.problems: list[LoadProblem] = []
        self.stack: list[_Frame] = []
        self.root: list[Any] = []
        self.from_aliases = 0  # of them, nodes that aliases repeated
        self.secret_spans: list[Span] = []
        self.secret_values: list[str] = []
        # (start, end) of every scalar, in order, to tell comments from "#" inside values
        self.scalar_spans: list[tuple[tuple[int, int], tuple[int, int]]] | None = [] if track_scalars else None

    def build(self, text: str) -> Any:
        from yaml import BaseLoader, YAMLError  # imported on first use: about 12 ms

        if self.scalar_spans is None and "mailcheck:" in text:
            self.scalar_spans = []
        try:
            return self._build_from(_event_parser(text))
        except YAMLError as err:  # the reader's, scanner's and parser's errors
            if not _beyond_libyaml_nesting(err):
                raise _syntax_error(err, text) from None
            refused = err
        # libyaml's scanner refuses flow collections nested over 1000 deep as soon as its
        # look-ahead (for a possible key) gets there, before this builder sees the 65th level
        # open. PyYAML's pure-Python parser has no such bound: read by it, the document is
        # refused where any document nested too deep is, at its 65th level.
        try:
            _Builder(self.scalar_spans is not None, multiple=self.multiple)._build_from(BaseLoader(text))
        except YAMLError as err:
            raise _syntax_error(err, text) from None
        raise _syntax_error(refused, text)  # not reached: nested that deep, it is refused above

    def _build_from(self, parser: EventParser) -> Any:
        """The document `parser` reads, built event by event; the parser is disposed of."""
        from yaml import events

        handlers = {
            events.MappingStartEvent: lambda e: self._open(MarkedMap(_mark(e)), e),
            events.SequenceStartEvent: lambda e: self._open(MarkedList(_mark(e)), e),
            events.MappingEndEvent: self._close,
            events.SequenceEndEvent: self._close,
            events.ScalarEvent: self._scalar,
            events.AliasEvent: self._alias,
        }
        documents = 0
        try:
            while True:
                event = parser.get_event()
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
                elif isinstance(event, events.DocumentStartEvent):
                    documents += 1
                    if documents > 1 and not self.multiple:
                        raise UnreadableDocument(
                            "the file holds more than one YAML document",
                            "keep one document per file; remove the extra `---`",
                            _mark(event),
                        )
                elif isinstance(event, events.StreamEndEvent):
                    break
        finally:
            parser.dispose()
        if self.multiple:
            return self.root
        return self.root[0] if self.root else None

    # -- where secrets are written

    def _secret_position(self, parent: _Frame | None) -> tuple[bool, bool]:
        """(inside a secret value, the value of a secret-looking key itself) for the next
        node under `parent`, the innermost open container."""
        if parent is None:
            return False, False
        if parent.in_secret:
            return True, False
        own = type(parent.value) is MarkedMap and parent.names_fields and is_secret_key(parent.key)
        return own, own

    def _record_secret(self, value: Any, spans: tuple[Span, ...]) -> None:
        """A secret-looking key's value is written at `spans`; a reference holds no secret,
        nor does an app's tag (`!secret NAME` names where the app keeps it)."""
        if not is_reference(value) and not isinstance(value, Tagged):
            self.secret_spans.extend(spans)
            self.secret_values.extend(secret_values(value))

    def _open(self, container: MarkedMap | MarkedList, event: Any) -> None:
        self._check_tag(event, "map" if isinstance(container, MarkedMap) else "seq")
        if self.stack and self.stack[-1].expect_key and isinstance(self.stack[-1].value, MarkedMap):
            raise UnreadableDocument(
                "a mapping key is itself a mapping or a sequence",
                "use plain text keys",
                _mark(event),
            )
        if len(self.stack) >= MAX_DEPTH:
            raise UnreadableDocument(
                f"the document nests deeper than {MAX_DEPTH} levels",
                "a profile file nests a few levels; check the indentation",
                _mark(event),
            )
        parent = self.stack[-1] if self.stack else None
        in_secret = parent is not None and self._secret_position(parent)[0]
        # where aliases inside are written matters if this container is a secret, or is
        # anchored (an alias to it may land under a secret key), or lies inside one that is
        collects = in_secret or bool(event.anchor) or (parent is not None and parent.collects)
        path = self._child_path()
        frame = _Frame(
            container,
            event.anchor,
            path,
            start=event.start_mark,
            in_secret=in_secret,
            collects=collects,
            names_fields=path != PROFILES,  # a profile named `password-reset` is a profile, not a secret
        )
        self.stack.append(frame)

    def _child_path(self) -> DataPath:
        """The path of the node that comes next under the innermost open container."""
        if not self.stack:
            return ()
        parent = self.stack[-1]
        step = parent.key if isinstance(parent.value, MarkedMap) else len(parent.value)
        return parent.path + (step,)

    def _close(self, event: Any) -> None:
        frame = self.stack.pop()
        if isinstance(frame.value, MarkedMap):
            _apply_merges(frame.value, frame.merges)
        # a flow collection ends after its bracket; a block one where the next token starts,
        # so its span may take in comment lines after it: masked too, which shows less, never more
        end = event.end_mark
        parent = self.stack[-1] if self.stack else None
        _, own_secret = self._secret_position(parent)
        spans: tuple[Span, ...] = ()
        if own_secret or frame.anchor:
            spans = (Span(_to_mark(frame.start), _to_mark(end)), *frame.aliased)
            if own_secret:
                self._record_secret(frame.value, spans)
        if parent is not None and parent.collects and frame.aliased:
            parent.aliased.extend(frame.aliased)
        node = _Node(frame.value, frame.size, frame.height, spans if frame.anchor else ())
        self._attach(node, frame.anchor, frame.value.mark)

    def _scalar(self, event: Any) -> None:  # the hot path: one call per key and value
        start = event.start_mark
        mark = Mark(start.line + 1, start.column + 1)
        if self.scalar_spans is not None:
            end = event.end_mark
            self.scalar_spans.append(((mark.line, mark.column), (end.line + 1, end.column + 1)))
        parent = self.stack[-1] if self.stack else None
        in_map = parent is not None and type(parent.value) is MarkedMap
        if in_map and parent.expect_key:  # type: ignore[union-attr]
            self._check_tag(event, "str")
            parent.key, parent.key_mark, parent.expect_key = event.value, mark, False  # type: ignore[union-attr]
            if event.anchor:
                self.anchors[event.anchor] = _Node(event.value, 1, 1, (_span(event),))
            return
        value = self._scalar_value(event)
        # a secret key's own value; inside a secret container, the container's span covers it
        if in_map and parent.names_fields and not parent.in_secret and is_secret_key(parent.key):  # type: ignore[union-attr]
            self._record_secret(value, (_span(event),))
        if event.anchor or parent is None:
            self._attach(_Node(value, 1, 1, (_span(event),) if event.anchor else ()), event.anchor, mark)
            return
        # what _attach does, for a plain value: this runs once per value of the document
        if len(self.stack) >= MAX_DEPTH:
            raise UnreadableDocument(
                f"the document nests deeper than {MAX_DEPTH} levels", "check the aliases and indentation", mark
            )
        parent.size += 1
        parent.height = max(parent.height, 2)
        container = parent.value
        if isinstance(container, MarkedList):
            container.append(value)
            container.item_marks.append(mark)
        else:
            self._set_key(parent, value, mark)

    def _scalar_value(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            plain = event.implicit[0] and event.style in ("", None)
            return resolve_plain(event.value) if plain else event.value
        if tag in self.app_tags:
            return Tagged(tag, event.value)
        short = self._check_tag(event, None)
        try:
            return _EXPLICIT[short](event.value)
        except (KeyError, ValueError):
            raise UnreadableDocument(  # the value is not quoted: it may be a password
                f"the value is not a valid !!{short}", f"remove the !!{short} tag or fix the value", _mark(event)
            ) from None

    def _check_tag(self, event: Any, expected: str | None) -> str:
        tag: str | None = event.tag
        if tag is None or tag == "!":
            return expected or "str"
        short = tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else None
        # a key or a container takes only its own tag (!!str, !!map, !!seq); a value any core scalar tag
        allowed = short in _EXPLICIT if expected is None else short == expected
        if short is not None and allowed:
            return short
        parent = self.stack[-1] if self.stack else None
        in_secret = parent is not None and (
            parent.in_secret or (not parent.expect_key and self._secret_position(parent)[0])
        )
        raise UnreadableDocument(  # a tag written on a password may be the password: not named there
            "the tag is not supported" if in_secret or len(tag) > 80 else f"the tag {tag} is not supported",
            "remove the tag: mailcheck reads plain YAML data and never runs code from tags",
            _mark(event),
        )

    def _alias(self, event: Any) -> None:
        node = self.anchors.get(event.anchor)
        if node is None:
            raise UnreadableDocument(
                f"the alias *{event.anchor} refers to no anchor defined before it",
                f"define &{event.anchor} earlier in the file",
                _mark(event),
            )
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.value, MarkedMap) and parent.expect_key:
            if not isinstance(node.value, str):
                raise UnreadableDocument("an alias used as a key is not text", "use plain text keys", _mark(event))
            parent.key, parent.key_mark, parent.expect_key = node.value, _mark(event), False
            return
        self._count_alias(node, _mark(event))
        _, own_secret = self._secret_position(parent)
        if own_secret:  # the secret is written where the anchor is, not here
            self._record_secret(node.value, (_span(event), *node.spans))
        elif parent is not None and parent.collects:
            parent.aliased.extend(node.spans)
        self._attach(node, None, _mark(event))

    def _count_alias(self, node: _Node, mark: Mark) -> None:
        self.from_aliases += node.size
        # the nodes built so far, aliases expanded: what each open container holds (a closed
        # one is counted in its parent's size), and the node this alias repeats
        decoded = sum(frame.size for frame in self.stack) + node.size
        if decoded > ALIAS_RATIO_LOW and self.from_aliases > _allowed_alias_ratio(decoded) * decoded:
            raise UnreadableDocument(
                f"aliases expand the document to {decoded:,} nodes, {self.from_aliases:,} of them repeated by aliases",
                "this looks like a YAML bomb (nested aliases); share settings with one level of anchors",
                mark,
            )

    def _attach(self, node: _Node, anchor: str | None, mark: Mark) -> None:
        if node.height + len(self.stack) > MAX_DEPTH:
            raise UnreadableDocument(
                f"the document nests deeper than {MAX_DEPTH} levels", "check the aliases and indentation", mark
            )
        if anchor:
            self.anchors[anchor] = node
        if not self.stack:
            self.root.append(node.value)
            return
        parent = self.stack[-1]
        parent.size += node.size
        parent.height = max(parent.height, node.height + 1)
        if isinstance(parent.value, MarkedList):
            parent.value.append(node.value)
            parent.value.item_marks.append(mark)
            return
        self._set_key(parent, node.value, mark)

    def _set_key(self, frame: _Frame, value: Any, mark: Mark) -> None:
        mapping, key, key_mark = frame.value, frame.key, frame.key_mark
        frame.expect_key = True
        assert isinstance(mapping, MarkedMap) and key is not None and key_mark is not None
        if key == MERGE_KEY:
            frame.merges.extend(self._merge_sources(value, mark))
            return
        if key in mapping:
            self.problems.append(_repeated_key(frame, key, mapping.key_marks[key], key_mark))
        mapping[key] = value
        mapping.key_marks[key] = key_mark
        mapping.value_marks[key] = mark

    def _merge_sources(self, value: Any, mark: Mark) -> list[MarkedMap]:
        sources = value if isinstance(value, list) else [value]
        if not all(isinstance(s, MarkedMap) for s in sources):
            raise UnreadableDocument(
                "a merge key `<<` takes a mapping or a list of mappings",
                "write `<<: *anchor` where &anchor names a mapping",
                mark,
            )
        return sources

    def comments(self, lines: list[str]) -> dict[int, str]:
        """The comment of each line that has one and mentions mailcheck: the text from the
        first "#" that is outside every scalar and starts the line or follows white space."""
        starts = [start for start, _ in self.scalar_spans or ()]
        found: dict[int, str] = {}
        for number, line in enumerate(lines, start=1):
            if "mailcheck:" not in line:
                continue
            for column in (i + 1 for i, char in enumerate(line) if char == "#"):
                if column > 1 and not line[column - 2].isspace():
                    continue
                if not self._inside_scalar((number, column), starts):
                    found[number] = line[column - 1 :]
                    break
        return found

    def _inside_scalar(self, position: tuple[int, int], starts: list[tuple[int, int]]) -> bool:
        assert self.scalar_spans is not None
        index = bisect.bisect_right(starts, position) - 1
        return index >= 0 and position < self.scalar_spans[index][1]


def _repeated_key(frame: _Frame, key: str, first: Mark, again: Mark) -> LoadProblem:
    if frame.in_secret:  # a key inside a password's value may be the password: never named
        field = secret_key_index(frame.path) or 0
        return LoadProblem(
            "MC002",
            f"a key inside this secret value is repeated; it was first written on line {first.line} (not shown)",
            "remove one of the two keys (YAML keeps only the last)",
            again,
            frame.path[: field + 1],
        )
    return LoadProblem(
        "MC002",
        f"the key {key!r} is repeated; it was first written on line {first.line}",
        f"remove one of the two {key!r} keys (YAML keeps only the last)",
        again,
        frame.path + (key,),
    )


def _apply_merges(mapping: MarkedMap, sources: list[MarkedMap]) -> None:
    """Add merged keys the mapping does not set itself; earlier sources win (YAML merge spec)."""
    for source in sources:
        for key, value in source.items():
            if key not in mapping:
                mapping[key] = value
                mapping.key_marks[key] = source.key_marks[key]
                mapping.value_marks[key] = source.value_marks[key]


def _mark(event: Any) -> Mark:
    return _to_mark(event.start_mark)


def _to_mark(mark: Any) -> Mark:
    return Mark(mark.line + 1, mark.column + 1)


def _span(event: Any) -> Span:
    return Span(_to_mark(event.start_mark), _to_mark(event.end_mark))


def _allowed_alias_ratio(decoded: int) -> float:
    """The share of nodes aliases may contribute, by document size (see ALIAS_RATIO_LOW)."""
    if decoded <= ALIAS_RATIO_LOW:
        return 0.99
    if decoded >= ALIAS_RATIO_HIGH:
        return 0.10
    return 0.99 - 0.89 * (decoded - ALIAS_RATIO_LOW) / (ALIAS_RATIO_HIGH - ALIAS_RATIO_LOW)


def _event_parser(text: str) -> EventParser:
    """libyaml's event parser for `text`, through PyYAML's public loader API.

    Why PyYAML, not ruamel.yaml as before: ruamel's parser was reached through its private
    module `_ruamel_yaml` (ruamel.yaml.clib), which ruamel 0.19 replaced with another
    (`_ruamel_yaml_clibz`) behind an extra, so one upstream release could break every
    install. `CBaseLoader` and `get_event()` are PyYAML's documented parsing interface,
    unchanged since PyYAML 3, over the same libyaml: the same events with the same
    attributes (`anchor`, `tag`, `implicit`, `style`, `value`, and marks whose line and
    column count characters, not bytes), pinned by tests/core/test_loader.py. Measured on
    the 10,000-profile file of benchmarks/lint_bench.py, 15 alternating loads: 1.41 s with
    either (medians), and importing either costs about 15 ms. PyYAML's wheels carry libyaml
    0.2.x, where ruamel.yaml.clib carried 0.1.7: plain scalars such as `[a:b]` in flow
    collections now read as YAML 1.2 says instead of failing.

    PyYAML built from source without libyaml has only its pure-Python parser, which gives
    the same events (test_loader.py reads the examples with both), about seven times slower.
    """
    import yaml

    loader: type[EventParser] = getattr(yaml, "CBaseLoader", yaml.BaseLoader)
    return loader(text)


def _beyond_libyaml_nesting(err: YAMLError) -> bool:
    """Whether libyaml refused the document for nesting deeper than its own bound (1000)."""
    return "maximum nesting depth" in (getattr(err, "problem", None) or "")


class EventParser(Protocol):
    """What the loader uses of a PyYAML loader: its events, one at a time."""

    def __init__(self, stream: str) -> None: ...

    def get_event(self) -> Any: ...

    def dispose(self) -> None: ...


def _syntax_error(err: YAMLError, text: str) -> UnreadableDocument:
    from yaml import MarkedYAMLError

    if isinstance(err, MarkedYAMLError):  # the scanner's and parser's errors say where
        problem = err.problem or str(err).splitlines()[0]
        mark = err.problem_mark or err.context_mark
    else:  # the reader's: a character YAML does not allow, named in the message
        problem, mark = str(err).splitlines()[0], None
    where = Mark(mark.line + 1, mark.column + 1) if mark is not None else START
    hint = "fix the YAML syntax at this position"
    # libyaml reports an indenting tab as "found character that cannot start any token":
    # look at the character itself, so the message and hint say what is wrong.
    if _char_at(text, where) == "\t" and "tab" not in problem.lower():
        problem += " (a tab)"
    if "tab" in problem.lower():
        hint = "indent with spaces: YAML does not allow tabs for indentation"
    return UnreadableDocument(f"YAML syntax error: {problem}", hint, where)


def _char_at(text: str, mark: Mark) -> str:
    lines = text.splitlines()
    if not 1 <= mark.line <= len(lines):
        return ""
    line = lines[mark.line - 1]
    return line[mark.column - 1] if 1 <= mark.column <= len(line) else ""

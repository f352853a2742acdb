"""Read one YAML profile file into plain data that remembers where each value is written.

The document is built from libyaml's event stream (ruamel.yaml's C parser) rather than
ruamel's constructors: it is ten times faster, it lets us bound nesting depth and alias
expansion while parsing, report duplicate keys, and keep the position of every key and
value, merged ones included. No tag ever runs code: unknown tags are refused.
"""

from __future__ import annotations

import gc
import math
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 16 * 1024 * 1024  # a profile file of 10,000 profiles is about 2.5 MB
MAX_DEPTH = 64  # profiles nest four levels deep; anything deeper is not a profile file
MAX_EXPANDED_NODES = 1_000_000  # aliases may repeat nodes, but not explode them

MERGE_KEY = "<<"
_CORE_TAG = "tag:yaml.org,2002:"


@dataclass(frozen=True, slots=True)
class Mark:
    """A 1-based line and column in the source file."""

    line: int
    column: int


START = Mark(1, 1)


class MarkedMap(dict):
    """A mapping that also knows where each of its keys and values is written."""

    __slots__ = ("key_marks", "mark", "value_marks")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.key_marks: dict[str, Mark] = {}
        self.value_marks: dict[str, Mark] = {}


class MarkedList(list):
    """A sequence that also knows where each item is written."""

    __slots__ = ("item_marks", "mark")

    def __init__(self, mark: Mark) -> None:
        super().__init__()
        self.mark = mark
        self.item_marks: list[Mark] = []


@dataclass(frozen=True, slots=True)
class LoadProblem:
    """Something wrong with the YAML itself; `rule` is MC001, MC002 or MC101."""

    rule: str
    message: str
    hint: str
    mark: Mark
    path: tuple = ()  # the data path the problem is about, when there is one


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

    def locate(self, path: tuple, *, key: bool = False) -> Mark:
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


def read_document(path: Path) -> Document:
    """Load `path`; raise UnreadableDocument for anything that is not one YAML mapping."""
    text = _read_text(path)
    builder = _Builder()
    # Building allocates hundreds of thousands of containers and creates no cycles:
    # the collector would spend about a third of the load time finding nothing.
    collecting = gc.isenabled()
    gc.disable()
    try:
        data = builder.build(text)
    finally:
        if collecting:
            gc.enable()
    if not isinstance(data, dict):
        kind = "empty" if data is None else f"a {kind_of(data)}"
        raise UnreadableDocument(
            f"the top level is {kind}, not a mapping",
            "start the file with `version: 1` and a `profiles:` mapping",
        )
    return Document(path, text.splitlines(), data, builder.problems)


def _read_text(path: Path) -> str:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            raise UnreadableDocument("not a regular file", "point mailcheck at YAML files")
        size = info.st_size
        if size > MAX_FILE_BYTES:
            raise UnreadableDocument(
                f"the file is {size / 2**20:.1f} MiB, above the {MAX_FILE_BYTES // 2**20} MiB bound",
                "split the profiles into several files",
            )
        raw = path.read_bytes()
    except OSError as err:
        raise UnreadableDocument(
            f"cannot read the file: {err.strerror or err}", "check the path and its permissions"
        ) from None
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
        return int(value[2:], 8)
    if _INT16.match(value):
        return int(value[2:], 16)
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
    path: tuple = ()  # where this container sits in the document, for findings
    size: int = 1
    height: int = 1
    key: str | None = None  # mapping: the key whose value comes next
    key_mark: Mark | None = None
    expect_key: bool = True
    merges: list[MarkedMap] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Node:
    value: Any
    size: int
    height: int


class _Builder:
    def __init__(self) -> None:
        self.anchors: dict[str, _Node] = {}
        self.problems: list[LoadProblem] = []
        self.stack: list[_Frame] = []
        self.root: list[Any] = []
        self.expanded = 0

    def build(self, text: str) -> Any:
        from _ruamel_yaml import CParser  # ruamel.yaml.clib: the libyaml event parser
        from ruamel.yaml import events

        handlers = {
            events.MappingStartEvent: lambda e: self._open(MarkedMap(_mark(e)), e),
            events.SequenceStartEvent: lambda e: self._open(MarkedList(_mark(e)), e),
            events.MappingEndEvent: lambda e: self._close(),
            events.SequenceEndEvent: lambda e: self._close(),
            events.ScalarEvent: self._scalar,
            events.AliasEvent: self._alias,
        }
        documents = 0
        try:
            parser = CParser(text)
            while True:
                event = parser.get_event()
                handler = handlers.get(type(event))
                if handler is not None:
                    handler(event)
                elif isinstance(event, events.DocumentStartEvent):
                    documents += 1
                    if documents > 1:
                        raise UnreadableDocument(
                            "the file holds more than one YAML document",
                            "keep one document per file; remove the extra `---`",
                            _mark(event),
                        )
                elif isinstance(event, events.StreamEndEvent):
                    break
        except UnreadableDocument:
            raise
        except Exception as err:  # libyaml's scanner and parser errors, whatever their class
            raise _syntax_error(err, text) from None
        return self.root[0] if self.root else None

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
        self.stack.append(_Frame(container, event.anchor, self._child_path()))

    def _child_path(self) -> tuple:
        """The path of the node that comes next under the innermost open container."""
        if not self.stack:
            return ()
        parent = self.stack[-1]
        step = parent.key if isinstance(parent.value, MarkedMap) else len(parent.value)
        return parent.path + (step,)

    def _close(self) -> None:
        frame = self.stack.pop()
        if isinstance(frame.value, MarkedMap):
            _apply_merges(frame.value, frame.merges)
        self._attach(_Node(frame.value, frame.size, frame.height), frame.anchor, frame.value.mark)

    def _scalar(self, event: Any) -> None:
        mark = _mark(event)
        parent = self.stack[-1] if self.stack else None
        if parent is not None and isinstance(parent.value, MarkedMap) and parent.expect_key:
            self._check_tag(event, "str")
            parent.key, parent.key_mark, parent.expect_key = event.value, mark, False
            if event.anchor:
                self.anchors[event.anchor] = _Node(event.value, 1, 1)
            return
        self._attach(_Node(self._scalar_value(event), 1, 1), event.anchor, mark)

    def _scalar_value(self, event: Any) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            plain = event.implicit[0] and event.style in ("", None)
            return resolve_plain(event.value) if plain else event.value
        short = self._check_tag(event, None)
        try:
            return _EXPLICIT[short](event.value)
        except (KeyError, ValueError):
            raise UnreadableDocument(
                f"{event.value!r} is not a valid !!{short}", f"remove the !!{short} tag or fix the value", _mark(event)
            ) from None

    def _check_tag(self, event: Any, expected: str | None) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            return expected or "str"
        short = tag.removeprefix(_CORE_TAG) if tag.startswith(_CORE_TAG) else None
        # a key or a container takes only its own tag (!!str, !!map, !!seq); a value any core scalar tag
        allowed = short in _EXPLICIT if expected is None else short == expected
        if short is not None and allowed:
            return short
        raise UnreadableDocument(
            f"the tag {tag} is not supported",
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
        self._attach(node, None, _mark(event))

    def _attach(self, node: _Node, anchor: str | None, mark: Mark) -> None:
        self.expanded += node.size
        if self.expanded > MAX_EXPANDED_NODES:
            raise UnreadableDocument(
                f"aliases expand the document beyond {MAX_EXPANDED_NODES:,} nodes",
                "this looks like a YAML bomb (nested aliases); share settings with one level of anchors",
                mark,
            )
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
            first = mapping.key_marks[key]
            self.problems.append(
                LoadProblem(
                    "MC002",
                    f"the key {key!r} is repeated; it was first written on line {first.line}",
                    f"remove one of the two {key!r} keys (YAML keeps only the last)",
                    key_mark,
                    frame.path + (key,),
                )
            )
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


def _apply_merges(mapping: MarkedMap, sources: list[MarkedMap]) -> None:
    """Add merged keys the mapping does not set itself; earlier sources win (YAML merge spec)."""
    for source in sources:
        for key, value in source.items():
            if key not in mapping:
                mapping[key] = value
                mapping.key_marks[key] = source.key_marks[key]
                mapping.value_marks[key] = source.value_marks[key]


def _mark(event: Any) -> Mark:
    start = event.start_mark
    return Mark(start.line + 1, start.column + 1)


def _syntax_error(err: Exception, text: str) -> UnreadableDocument:
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
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

"""mailcheck.loader's event source: PyYAML's libyaml parser (`yaml.CBaseLoader`).

What the loader takes from each event, checked on the loaded document rather than on the
events, so that any change of parser that moves a position or a type shows here:
- marks (line, column) count characters, not bytes: positions below are computed from the
  text with `str.index`, on lines with accents, CJK and astral-plane characters;
- `implicit` and `style` decide which scalars are typed (YAML 1.2 core schema, 10.3.2):
  plain ones only; quoted and block scalars stay text;
- `tag` (a core tag) and `anchor`;
- errors: the scanner's and parser's carry a mark, the reader's (a character YAML does not
  allow, YAML 1.2 section 5.1) do not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from mailcheck.loader import MAX_DEPTH, Document, Mark, MarkedList, MarkedMap, UnreadableDocument, parse_document

ROOT = Path(__file__).resolve().parents[2]


def load(text: str) -> Document:
    return parse_document(text.encode("utf-8"), Path("t.mail.yaml"))


def refused(text: str) -> UnreadableDocument:
    with pytest.raises(UnreadableDocument) as err:
        load(text)
    return err.value


def position(text: str, line: int, needle: str) -> Mark:
    """Where `needle` starts on 1-based `line` of `text`, in characters."""
    return Mark(line, text.splitlines()[line - 1].index(needle) + 1)


NON_ASCII = (
    "version: 1\n"
    "profiles:\n"
    '  "café-ß": {protocol: smtp, host: "日本.example", port: 587}\n'
    "  émoji:\n"
    '    from: {name: "😀😀 Team", address: ops@example.com}\n'
    "    port: 465\n"
)


def test_marks_count_characters_on_non_ascii_lines() -> None:
    doc = load(NON_ASCII)
    assert doc.locate(("profiles", "café-ß", "port")) == position(NON_ASCII, 3, "587")
    assert doc.locate(("profiles", "café-ß", "port"), key=True) == position(NON_ASCII, 3, "port")
    assert doc.locate(("profiles", "émoji", "from", "address")) == position(NON_ASCII, 5, "ops@")
    assert doc.locate(("profiles", "émoji", "port")) == position(NON_ASCII, 6, "465")
    assert doc.locate(("profiles", "émoji"), key=True) == position(NON_ASCII, 4, "émoji")


def test_a_character_inside_a_value_is_located_past_astral_characters() -> None:
    doc = load(NON_ASCII)
    # the value starts at its quote; "T" of "Team" is its character 3 (two emoji and a space)
    assert doc.locate_character(("profiles", "émoji", "from", "name"), 3) == position(NON_ASCII, 5, "Team")


SCALARS = """\
plain_int: 587
plain_float: 1.5
plain_true: true
plain_null: ~
plain_empty:
quoted_int: "587"
single_true: 'true'
literal: |
  true
folded: >-
  587
tagged_str: !!str 587
tagged_int: !!int "587"
hex: 0x1F
octal: 0o17
yaml11_yes: yes
yaml11_octal: 017
"""


def test_only_plain_untagged_scalars_are_typed_by_the_core_schema() -> None:
    assert dict(load(SCALARS).data) == {
        "plain_int": 587,
        "plain_float": 1.5,
        "plain_true": True,
        "plain_null": None,
        "plain_empty": None,
        "quoted_int": "587",
        "single_true": "true",
        "literal": "true\n",
        "folded": "587",
        "tagged_str": "587",
        "tagged_int": 587,
        "hex": 31,
        "octal": 15,
        "yaml11_yes": "yes",  # YAML 1.1 booleans and octals are text in 1.2
        "yaml11_octal": 17,
    }


def test_anchors_aliases_and_merge_keys_keep_where_they_are_written() -> None:
    text = "base: &b {host: smtp.example.com, port: 587}\ncopy: *b\nmerged:\n  <<: *b\n  port: 465\n"
    doc = load(text)
    assert doc.data["copy"] == {"host": "smtp.example.com", "port": 587}
    assert doc.data["merged"] == {"host": "smtp.example.com", "port": 465}
    assert doc.locate(("merged", "host")) == position(text, 1, "smtp.example.com")  # where the merged value is written
    assert doc.locate(("merged", "port")) == position(text, 5, "465")


def test_an_unknown_tag_is_refused_and_a_core_tag_on_a_key_too() -> None:
    assert "not supported" in refused("a: !python/object:os.system x\n").problem.message
    assert "not supported" in refused("!!int 1: x\n").problem.message


def test_a_scanner_error_says_where() -> None:
    text = "version: 1\nprofiles:\n\tapp: {}\n"
    problem = refused(text).problem
    assert problem.mark == Mark(3, 1)
    assert "(a tab)" in problem.message and "indent with spaces" in problem.hint


def test_a_parser_error_says_where() -> None:
    text = "version: 1\nprofiles: [a, b\nother: 1\n"
    problem = refused(text).problem
    assert problem.message.startswith("YAML syntax error: ")
    assert problem.mark.line == 3  # where the flow sequence was found unclosed


def test_a_character_yaml_does_not_allow_is_named() -> None:
    problem = refused("version: 1\nname: a\x07b\n").problem
    assert problem.message == "YAML syntax error: unacceptable character #x0007: control characters are not allowed"


def test_more_than_one_document_is_refused_at_the_second() -> None:
    text = "version: 1\n---\nversion: 1\n"
    assert refused(text).problem.mark == Mark(2, 1)


@pytest.mark.parametrize("depth", [MAX_DEPTH + 5, 999, 1001, 5000])
def test_nesting_is_refused_at_the_same_level_however_deep_it_goes(depth: int) -> None:
    """libyaml has a bound of its own (1000 levels), which its scanner reaches while looking
    ahead, before the loader sees the level it refuses: the refusal must not move."""
    text = "version: 1\nprofiles: " + "[" * depth + "]" * depth + "\n"
    problem = refused(text).problem
    assert problem.message == f"the document nests deeper than {MAX_DEPTH} levels"
    # the root mapping is level 1: the sequence that would be level MAX_DEPTH + 1 is refused
    assert problem.mark == Mark(2, len("profiles: ") + MAX_DEPTH)


def _at(mark: Mark) -> tuple[int, int]:
    return mark.line, mark.column


def _marks(node: Any) -> Any:
    """Everything the loader records about a node, marks as tuples."""
    if isinstance(node, MarkedMap):
        return {
            key: (_marks(value), _at(node.key_marks[key]), _at(node.value_marks[key])) for key, value in node.items()
        }
    if isinstance(node, MarkedList):
        return [(_marks(item), _at(mark)) for item, mark in zip(node, node.item_marks, strict=True)]
    return node


def _everything(doc: Document) -> tuple[Any, ...]:
    spans = [(_at(s.start), _at(s.end)) for s in doc.secret_spans]
    return _marks(doc.data), spans, doc.secret_values, doc.comments, [p.message for p in doc.problems]


@pytest.mark.parametrize("example", sorted(ROOT.glob("examples/*.mail.yaml")), ids=lambda p: p.name)
def test_pyyamls_pure_python_parser_reads_the_same_documents(example: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PyYAML built without libyaml has only the pure-Python parser: the loader falls back to
    it and reads the same data, marks and secrets (slower)."""
    raw = example.read_bytes()
    with_libyaml = _everything(parse_document(raw, example))
    monkeypatch.delattr(yaml, "CBaseLoader")
    assert _everything(parse_document(raw, example)) == with_libyaml


# --- an app's own YAML: streams of documents, the app's tags ----------------------------


def test_a_stream_of_documents_is_read_whole_with_each_documents_marks() -> None:
    from mailcheck.loader import parse_documents

    document = parse_documents(b"kind: ConfigMap\n---\nkind: Deployment\nspec: {a: 1}\n", Path("k.yaml"))
    assert [d["kind"] for d in document.data] == ["ConfigMap", "Deployment"]
    assert document.data[1].value_marks["spec"] == Mark(4, 7)


def test_an_apps_own_tags_are_kept_as_data_and_hold_no_secret() -> None:
    from mailcheck.loader import Tagged, parse_app_document

    text = b"notify:\n  password: !secret smtp_password\n  token: inline-one\n"
    document = parse_app_document(text, Path("configuration.yaml"), frozenset({"!secret"}))
    assert document.data["notify"]["password"] == Tagged("!secret", "smtp_password")
    assert document.secret_values == ["inline-one"]  # the tag names where the app keeps it
    with pytest.raises(UnreadableDocument, match="the tag !include is not supported"):
        parse_app_document(b"a: !include other.yaml\n", Path("configuration.yaml"), frozenset({"!secret"}))

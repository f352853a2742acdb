"""A small, hostile-input-safe XML reader for provider files: elements with their lines.

Provider files come from anywhere (a download, an attachment, a server's answer), so the
reader refuses everything a mail settings file never needs and an attacker does:

- a document type declaration (`<!DOCTYPE ...>`), and with it every entity declaration.
  Neither a Thunderbird autoconfig file nor an Autodiscover response has one, and without
  it there is no external entity to fetch (XXE) and no entity to expand a billion times
  ("billion laughs", quadratic blowup). An undeclared entity reference (`&lol;`) is then a
  well-formedness error of expat's own. This is what defusedxml does (it sets the same expat
  handlers to raise) plus its `forbid_dtd`, done here with the standard library's expat
  (pyexpat) so that no dependency is added and the reader keeps expat's line numbers, which
  the comments of the imported profiles cite;
- more than MAX_ELEMENTS elements or nesting deeper than MAX_DEPTH: real files have about
  fifty elements four levels deep, and a tree of millions would cost gigabytes;
- a file over the profile loader's 16 MiB bound (checked by the caller on the bytes).

Names are kept without their namespace (Autodiscover puts its elements in two default
namespaces); text is stripped of surrounding white space, as Thunderbird's JXON reading does.
"""

from __future__ import annotations

import xml.parsers.expat
from dataclasses import dataclass, field

MAX_ELEMENTS = 100_000
MAX_DEPTH = 64


class XmlRefused(Exception):
    """The bytes are not XML this reader takes; a one-line reason."""


@dataclass
class Element:
    name: str  # local name, without namespace
    attrs: dict[str, str]
    line: int
    children: list[Element] = field(default_factory=list)
    text: str = ""

    def all(self, name: str) -> list[Element]:
        return [child for child in self.children if child.name == name]

    def first(self, name: str) -> Element | None:
        return next((child for child in self.children if child.name == name), None)


def _local(name: str) -> str:
    return name.rpartition(" ")[2]  # "namespace-uri local" with the separator below


def parse(raw: bytes) -> Element:
    """The root element of `raw`, or XmlRefused."""
    parser = xml.parsers.expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)
    stack: list[Element] = []
    texts: list[list[str]] = []
    root: list[Element] = []
    count = 0

    def refuse_doctype(*_args: object) -> None:
        raise XmlRefused(
            f"line {parser.CurrentLineNumber}: a document type declaration (<!DOCTYPE>) is not read: "
            "provider files have none, and its entities could fetch files or expand without bound"
        )

    def refuse_entity(*_args: object) -> None:
        raise XmlRefused(f"line {parser.CurrentLineNumber}: entity declarations are not read")

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal count
        count += 1
        if count > MAX_ELEMENTS:
            raise XmlRefused(f"more than {MAX_ELEMENTS:,} elements: not a provider file")
        if len(stack) >= MAX_DEPTH:
            raise XmlRefused(f"line {parser.CurrentLineNumber}: elements nested deeper than {MAX_DEPTH} levels")
        element = Element(_local(name), {_local(k): v for k, v in attrs.items()}, parser.CurrentLineNumber)
        if stack:
            stack[-1].children.append(element)
        else:
            root.append(element)
        stack.append(element)
        texts.append([])

    def end(_name: str) -> None:
        element = stack.pop()
        element.text = "".join(texts.pop()).strip()

    def characters(data: str) -> None:
        if texts:
            texts[-1].append(data)

    parser.StartDoctypeDeclHandler = refuse_doctype
    parser.EntityDeclHandler = refuse_entity
    parser.UnparsedEntityDeclHandler = refuse_entity
    parser.ExternalEntityRefHandler = lambda *_args: refuse_entity()  # type: ignore[assignment]
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    try:
        parser.Parse(raw, True)
    except xml.parsers.expat.ExpatError as err:
        reason = xml.parsers.expat.errors.messages.get(err.code, str(err)) if err.code else str(err)
        raise XmlRefused(f"line {err.lineno}, column {err.offset + 1}: {reason}") from None
    except RecursionError:  # not expected from expat; kept as a refusal, never a traceback
        raise XmlRefused("the document is nested too deeply") from None
    if not root:
        raise XmlRefused("no element")
    return root[0]

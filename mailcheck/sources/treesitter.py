"""What the adapters that read with tree-sitter grammars (GitLab's Ruby, Nextcloud's PHP) share."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mailcheck.loader import Mark, Span, UnreadableDocument

if TYPE_CHECKING:
    from tree_sitter import Node


@dataclass
class SourceText:
    """The text a tree was parsed from, and where its nodes are in the file that holds it."""

    raw: bytes
    lines: list[bytes]
    # where the text starts in its file (line, column of its first line, column of the
    # others): (1, 1, 1) for a file of its own, elsewhere for Ruby inside a Compose value
    origin: tuple[int, int, int] = (1, 1, 1)

    def mark(self, point: Any) -> Mark:
        """tree-sitter counts columns in bytes from 0; a Mark in characters from 1."""
        row, column = point[0], point[1]
        line = self.lines[row] if row < len(self.lines) else b""
        first_line, first_column, other_columns = self.origin
        start = first_column if row == 0 else other_columns
        return Mark(first_line + row, len(line[:column].decode("utf-8", "replace")) + start)

    def span(self, node: Node) -> Span:
        return Span(self.mark(node.start_point), self.mark(node.end_point))

    def source(self, node: Node) -> str:
        return self.raw[node.start_byte : node.end_byte].decode("utf-8", "replace")


def walk(root: Node) -> Iterator[Node]:
    """Every node in source order, one at a time and without recursion: a deep file must not
    overflow the stack, nor a large one hold a Python object for each of its nodes at once."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def refuse_syntax_errors(text: SourceText, root: Node, language: str, fix: str) -> None:
    """UnreadableDocument at the first missing or erroneous node, if the tree has any:
    tree-sitter parses on past an error, but the app would not load the file at all."""
    if not root.has_error:
        return
    for node in walk(root):
        if node.is_missing:
            raise UnreadableDocument(
                f"not valid {language}: `{node.type}` is missing here", fix, text.mark(node.start_point)
            )
        if node.type == "ERROR":
            shown = text.source(node).strip().splitlines()
            near = f" near `{shown[0][:40]}`" if shown else ""
            raise UnreadableDocument(f"not valid {language}: a syntax error{near}", fix, text.mark(node.start_point))
    raise UnreadableDocument(f"not valid {language}", fix)

"""What the adapters that read with tree-sitter grammars (GitLab's Ruby, Nextcloud's PHP) share."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node


def walk(root: Node) -> Iterator[Node]:
    """Every node in source order, one at a time and without recursion: a deep file must not
    overflow the stack, nor a large one hold a Python object for each of its nodes at once."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))

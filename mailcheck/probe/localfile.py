"""Reading a local file the profile names (a secret, a CA bundle) without trusting the path.

A FIFO or a terminal (`/dev/stdin`) blocks `open()` or `read()` until someone writes, so
one such path would hang the run; /proc files say they are regular and of size 0 and
hold anything (`/proc/self/environ` is the whole environment). So: look at the path
first and open only a regular file, open it non-blocking and check again on the open
descriptor (the path may have been swapped meanwhile), and read at most `limit + 1`
bytes whatever size it claims. Blocking calls: run them off the event loop
(offloop.in_thread), awaited within the probe's deadline.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 64 * 1024


class FileRefused(Exception):
    """The file cannot be used. The message says what the path is ("is a FIFO, not a
    regular file"), to follow its name; it never holds the file's content."""


def read_regular_file(path: Path, limit: int) -> bytes:
    """The content of the regular file at `path`, at most `limit` bytes; FileRefused otherwise."""
    try:
        _require_regular(os.stat(path).st_mode)
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as err:
        raise FileRefused(f"cannot be read: {err.strerror or type(err).__name__}") from None
    except ValueError:  # a NUL in the path: no file system takes it
        raise FileRefused("cannot be read: the path holds a NUL character") from None
    try:
        _require_regular(os.fstat(descriptor).st_mode)
        data = _read_at_most(descriptor, limit + 1)
    except OSError as err:
        raise FileRefused(f"cannot be read: {err.strerror or type(err).__name__}") from None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        raise FileRefused(f"is larger than {size_text(limit)}")
    return data


def size_text(size: int) -> str:
    """4096 -> "4 KiB", 8388608 -> "8 MiB"."""
    for unit, factor in (("MiB", 1024 * 1024), ("KiB", 1024)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def _require_regular(mode: int) -> None:
    if not stat.S_ISREG(mode):
        kind = next((name for test, name in _KINDS if test(mode)), "something else")
        raise FileRefused(f"is {kind}, not a regular file")


def _read_at_most(descriptor: int, count: int) -> bytes:
    chunks: list[bytes] = []
    left = count
    while left > 0:
        chunk = os.read(descriptor, min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)

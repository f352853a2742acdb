"""Writing an imported profile file: atomically, never over an existing file unless forced,
never over the file it was imported from.

Without --force the file appears whole or not at all, and a file created by someone else
between the check and the write is not replaced: the text goes to a temporary file in the
same folder, which is then hard-linked to the name (link(2) fails when the name exists, so
there is no window) and removed. On a file system without hard links the name is created
with O_EXCL and written in place. With --force, mailcheck.outputs.write_report replaces a
regular file atomically, writes a device or FIFO as a stream and follows a symlink, as for
reports.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from mailcheck.importing.servers import ImportFailure
from mailcheck.text import display_path


def write_profile_file(target: Path, text: str, *, source: Path | None, force: bool) -> None:
    """Write `text` to `target`; `source` is the file it was made from (never replaced), or
    None when there is none (`mailcheck init`)."""
    shown = display_path(str(target))
    if source is not None and _same_file(target, source):
        raise ImportFailure(f"-o {shown} is the file being imported: give another path")
    if force:
        from mailcheck.outputs import OutputError, write_report

        try:
            write_report(target, text)
        except OutputError as err:
            raise ImportFailure(str(err)) from None
        return
    if os.path.lexists(target):
        raise ImportFailure(f"{shown} exists: give --force to replace it, or another -o path")
    data = text.encode("utf-8")
    folder = target.parent
    temp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, _default_mode())
        try:
            os.link(temp, target)
        except FileExistsError:
            raise ImportFailure(f"{shown} exists: give --force to replace it, or another -o path") from None
        except OSError as err:
            if err.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV):
                raise
            _create_exclusive(target, shown, data)
    except OSError as err:
        raise ImportFailure(f"cannot write {shown}: {err.strerror or err}") from None
    finally:
        if temp is not None:
            Path(temp).unlink(missing_ok=True)


def _create_exclusive(target: Path, shown: str, data: bytes) -> None:
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _default_mode())
    except FileExistsError:
        raise ImportFailure(f"{shown} exists: give --force to replace it, or another -o path") from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def _default_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask

"""`mailcheck import FILE`: a provider's published settings as a profile file.

Two formats are read, told apart by the root element: a Thunderbird autoconfig file
(`<clientConfig>`, the ISPDB's format and what autoconfig servers publish; autoconfig.py) and
a Microsoft Autodiscover response in its POX form (`<Autodiscover>`; autodiscover.py). Both
become one profile per IMAP, POP3 or SMTP server (named imap, pop3, smtp, then imap-2, ...),
with a comment on each value saying which element of which line it came from, and secrets as
`{env: NAME}` references only. The XML is read by xmlread.py, which refuses DTDs and
entities; the file is bounded like a profile file (16 MiB). Nothing is fetched: a file is
read and text is returned; writing it is output.py's.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from pathlib import Path

from mailcheck.importing.servers import Address, ImportFailure, Reading
from mailcheck.importing.xmlread import XmlRefused, parse

__all__ = ["Conversion", "ImportFailure", "convert", "user_address"]


@dataclass(frozen=True)
class Conversion:
    text: str
    reading: Reading


def user_address(value: str) -> Address:
    """--address, checked under the policy of every address field (MC401)."""
    from mailcheck.addresses import address_problem

    problem = address_problem(value) if "@" in value else None
    if "@" not in value:
        raise ImportFailure(f"--address {value!r} is not an e-mail address")
    if problem is not None:
        raise ImportFailure(f"--address {value!r} is not usable: {problem.message}")
    return Address(value, "--address")


def convert(path: Path, address: Address | None) -> Conversion:
    """The profile file for the provider file at `path`, or ImportFailure."""
    from mailcheck.importing import autoconfig, autodiscover
    from mailcheck.importing.render import render
    from mailcheck.text import display_path

    shown = display_path(str(path))
    raw = _read(path, shown)
    try:
        root = parse(raw)
    except XmlRefused as err:
        raise ImportFailure(f"{shown} is not XML mailcheck reads: {err}") from None
    name = display_path(path.name)
    if root.name == "clientConfig":
        reading = autoconfig.read(root, name, address)
    elif root.name == "Autodiscover":
        reading = autodiscover.read(root, name, address)
    else:
        raise ImportFailure(
            f"{shown} is neither a Thunderbird autoconfig file (<clientConfig>) nor an Autodiscover "
            f"response (<Autodiscover>): its root element is <{display_path(root.name)[:80]}>"
        )
    if not reading.servers:
        skipped = "; ".join(reading.notes) if reading.notes else "it lists none"
        raise ImportFailure(f"{shown} has no IMAP, POP3 or SMTP server to import ({skipped})")
    return Conversion(render(reading, shown), reading)


def _read(path: Path, shown: str) -> bytes:
    from mailcheck.loader import MAX_FILE_BYTES

    bound = f"above the {MAX_FILE_BYTES // 2**20} MiB bound of a profile file"
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise ImportFailure(f"{shown} is a directory: give one provider file")
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device could block or never end
            raise ImportFailure(f"{shown} is not a regular file")
        if info.st_size > MAX_FILE_BYTES:
            raise ImportFailure(f"{shown} is {info.st_size / 2**20:.1f} MiB, {bound}")
        with open(path, "rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise ImportFailure(f"{shown} does not exist") from None
    except OSError as err:
        raise ImportFailure(f"cannot read {shown}: {err.strerror or err}") from None
    if len(raw) > MAX_FILE_BYTES:  # it grew while being read
        raise ImportFailure(f"{shown} is {bound}")
    return raw

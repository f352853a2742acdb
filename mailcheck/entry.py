"""The console entry point.

`mailcheck --version` is answered before the command line is loaded: editors and CI
wrappers ask it to detect the tool, and importing click would triple its cost.
"""

from __future__ import annotations

import sys

from mailcheck import VERSION_TEXT


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(VERSION_TEXT)
        return
    from mailcheck.cli import main as run_cli

    run_cli()

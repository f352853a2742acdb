#!/usr/bin/env python3
"""Write docs/rules.md from the rules' own docstrings (the text `mailcheck explain` prints).

    python scripts/gen_docs.py          # rewrite docs/rules.md (atomically)
    python scripts/gen_docs.py --check  # exit 1 when docs/rules.md is out of date

tests/test_docs.py runs the same comparison, so a rule edited without regenerating fails CI.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the source tree's mailcheck, installed or not

from mailcheck.docs import RULES_DOC, rules_markdown
from mailcheck.outputs import write_report as write_atomic
from mailcheck.rules import all_rules


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the file is current")
    args = parser.parse_args()
    target = ROOT / RULES_DOC
    wanted = rules_markdown(all_rules().values())
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != wanted:
            print(
                f"{RULES_DOC} is out of date: run python scripts/gen_docs.py",
                file=sys.stderr,
            )
            return 1
        return 0
    if current != wanted:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target, wanted)
        print(f"wrote {RULES_DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

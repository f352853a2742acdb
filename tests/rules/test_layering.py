"""The layering between the linter, the rules and the probe: the rules build their probe
outcomes from the core (mailcheck.outcome), never from mailcheck.probe, so `mailcheck check`
loads no probe module at all."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import mailcheck.rules

ROOT = Path(__file__).resolve().parents[2]
RULES_DIR = Path(mailcheck.rules.__file__).parent


def _is_probe(module: str) -> bool:
    return module == "mailcheck.probe" or module.startswith("mailcheck.probe.")


def test_mailcheck_check_imports_no_probe_module() -> None:
    program = (
        "import runpy, sys\n"
        "sys.argv = ['mailcheck', 'check', 'examples/gmail.mail.yaml']\n"
        "try:\n"
        "    runpy.run_module('mailcheck', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print(sorted(m for m in sys.modules if m == 'mailcheck.probe' or m.startswith('mailcheck.probe.')))\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=ROOT, timeout=120)
    lines = done.stdout.strip().splitlines()
    assert lines[-2] == "exit 0", done.stdout + done.stderr
    assert lines[-1] == "[]", done.stderr


def test_no_rule_module_imports_the_probe() -> None:
    offenders = []
    for path in sorted(RULES_DIR.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            else:
                continue
            offenders += [f"{path.name}: {name}" for name in names if _is_probe(name)]
    assert offenders == []

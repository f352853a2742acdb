"""The npm tools that prove mailcheck's output to consumers nobody here wrote.

Installed by `bash .ci/install-node-tools.sh` into tools/node/node_modules (pinned by
tools/node/package-lock.json). A test that needs one skips with the reason when it is
missing on a developer's machine, and fails in CI (CI=true), where it must be installed.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "tools" / "node" / "node_modules"
SARIF_MULTITOOL = NODE_MODULES / "@microsoft" / "sarif-multitool-linux" / "Sarif.Multitool"
YAML_LANGUAGE_SERVER = NODE_MODULES / "yaml-language-server" / "bin" / "yaml-language-server"
INSTALL = "bash .ci/install-node-tools.sh"


def require(path: Path, what: str, *, needs_node: bool = False) -> Path:
    """`path` when it is installed (and node, if asked); else skip locally, fail in CI."""
    missing = [] if path.exists() else [f"{what} ({path.relative_to(ROOT)})"]
    if needs_node and shutil.which("node") is None:
        missing.append("node")
    if missing:
        reason = f"{', '.join(missing)} not installed: run {INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the real consumer: {reason}")
        pytest.skip(reason)
    return path

"""The rules, one module each (`mcNNN_name.py`), each with its ID, name, severity and docs.

Modules are discovered by name, as yamllint does, so adding a rule is adding a file.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from mailcheck.findings import Rule


@lru_cache(maxsize=1)
def all_rules() -> dict[str, Rule]:
    """Every rule by ID, in ID order."""
    rules: list[Rule] = []
    for module in pkgutil.iter_modules(__path__):
        if module.name.startswith("mc"):
            rules.append(importlib.import_module(f"{__name__}.{module.name}").RULE)
    return {rule.id: rule for rule in sorted(rules, key=lambda r: r.id)}


def find_rule(id_or_name: str) -> Rule | None:
    """A rule by its ID (MC201, case-insensitive) or its name (port-security-mismatch)."""
    rules = all_rules()
    wanted = id_or_name.strip()
    return rules.get(wanted.upper()) or next((r for r in rules.values() if r.name == wanted.lower()), None)


def profile_rules() -> list[Rule]:
    """The offline rules that look at one structurally valid profile."""
    return [rule for rule in all_rules().values() if rule.check is not None and rule.stage == "lint"]

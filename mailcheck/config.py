"""Project settings: `.mailcheck.yaml` or `[tool.mailcheck]` in pyproject.toml.

Looked up from the current directory upward, stopping at the repository root. Keys:
`disable` (rule IDs or names), `severity` (ID -> error|warning|info), `fail-on`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailcheck.discovery import up_to_repo_root
from mailcheck.findings import Severity

CONFIG_FILE = ".mailcheck.yaml"
KEYS = ("disable", "severity", "fail-on")


class ConfigError(Exception):
    """A broken configuration: reported in one line, exit code 2."""


@dataclass(frozen=True)
class Settings:
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    source: str | None = None


def find_config(start: Path) -> Path | None:
    """The nearest `.mailcheck.yaml`, or pyproject.toml with [tool.mailcheck], up to the repo root."""
    for folder in up_to_repo_root(start):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    raw = _read_pyproject(path) if path.name == "pyproject.toml" else _read_yaml(path)
    return _parse(raw, str(path))


def _has_tool_table(pyproject: Path) -> bool:
    try:
        return "tool.mailcheck" in pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False


def _read_pyproject(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: cannot read [tool.mailcheck]: {_one_line(err)}") from None
    except RecursionError:  # arrays nested thousands deep
        raise ConfigError(f"{path}: cannot read [tool.mailcheck]: the TOML nests too deep") from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, so that [tool.mailcheck] can be read")
    return tool.get("mailcheck", {})  # type: ignore[no-any-return]


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


def _read_yaml(path: Path) -> dict[str, Any]:
    from mailcheck.loader import UnreadableDocument, read_document

    try:
        return dict(read_document(path).data)
    except UnreadableDocument as err:
        mark = err.problem.mark
        raise ConfigError(f"{path}:{mark.line}:{mark.column}: {err.problem.message}") from None


def _parse(raw: Any, source: str) -> Settings:
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: the mailcheck settings must be a mapping")
    unknown = sorted(str(k) for k in set(raw) - set(KEYS))
    if unknown:
        raise ConfigError(f"{source}: unknown setting {unknown[0]!r}; known: {', '.join(KEYS)}")

    disable = raw.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(d, str) for d in disable):
        raise ConfigError(f"{source}: `disable` must be a list of rule IDs")
    severity = raw.get("severity", {})
    if not isinstance(severity, dict) or not all(isinstance(v, str) for v in severity.values()):
        raise ConfigError(f"{source}: `severity` must map rule IDs to error, warning or info")
    if not isinstance(raw.get("fail-on", "error"), str):
        raise ConfigError(f"{source}: fail-on must be error, warning or info")
    return Settings(
        disable=rule_ids(disable, source),
        severity={rule_id(k, source): parse_severity(v, f"{source}: severity of {k}") for k, v in severity.items()},
        fail_on=parse_severity(raw.get("fail-on", "error"), f"{source}: fail-on"),
        source=source,
    )


def rule_id(token: Any, source: str) -> str:
    """The ID of the rule named by `token` (an ID or a name); ConfigError if there is none."""
    from mailcheck.rules import find_rule

    rule = find_rule(str(token))
    if rule is None:
        raise ConfigError(f"{source}: unknown rule {token!r} (see `mailcheck rules`)")
    return rule.id


def rule_ids(tokens: Iterable[Any], source: str) -> frozenset[str]:
    return frozenset(rule_id(t, source) for t in tokens)


def parse_severity(value: Any, where: str) -> Severity:
    try:
        return Severity(str(value).lower())
    except ValueError:
        raise ConfigError(f"{where}: {value!r} is not error, warning or info") from None

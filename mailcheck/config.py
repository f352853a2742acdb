"""Project settings: `.mailcheck.yaml`, `[tool.mailcheck]` in pyproject.toml, or a TOML file.

Looked up from the current directory upward, stopping at the repository root; in each
folder `.mailcheck.yaml` first, then pyproject.toml, judged by its parsed `[tool.mailcheck]`
table. `--config FILE` names one instead: a `.toml` file is TOML (pyproject.toml, or any TOML
file with a `tool` table, holds the settings in `[tool.mailcheck]`; any other holds them at
the top level, as ruff.toml does), anything else YAML. Keys: `disable` (rule IDs or names),
`severity` (ID -> error|warning|info), `fail-on`.
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
PYPROJECT = "pyproject.toml"
KEYS = ("disable", "severity", "fail-on")
_EMPTY_YAML_BYTES = 1 << 20  # above this a settings file is not looked at for being empty


class ConfigError(Exception):
    """A broken configuration: reported in one line, exit code 2."""


@dataclass(frozen=True)
class Settings:
    disable: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    source: str | None = None


def find_config(start: Path) -> Path | None:
    """The nearest `.mailcheck.yaml`, or pyproject.toml with [tool.mailcheck], up to the repo
    root; in one folder `.mailcheck.yaml` wins. A pyproject.toml that mentions mailcheck but
    is not valid TOML is a ConfigError (as ruff does): it may hold the settings meant."""
    for folder in up_to_repo_root(start):
        candidate = folder / CONFIG_FILE
        if candidate.is_file():
            return candidate
        pyproject = folder / PYPROJECT
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def load_settings(path: Path | None) -> Settings:
    if path is None:
        return Settings()
    raw = _read_toml(path) if path.suffix.lower() == ".toml" else _read_yaml(path)
    return _parse(raw, str(path))


def _has_tool_table(pyproject: Path) -> bool:
    """Whether the parsed file has a `tool.mailcheck` table (`[tool.mailcheck]`, or dotted
    keys under `[tool]`); a mention in a comment or a string does not count. A file that
    never says "mailcheck" cannot have the table and is not parsed: most Python projects
    have a pyproject.toml, and a pre-commit run should not pay for reading it."""
    try:
        if b"mailcheck" not in pyproject.read_bytes():
            return False
    except OSError:
        return False
    tool = _toml_data(pyproject).get("tool")
    return isinstance(tool, dict) and "mailcheck" in tool


def _toml_data(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
        return data
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"{path}: not valid TOML: {_one_line(err)}") from None
    except RecursionError:  # arrays nested thousands deep
        raise ConfigError(f"{path}: not valid TOML: it nests too deep") from None


def _read_toml(path: Path) -> Any:
    """The settings in a TOML file: its [tool.mailcheck] table in pyproject.toml (or in any
    file with a `tool` table, which is laid out like one), else the top-level keys."""
    data = _toml_data(path)
    if path.name != PYPROJECT and "tool" not in data:
        return data
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(f"{path}: `tool` must be a table, so that [tool.mailcheck] can be read")
    if "mailcheck" not in tool:
        raise ConfigError(f"{path}: no [tool.mailcheck] table; put the settings there (see `mailcheck explain MC201`)")
    return tool["mailcheck"]


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())


def _read_yaml(path: Path) -> dict[str, Any]:
    from mailcheck.loader import UnreadableDocument, read_document

    try:
        return dict(read_document(path).data)
    except UnreadableDocument as err:
        if _is_empty_yaml(path):  # no settings yet: the defaults, as an empty [tool.mailcheck] is
            return {}
        mark = err.problem.mark
        raise ConfigError(f"{path}:{mark.line}:{mark.column}: {err.problem.message}") from None


def _is_empty_yaml(path: Path) -> bool:
    """Whether the file holds no YAML content: blank lines, comments, document markers."""
    try:
        if path.stat().st_size > _EMPTY_YAML_BYTES:
            return False
        text = path.read_bytes().decode("utf-8").removeprefix("\ufeff")
    except (OSError, UnicodeDecodeError):
        return False
    lines = (raw.strip() for raw in text.splitlines())
    return all(line in ("", "---", "...") or line.startswith("#") for line in lines)


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

"""Run `check` over paths: discovery, settings, one result per file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path

from mailcheck.checker import check_file
from mailcheck.config import ConfigError, Settings, find_config, load_settings, rule_ids
from mailcheck.discovery import PROFILE_SUFFIXES, NoSuchPath, discover
from mailcheck.report import CheckReport
from mailcheck.text import display_path


class RunError(Exception):
    """A usage problem: no such path, a broken config, nothing to check."""


def run_check(
    paths: list[Path],
    *,
    config_path: Path | None = None,
    disable: Iterable[str] = (),
    before_check: Callable[[list[Path]], None] | None = None,
) -> tuple[CheckReport, Settings]:
    """Check the profile files under `paths`. `before_check` sees every file the run reads
    (profiles and settings) before any is checked, and may refuse to go on by raising."""
    settings = _settings(config_path, disable)
    try:
        files = discover(paths)
    except NoSuchPath as err:
        raise RunError(f"no such file or directory: {display_path(str(err))}") from None
    if not files:
        where = ", ".join(display_path(str(p)) for p in paths)
        raise RunError(f"no profile files ({' or '.join('*' + s for s in PROFILE_SUFFIXES)}) found in {where}")
    if before_check is not None:
        before_check(files + ([Path(settings.source)] if settings.source else []))
    return CheckReport([check_file(f, shown_path(f), settings) for f in files]), settings


def shown_path(path: Path) -> str:
    """The path relative to the current directory when it is below it, as given otherwise;
    bytes that are not UTF-8 and control characters escaped (see text.display_path)."""
    try:
        shown = os.path.relpath(path) if path.is_absolute() and not os.path.relpath(path).startswith("..") else str(path)
    except ValueError:  # another drive on Windows
        shown = str(path)
    return display_path(shown)


def _settings(config_path: Path | None, disable: Iterable[str]) -> Settings:
    try:
        if config_path is not None and not config_path.is_file():
            raise ConfigError(f"no such config file: {config_path}")
        settings = load_settings(config_path or find_config(Path.cwd()))
        extra = rule_ids(disable, "--disable")
        return replace(settings, disable=settings.disable | extra) if extra else settings
    except ConfigError as err:
        raise RunError(str(err)) from None

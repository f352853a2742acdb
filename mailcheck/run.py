"""Run `check` over paths: discovery, settings, one result per file."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from mailcheck.checker import check_file
from mailcheck.config import ConfigError, Settings, find_config, load_settings, rule_ids
from mailcheck.discovery import PROFILE_SUFFIXES, NoSuchPath, discover
from mailcheck.report import CheckReport
from mailcheck.sources import Source, candidates, source_of
from mailcheck.text import display_path

STDIN = "-"  # the path that means standard input, and the name its findings carry


class RunError(Exception):
    """A usage problem: no such path, a broken config, nothing to check."""


@dataclass(frozen=True)
class StandardInput:
    """A profile read from standard input (`mailcheck check -`), and the path it stands for:
    the name findings carry and suppressions and settings are looked up for (`-` without
    `--stdin-filename`). It is not read from disk."""

    content: bytes
    path: Path = Path(STDIN)


def run_check(
    paths: list[Path],
    *,
    config_path: Path | None = None,
    disable: Iterable[str] = (),
    before_check: Callable[[list[Path]], None] | None = None,
    stdin: StandardInput | None = None,
    respect_gitignore: bool = True,
    read_as: Source | None = None,
) -> tuple[CheckReport, Settings]:
    """Check the profile files and app config files under `paths`, or `stdin` alone when
    given; `read_as` reads every file as that app's. `before_check` sees every file the
    run reads (profiles and settings) before any is checked, and may refuse to go on by raising."""
    if stdin is not None:
        return _check_stdin(stdin, config_path, disable, before_check, read_as)
    settings = _settings(config_path, disable, Path.cwd())
    try:
        found = discover(paths, respect_gitignore=respect_gitignore)
    except NoSuchPath as err:
        raise RunError(f"no such file or directory: {display_path(str(err))}") from None
    files = _with_sources(found, set(paths), read_as)
    if not files:
        where = ", ".join(display_path(str(p)) for p in paths)
        raise RunError(
            f"no profile files ({' or '.join('*' + s for s in PROFILE_SUFFIXES)}) or app config files found in {where}"
        )
    if before_check is not None:
        before_check([f for f, _ in files] + ([Path(settings.source)] if settings.source else []))
    return CheckReport([check_file(f, shown_path(f), settings, source=s) for f, s in files]), settings


def _with_sources(files: list[Path], given: set[Path], read_as: Source | None) -> list[tuple[Path, Source | None]]:
    """Each file with the app whose adapter reads it (None: a profile file). A file a walk
    found by an app's file name is kept only when its content is that app's; a file given
    by name, or with `--as`, is read."""
    chosen: list[tuple[Path, Source | None]] = []
    for file in files:
        keep, source = (True, read_as) if read_as is not None else source_of(file, given=file in given)
        if keep:
            chosen.append((file, source))
    return chosen


def _check_stdin(
    stdin: StandardInput,
    config_path: Path | None,
    disable: Iterable[str],
    before_check: Callable[[list[Path]], None] | None,
    read_as: Source | None,
) -> tuple[CheckReport, Settings]:
    named = stdin.path != Path(STDIN)
    # settings are found from the named file's folder, as they would be for the file itself
    settings = _settings(config_path, disable, Path(os.path.abspath(stdin.path)).parent if named else Path.cwd())
    if before_check is not None:
        # the named file is an input too: a report written over it would destroy the profile
        # the text came from (`git show :x.mail.yaml | mailcheck check - --stdin-filename x.mail.yaml`)
        before_check(([stdin.path] if named else []) + ([Path(settings.source)] if settings.source else []))
    shown = shown_path(stdin.path) if named else STDIN
    # standard input's name says the app (`--stdin-filename grafana.ini`); the content is not on disk
    source = read_as or (next(iter(candidates(stdin.path)), None) if named else None)
    return CheckReport([check_file(stdin.path, shown, settings, content=stdin.content, source=source)]), settings


def shown_path(path: Path) -> str:
    """The path relative to the current directory when it is below it, as given otherwise;
    bytes that are not UTF-8 and control characters escaped (see text.display_path)."""
    try:
        shown = (
            os.path.relpath(path) if path.is_absolute() and not os.path.relpath(path).startswith("..") else str(path)
        )
    except ValueError:  # another drive on Windows
        shown = str(path)
    return display_path(shown)


def _settings(config_path: Path | None, disable: Iterable[str], start: Path) -> Settings:
    """The settings file's (`--config`, else the nearest from `start`), with `--disable` added."""
    try:
        if config_path is not None and not config_path.is_file():
            raise ConfigError(f"no such config file: {config_path}")
        settings = load_settings(config_path or find_config(start))
        # `--disable MC201,MC203` as a suppression comment takes them; repeating it adds more
        extra = rule_ids((token for value in disable for token in value.split(",") if token.strip()), "--disable")
        return replace(settings, disable=settings.disable | extra) if extra else settings
    except ConfigError as err:
        raise RunError(str(err)) from None

"""Where profiles come from: profile files, and the apps' own config files through adapters.

Every source ends in the same `Document` (loader.py): data in the profile format whose every
value is marked where the source writes it. Profile files are read by the loader itself;
each app has an adapter module that reads its config language with a real parser and maps
the app's settings, defaults and semantics onto profiles. The rules, suppressions, settings,
reporters, `probe` and `diff` then work on them unchanged.

The table below is all a run loads until a file of an app is read: an adapter module is
imported only then, so `check` on profile files pays nothing for the apps.
"""

from __future__ import annotations

import fnmatch
import importlib
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from mailcheck.loader import Document
    from mailcheck.sources.base import Adapter


class Source(NamedTuple):
    """An app whose config files mailcheck reads."""

    name: str  # as `--as` takes it
    title: str
    module: str  # the adapter, imported when a file of this source is read
    # file names a directory walk picks up (fnmatch patterns on the name alone); the adapter
    # then decides by content, so an unrelated `custom.ini` is not reported
    names: tuple[str, ...]


SOURCES: tuple[Source, ...] = (
    Source("grafana", "Grafana", "mailcheck.sources.grafana", ("grafana.ini", "custom.ini")),
    Source("django", "Django", "mailcheck.sources.django", ("settings.py", "settings_*.py", "*_settings.py")),
    Source("gitlab", "GitLab (Omnibus)", "mailcheck.sources.gitlab", ("gitlab.rb",)),
    Source("gitea", "Gitea / Forgejo", "mailcheck.sources.gitea", ("app.ini",)),
    Source("alertmanager", "Alertmanager", "mailcheck.sources.alertmanager", ("alertmanager.yml", "alertmanager.yaml")),
    Source("keycloak", "Keycloak", "mailcheck.sources.keycloak", ("*realm*.json",)),
    Source(
        "spring",
        "Spring Boot",
        "mailcheck.sources.spring",
        (
            "application.properties",
            "application-*.properties",
            "application.yml",
            "application.yaml",
            "application-*.yml",
            "application-*.yaml",
        ),
    ),
    Source("nextcloud", "Nextcloud", "mailcheck.sources.nextcloud", ("config.php",)),
    Source("authelia", "Authelia", "mailcheck.sources.authelia", ("configuration.yml", "configuration.yaml")),
    Source("homeassistant", "Home Assistant", "mailcheck.sources.homeassistant", ("configuration.yaml",)),
    # discourse_docker's app.yml; Kubernetes manifests with --as env
    Source(
        "env",
        "environment variables",
        "mailcheck.sources.environment",
        (
            ".env",
            ".env.*",
            "*.env",
            "compose.yaml",
            "compose.yml",
            "docker-compose.yaml",
            "docker-compose.yml",
            "app.yml",
        ),
    ),
)


def source_named(name: str) -> Source | None:
    return next((source for source in SOURCES if source.name == name.lower()), None)


def candidates(path: Path) -> list[Source]:
    """The apps that use this file name (several may: configuration.yaml is Home Assistant's
    and Authelia's), for a directory walk; none for a profile file."""
    from mailcheck.discovery import is_profile_file

    if is_profile_file(path.name):
        return []
    return [s for s in SOURCES if any(fnmatch.fnmatchcase(path.name, p) for p in s.names)]


def app_reading(path: Path) -> Source | None:
    """The app whose settings the file at `path` holds: of the apps using its name, the
    first whose adapter recognises the content. None for another program's `custom.ini`."""
    return next((source for source in candidates(path) if holds_settings(path, source)), None)


def source_of(path: Path, *, given: bool) -> tuple[bool, Source | None]:
    """(whether to check the file, the app that reads it; None: a profile file). A file a
    walk found by an app's name is checked when its content is the app's; a file given by
    name always is, read by its app (the first using the name when none recognises it, so
    that the user hears why nothing is found)."""
    named = candidates(path)
    if not named:
        return True, None
    found = app_reading(path)
    if found is not None:
        return True, found
    return given, named[0]


def holds_settings(path: Path, source: Source) -> bool:
    """Whether the file at `path` holds `source`'s settings (by its adapter's reading)."""
    from mailcheck.loader import UnreadableDocument, decode, read_bytes

    try:
        return adapter(source).recognises(decode(read_bytes(path)))
    except UnreadableDocument:
        return False


@cache
def adapter(source: Source) -> Adapter:
    module: Adapter = importlib.import_module(source.module)  # an adapter module (tests/sources)
    return module


def read_source(path: Path, source: Source | None, content: bytes | None = None) -> Document:
    """The document at `path` (or `content`, read from standard input, named `path`): a
    profile file without a source, else the app's file read by its adapter. Raises
    UnreadableDocument for a file that cannot be read as text in its language."""
    from mailcheck import loader

    if source is None:
        return loader.read_document(path) if content is None else loader.parse_document(content, path)
    raw = loader.read_bytes(path) if content is None else loader.bounded(content)
    return adapter(source).adapt(path, loader.decode(raw))

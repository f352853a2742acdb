"""Apps configured by environment variables: `.env` files, Compose files, Kubernetes manifests.

Many deployments set mail settings as variables (`GF_SMTP_HOST`) where the app runs rather
than in its own file. This adapter reads the variables with their positions and hands each
group (a `.env` file, one Compose service, one container or ConfigMap) to the apps that read
variables (Grafana's GF_SMTP_*, Mastodon's SMTP_*, Discourse's DISCOURSE_SMTP_*, Gitea's
GITEA__mailer__* and GITEA__email_0X2E_incoming__*, GitLab's GITLAB_OMNIBUS_CONFIG (Ruby, read
as gitlab.rb), Authelia's AUTHELIA_NOTIFIER_SMTP_*: each app module's `from_environment`):
- `.env` files with python-dotenv's parser (dotenv.parser.parse_stream, which yields each
  binding with the line it was read from), the syntax Compose's `env_file` shares with it;
- Compose files (`compose.yaml`, `docker-compose.yml`): `services.NAME.environment`, as a
  mapping or a list of `NAME=value` (Compose specification, "environment");
- Kubernetes manifests (`--as env`, any number of `---` documents): a container's `env`
  list (`name` with `value`; `valueFrom` is read at run time) and a ConfigMap's `data`;
- discourse_docker's `containers/app.yml`: its `env` mapping.
A variable whose value comes from elsewhere at run time (`valueFrom`, `${VAR}` in Compose)
is a reference, never an inline secret.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from mailcheck.loader import START, Document, LoadProblem, Mark, MarkedList, MarkedMap, Span, UnreadableDocument
from mailcheck.secrets import is_secret_key
from mailcheck.sources import authelia, discourse, gitea, gitlab, grafana, mastodon
from mailcheck.sources.base import App, Binding, ProfileBuilder, adapted_document

APP = App("env", "environment variables")


class EnvironmentApp(Protocol):
    """What an app module (or an object for a second profile of one app) gives for its variables."""

    ENVIRONMENT_PREFIX: str
    ENVIRONMENT_APP: App

    def from_environment(
        self, variables: dict[str, Binding], mark: Mark, name: str
    ) -> tuple[ProfileBuilder | None, list[LoadProblem]]: ...


# the apps that read their mail settings from variables, each with its own prefix and hints;
# Gitea's [email.incoming] and GitLab's mailboxes are profiles of their own, with their own names
ENVIRONMENT_APPS: tuple[EnvironmentApp, ...] = (
    grafana,
    mastodon,
    discourse,
    gitea,
    gitea.INCOMING_ENVIRONMENT,
    gitlab,
    *gitlab.MAILBOX_ENVIRONMENTS,
    authelia,
)
COMPOSE_NAMES = frozenset({"compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml", "app.yml"})
WORKLOADS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob"})


class Group(NamedTuple):
    """The variables one process sees: a `.env` file, a Compose service, a container."""

    name: str  # the profile names' prefix ("" for a .env file)
    mark: Mark
    variables: dict[str, Binding]


def recognises(text: str) -> bool:
    """Whether the file sets an app's variables, read as YAML (Compose, Kubernetes) or as a
    .env file: a walk finds both kinds by name, and the one that does not fit reads nothing."""
    if not any(app.ENVIRONMENT_PREFIX in text for app in ENVIRONMENT_APPS):  # no variable without its name
        return False
    return any(_sets_variables(kind, text) for kind in (Path("compose.yaml"), Path(".env")))


def _sets_variables(kind: Path, text: str) -> bool:
    try:
        return bool(adapt(kind, text).data["profiles"])
    except UnreadableDocument:
        return False


def adapt(path: Path, text: str) -> Document:
    groups, comments, masked = _read(path, text)
    profiles: list[ProfileBuilder] = []
    notes: list[LoadProblem] = []
    apps: dict[str, App] = {}
    for group in groups:
        base = f"{group.name}.smtp" if group.name else "smtp"
        for app in ENVIRONMENT_APPS:
            name = base if base not in apps else f"{base}-{app.ENVIRONMENT_APP.name}"
            profile, found = app.from_environment(group.variables, _mark_of(group, app.ENVIRONMENT_PREFIX), name)
            if profile is not None:
                profiles.append(profile)
                notes += found
                apps[profile.name] = app.ENVIRONMENT_APP  # a mailbox names its own profile
    return adapted_document(path, text, APP, profiles, notes=notes, comments=comments, masked=masked, profile_apps=apps)


def _mark_of(group: Group, prefix: str) -> Mark:
    """Where a setting the app leaves out belongs: the group's start (a Compose service, a
    container), or in a .env file, which has no such start, the app's first variable."""
    if group.mark != START:
        return group.mark
    return next((b.key_mark for key, b in group.variables.items() if key.startswith(prefix)), START)


def _read(path: Path, text: str) -> tuple[list[Group], dict[int, str], list[Span]]:
    if path.name in COMPOSE_NAMES or (path.suffix in (".yaml", ".yml") and not path.name.startswith(".env")):
        groups, comments, masked = _from_yaml(path, text)
    else:
        bindings = _dotenv(text)
        masked = [b.span for b in bindings if is_secret_key(b.key)]
        comments = _dotenv_comments(text)
        groups = [Group("", START, {b.key: b for b in bindings})]
    lines = text.splitlines()
    for group in groups:
        ruby = group.variables.get(gitlab.ENVIRONMENT_VARIABLE)
        if ruby is not None:
            group.variables[ruby.key] = _ruby_binding(lines, ruby)
    return groups, comments, masked


def _ruby_binding(lines: list[str], binding: Binding) -> Binding:
    """GITLAB_OMNIBUS_CONFIG (Ruby) with its value mark moved to the value's first character,
    so that gitlab.py points into it: after a quote; for a literal block (`|`), at the first
    line after the indicator, at the block's indentation, which every line of it has (the span
    then starts at the `|`, a line above the value mark, which tells gitlab.py so)."""
    mark = binding.value_mark
    line = lines[mark.line - 1] if 0 < mark.line <= len(lines) else ""
    first = line[mark.column - 1 : mark.column]
    if first == "|":
        content = next((text for text in lines[mark.line :] if text.strip()), "")
        start = Mark(mark.line + 1, len(content) - len(content.lstrip(" ")) + 1)
        end = Mark(start.line + binding.value.count("\n"), 1)
        return binding._replace(value_mark=start, span=Span(mark, end))
    if first in ("'", '"'):
        return binding._replace(value_mark=Mark(mark.line, mark.column + 1))
    return binding


# --- .env files ---------------------------------------------------------------------------


def _dotenv(text: str) -> list[Binding]:
    from dotenv.parser import parse_stream  # imported only for a .env file

    bindings = []
    for parsed in parse_stream(io.StringIO(text)):
        if parsed.error:
            line = parsed.original.string.rstrip("\n")
            raise UnreadableDocument(
                "a line is not NAME=value: Compose and python-dotenv do not read it",
                "write NAME=value, quote a value with spaces, start a comment with #",
                Mark(parsed.original.line, len(line) - len(line.lstrip()) + 1),
            )
        if parsed.key is None or parsed.value is None:
            continue
        bindings.append(_dotenv_binding(parsed.key, parsed.value, parsed.original.string, parsed.original.line))
    return bindings


def _dotenv_binding(key: str, value: str, original: str, line: int) -> Binding:
    """Where `key` and its value are written in `original` (its line(s) as read)."""
    key_at = original.find(key)
    equals = original.find("=", key_at + len(key))
    start = equals + 1
    while start < len(original) and original[start] in " \t":
        start += 1
    written = original[start:].rstrip("\n")
    if written[:1] in ("'", '"'):
        close = written.find(written[0], 1)
        while close > 0 and written[0] == '"' and written[close - 1] == "\\":
            close = written.find('"', close + 1)
        written = written[: close + 1] if close > 0 else written
    else:
        comment = written.find(" #")
        written = (written[:comment] if comment >= 0 else written).rstrip()
    before = original[:start]
    start_mark = Mark(line + before.count("\n"), start - (before.rfind("\n") + 1) + 1)
    end_line = start_mark.line + written.count("\n")
    end_column = (len(written) - written.rfind("\n")) if "\n" in written else start_mark.column + len(written)
    return Binding(key, value, Mark(line, key_at + 1), start_mark, Span(start_mark, Mark(end_line, end_column)))


def _dotenv_comments(text: str) -> dict[int, str]:
    found = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith("#"):
            found[number] = stripped
        elif " #" in line and "mailcheck:" in line:
            found[number] = line[line.index(" #") + 1 :]
    return found


# --- Compose files and Kubernetes manifests ----------------------------------------------


def _from_yaml(path: Path, text: str) -> tuple[list[Group], dict[int, str], list[Span]]:
    from mailcheck.loader import parse_documents

    document = parse_documents(text.encode("utf-8"), path)
    groups = [group for data in document.data for group in _groups(document, data)]
    return groups, document.comments, list(document.secret_spans)


def _groups(document: Document, data: Any) -> Iterator[Group]:
    if not isinstance(data, MarkedMap):
        return
    services = data.get("services")
    if isinstance(services, MarkedMap):  # a Compose file
        for name, service in services.items():
            if isinstance(service, MarkedMap) and "environment" in service:
                variables = _compose_environment(document, service["environment"])
                yield Group(str(name), service.mark, variables)
        return
    if isinstance(data.get("env"), MarkedMap) and "templates" in data:  # discourse_docker's containers/app.yml
        yield Group("", data["env"].mark, _mapping(data["env"]))
        return
    kind = data.get("kind")
    if kind == "ConfigMap" and isinstance(data.get("data"), MarkedMap):
        yield Group(_metadata_name(data), data["data"].mark, _mapping(data["data"]))
    elif kind in WORKLOADS:
        for container in _containers(data):
            yield Group(str(container.get("name", "container")), container.mark, _container_env(container))


def _compose_environment(document: Document, environment: Any) -> dict[str, Binding]:
    if isinstance(environment, MarkedMap):
        return _mapping(environment)
    variables: dict[str, Binding] = {}
    if isinstance(environment, MarkedList):
        for index, item in enumerate(environment):
            if not isinstance(item, str) or "=" not in item:
                continue
            key, value = item.split("=", 1)
            mark = environment.item_marks[index]
            value_mark = _character(document, environment, index, len(key) + 1)
            end = Mark(value_mark.line, value_mark.column + len(value))
            variables[key] = Binding(key, value, mark, value_mark, Span(value_mark, end))
    return variables


def _character(document: Document, items: MarkedList, index: int, offset: int) -> Mark:
    """Where character `offset` of list item `index` is written (quotes counted)."""
    mark = items.item_marks[index]
    line = document.lines[mark.line - 1] if 0 < mark.line <= len(document.lines) else ""
    quoted = line[mark.column - 1 : mark.column] in ("'", '"')
    return Mark(mark.line, mark.column + offset + (1 if quoted else 0))


def _mapping(values: MarkedMap) -> dict[str, Binding]:
    variables = {}
    for key, value in values.items():
        if isinstance(value, (str, int, float, bool)):
            mark = values.value_marks.get(key, values.mark)
            text = _scalar_text(value)
            variables[str(key)] = Binding(
                str(key),
                text,
                values.key_marks.get(key, mark),
                mark,
                Span(mark, Mark(mark.line, mark.column + len(text))),
            )
    return variables


def _scalar_text(value: Any) -> str:
    """A YAML scalar as the process sees it in its environment (Compose writes booleans as
    `true`/`false`)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


# where each kind keeps its pod spec
_POD_SPEC = {"Pod": ("spec",), "CronJob": ("spec", "jobTemplate", "spec", "template", "spec")}
_TEMPLATE_POD_SPEC = ("spec", "template", "spec")


def _containers(workload: MarkedMap) -> Iterator[MarkedMap]:
    pod: Any = workload
    for key in _POD_SPEC.get(str(workload.get("kind")), _TEMPLATE_POD_SPEC):
        pod = pod.get(key) if isinstance(pod, MarkedMap) else None
    for key in ("initContainers", "containers"):
        items = pod.get(key) if isinstance(pod, MarkedMap) else None
        if isinstance(items, MarkedList):
            yield from (c for c in items if isinstance(c, MarkedMap))


def _container_env(container: MarkedMap) -> dict[str, Binding]:
    variables: dict[str, Binding] = {}
    env = container.get("env")
    if not isinstance(env, MarkedList):
        return variables
    for item in env:
        if not isinstance(item, MarkedMap) or not isinstance(item.get("name"), str):
            continue
        name = item["name"]
        mark = item.value_marks.get("value", item.mark)
        if "value" in item and isinstance(item["value"], (str, int, float, bool)):
            text = _scalar_text(item["value"])
            variables[name] = Binding(
                name, text, item.key_marks["name"], mark, Span(mark, Mark(mark.line, mark.column + len(text)))
            )
        elif "valueFrom" in item:  # a Secret or ConfigMap key, read when the pod starts
            at = item.value_marks.get("valueFrom", item.mark)
            variables[name] = Binding(name, "${" + name + "}", item.key_marks["name"], at, Span(at, at))
    return variables


def _metadata_name(data: MarkedMap) -> str:
    metadata = data.get("metadata")
    name = metadata.get("name") if isinstance(metadata, MarkedMap) else None
    return str(name) if name else "configmap"

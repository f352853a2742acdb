"""Discourse: the DISCOURSE_SMTP_* variables (a container's `env`, discourse_docker's app.yml).

Sources (discourse/discourse): config/discourse_defaults.conf @ ce606bd88bd6f038df9a8309d1597df8f0782cdb:
every setting may come from the environment as DISCOURSE_ + its name upper-cased;
smtp_port = 25, smtp_authentication = plain, smtp_enable_start_tls = true,
smtp_openssl_verify_mode ("to disable, set to 'none'"). config/environments/production.rb @
cef65b30e3359c425e951e0d2f9ac14ba50d4712: SMTP only when smtp_address is set (sendmail
otherwise), `enable_starttls_auto: smtp_enable_start_tls`, so STARTTLS is opportunistic by
default (ruby_mail.py). Newer versions' lib/global_setting.rb (smtp_settings, read through the
search tool without a commit) add smtp_force_tls (`tls: true`, and then no STARTTLS), and
BaseProvider.coerce reads "true"/"false" as booleans and digits as numbers.
"""

from __future__ import annotations

from collections.abc import Callable

from mailcheck.loader import LoadProblem, Mark
from mailcheck.sources import ruby_mail
from mailcheck.sources.base import App, Binding, ProfileBuilder, note

ENVIRONMENT_PREFIX = "DISCOURSE_SMTP_"
DEFAULT_PORT = 25
MECHANISMS = {"plain": "plain", "login": "login", "cram_md5": "cram-md5"}
# the site setting the admin sets in the UI (notification_email); the container may pass it
SENDER = "DISCOURSE_NOTIFICATION_EMAIL"

ENVIRONMENT_APP = App(
    "discourse",
    "Discourse",
    hints={
        "MC201": "for port 465 set DISCOURSE_SMTP_FORCE_TLS=true; for STARTTLS use DISCOURSE_SMTP_PORT=587",
        "MC204": "use DISCOURSE_SMTP_PORT=465 with DISCOURSE_SMTP_FORCE_TLS=true",
        "MC206": "remove DISCOURSE_SMTP_OPENSSL_VERIFY_MODE=none",
        "MC214": "Discourse cannot require STARTTLS (smtp_enable_start_tls is the mail gem's enable_starttls_auto, "
        "used only when offered): use DISCOURSE_SMTP_PORT=465 with DISCOURSE_SMTP_FORCE_TLS=true",
        "MC303": "set DISCOURSE_SMTP_PASSWORD where Discourse runs, not in the committed file",
    },
)


def recognises_variables(variables: dict[str, Binding]) -> bool:
    return f"{ENVIRONMENT_PREFIX}ADDRESS" in variables


def from_environment(
    variables: dict[str, Binding], mark: Mark, name: str
) -> tuple[ProfileBuilder | None, list[LoadProblem]]:
    """The profile Discourse's variables configure; None when it sends with sendmail."""
    get = {key: b for key, b in variables.items() if key.startswith(ENVIRONMENT_PREFIX) and b.value != ""}.get
    address = get(f"{ENVIRONMENT_PREFIX}ADDRESS")
    if address is None:
        return None, []
    notes: list[LoadProblem] = []
    profile = ProfileBuilder(name, mark)
    profile.set(("protocol",), "smtp")
    profile.set(("host",), address.value, address)
    port = get(f"{ENVIRONMENT_PREFIX}PORT")
    if port is not None and port.value.isascii() and port.value.isdigit():
        profile.set(("port",), int(port.value), port)
    else:
        profile.set(("port",), DEFAULT_PORT, port)
    force = _flag(get(f"{ENVIRONMENT_PREFIX}FORCE_TLS"), False, profile, notes)
    start_tls = _flag(get(f"{ENVIRONMENT_PREFIX}ENABLE_START_TLS"), True, profile, notes)
    mode = ruby_mail.security(force, None, not force and start_tls)  # global_setting.rb smtp_settings
    assert mode is not None  # force_tls turns STARTTLS off: never refused
    where = get(f"{ENVIRONMENT_PREFIX}FORCE_TLS") if force else get(f"{ENVIRONMENT_PREFIX}ENABLE_START_TLS")
    profile.set(("security",), mode, where)
    verify = get(f"{ENVIRONMENT_PREFIX}OPENSSL_VERIFY_MODE")
    if verify is not None and verify.value.lower() != "peer":
        profile.set(("tls", "verify"), False, verify)
    _auth(profile, get, notes)
    sender = variables.get(SENDER)
    if sender is not None and sender.value:
        profile.set(("from", "address"), sender.value, sender)
    else:  # set in the admin UI (Settings, notification email): not in this file
        profile.defer(("from", "address"), "noreply@example.com", address)
    return profile, notes


def _flag(binding: Binding | None, default: bool, profile: ProfileBuilder, notes: list[LoadProblem]) -> bool:
    """BaseProvider.coerce: "true" and "false" are booleans; any other text stays text, truthy in Ruby."""
    if binding is None:
        return default
    if binding.value in ("true", "false"):
        return binding.value == "true"
    notes.append(
        note(
            "MC602",
            binding,
            f"{binding.key} `{binding.value}` is not true or false: Discourse keeps it as text, which Ruby takes "
            "as true",
            "write true or false",
            ("profiles", profile.name, "security"),
        )
    )
    return True


def _auth(profile: ProfileBuilder, get: Callable[[str], Binding | None], notes: list[LoadProblem]) -> None:
    user, password = get(f"{ENVIRONMENT_PREFIX}USER_NAME"), get(f"{ENVIRONMENT_PREFIX}PASSWORD")
    if user is None and password is None:
        return
    if user is not None:
        profile.set(("auth", "username"), user.value, user)
    if password is not None:
        # `${NAME}` (a Compose interpolation) is a reference in the profile format too
        profile.secret(("auth", "password"), password.value, password)
    method = get(f"{ENVIRONMENT_PREFIX}AUTHENTICATION")
    if method is not None:
        mechanism = MECHANISMS.get(method.value)
        if mechanism is None:
            notes.append(
                note(
                    "MC602",
                    method,
                    f"{method.key} `{method.value}` is not plain, login or cram_md5: Discourse refuses it",
                    "write plain (the default), login or cram_md5",
                    ("profiles", profile.name, "auth", "mechanism"),
                )
            )
        else:
            profile.set(("auth", "mechanism"), mechanism, method)

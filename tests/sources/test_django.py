"""The Django adapter: Django's own documented settings, each of its mail footguns, as a user sees them."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from mailcheck.checker import FileResult, check_file
from mailcheck.config import Settings
from mailcheck.loader import Mark, UnreadableDocument
from mailcheck.sources import django as adapter
from mailcheck.sources import source_named
from tests.cli_run import INLINE_SECRET, mailcheck, repo

FIXTURES = Path(__file__).parent.parent / "fixtures" / "apps" / "django"
DJANGO = source_named("django")


def check(tmp_path: Path, text: str, name: str = "settings.py") -> FileResult:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return check_file(path, name, Settings(), source=DJANGO)


def seen(result: FileResult) -> list[tuple[str, int, int]]:
    return [(f.rule, f.line, f.column) for f in result.findings]


def profiles(result: FileResult) -> dict:
    assert result.document is not None
    return result.document.data["profiles"]


def fixture(tmp_path: Path, name: str) -> FileResult:
    shutil.copy(FIXTURES / name, tmp_path / name)
    return check_file(tmp_path / name, name, Settings(), source=DJANGO)


# ---------------------------------------------------------------- Django's own documentation


def test_the_docs_email_settings_are_read_as_django_connects_and_report_the_inline_password(tmp_path):
    result = fixture(tmp_path, "mailers_migration_email_settings.py")
    assert seen(result) == [("MC303", 6, 23)]  # EMAIL_HOST_PASSWORD = "password", at its quote
    [finding] = result.findings
    assert 'os.environ["EMAIL_HOST_PASSWORD"]' in finding.hint  # the fix in Django's terms
    default = profiles(result)["default"]
    assert (default["host"], default["port"], default["security"]) == ("mail.example.net", 587, "starttls")
    assert default["auth"]["username"] == "user@example.net"
    assert default["from"] == {"address": "webmaster@localhost"}  # DEFAULT_FROM_EMAIL's default


def test_the_docs_mailers_form_takes_587_from_use_tls(tmp_path):
    result = fixture(tmp_path, "mailers_migration_mailers_settings.py")
    assert seen(result) == [("MC303", 9, 25)]
    assert profiles(result)["default"]["port"] == 587  # "port is not needed: it defaults to 587"


def test_the_settings_reference_reports_only_the_alias_without_tls(tmp_path):
    result = fixture(tmp_path, "ref_mailers_settings.py")
    # "default" is smtp.example.net:25 without TLS; "newsletters" reads its secrets from the environment
    assert seen(result) == [("MC205", 4, 5)]
    assert result.findings[0].profile == "default"
    newsletters = profiles(result)["newsletters"]
    assert newsletters["auth"]["password"] == {"env": "BULK_EMAIL_SERVICE_API_KEY"}
    assert (newsletters["port"], newsletters["security"]) == (587, "starttls")


def test_the_topics_smtp_mailer_is_clean(tmp_path):
    result = fixture(tmp_path, "topics_email_mailers_settings.py")
    assert result.findings == []
    default = profiles(result)["default"]
    assert default["auth"] == {"username": "my-app", "password": {"env": "MY_APP_SMTP_PASSWORD"}}
    assert default["timeout"] == 10


def test_the_startproject_template_sends_nothing_over_the_network(tmp_path):
    text = (FIXTURES / "project_template_settings.py-tpl").read_text(encoding="utf-8")
    assert adapter.recognises(text)
    result = fixture(tmp_path, "project_template_settings.py-tpl")
    assert result.findings == [] and profiles(result) == {}


# ---------------------------------------------------------------- a clean file and the footguns


def test_a_clean_settings_py_has_no_findings(tmp_path):
    result = check(
        tmp_path,
        """\
        import os

        EMAIL_HOST = "smtp.example.com"
        EMAIL_PORT = 587
        EMAIL_USE_TLS = True
        EMAIL_HOST_USER = "app@example.com"
        EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]
        DEFAULT_FROM_EMAIL = "Example App <app@example.com>"
        """,
    )
    assert result.findings == []
    assert profiles(result)["default"]["from"] == {"address": "app@example.com", "name": "Example App"}
    assert result.valid_profiles  # whole and known: the probe may use it


def test_both_tls_switches_are_one_mc601_at_the_second(tmp_path):
    result = check(
        tmp_path,
        """\
        EMAIL_HOST = "smtp.example.com"
        EMAIL_PORT = 587
        EMAIL_USE_SSL = True
        EMAIL_USE_TLS = True
        """,
    )
    assert seen(result) == [("MC601", 4, 17)]  # no MC201 besides: Django never connects
    assert "mutually exclusive" in result.findings[0].message
    assert not result.valid_profiles  # nothing for the probe to try


@pytest.mark.parametrize(
    ("settings", "at"),
    [
        ('EMAIL_HOST_USER = "app@example.com"\n', (4, 19)),
        (f'EMAIL_HOST_PASSWORD = "{INLINE_SECRET}"\n', (4, 23)),
    ],
)
def test_a_login_needs_both_user_and_password(tmp_path, settings, at):
    result = check(tmp_path, 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 587\nEMAIL_USE_TLS = True\n' + settings)
    assert seen(result) == [("MC603", *at)]
    assert "sends without logging in" in result.findings[0].message
    assert "auth" not in profiles(result)["default"]
    assert INLINE_SECRET not in result.findings[0].message + result.findings[0].hint


def test_a_quoted_false_turns_tls_on(tmp_path):
    result = check(tmp_path, 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = "587"\nEMAIL_USE_TLS = "False"\n')
    assert seen(result) == [("MC602", 3, 17)]
    assert "reads it as True" in result.findings[0].message
    default = profiles(result)["default"]
    assert (default["security"], default["port"]) == ("starttls", 587)  # "587" works: socket takes it


def test_a_port_that_is_no_number_is_mc602(tmp_path):
    result = check(tmp_path, 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = "submission"\nEMAIL_USE_TLS = True\n')
    assert seen(result) == [("MC602", 2, 14)]


def test_ssl_without_a_port_stays_on_25(tmp_path):
    result = check(
        tmp_path,
        f"""\
        EMAIL_HOST = "smtp.example.com"
        EMAIL_USE_SSL = True
        EMAIL_HOST_USER = "app@example.com"
        EMAIL_HOST_PASSWORD = "{INLINE_SECRET}"
        """,
    )
    # Django connects with implicit TLS to EMAIL_PORT's default 25; a missing port points at the first setting
    assert seen(result) == [("MC201", 1, 1), ("MC208", 1, 1), ("MC303", 4, 23)]
    assert result.findings[0].hint.startswith("set EMAIL_USE_SSL = True for port 465")


def test_cleartext_login_is_reported_with_the_fix_in_django_terms(tmp_path):
    result = check(
        tmp_path,
        """\
        import os
        EMAIL_HOST = "smtp.example.com"
        EMAIL_PORT = 587
        EMAIL_HOST_USER = "app@example.com"
        EMAIL_HOST_PASSWORD = os.environ["EMAIL_HOST_PASSWORD"]
        """,
    )
    assert [f.rule for f in result.findings] == ["MC204"]
    assert "EMAIL_USE_TLS = True and EMAIL_PORT = 587" in result.findings[0].hint


@pytest.mark.parametrize("backend", ["console", "filebased", "locmem", "dummy"])
def test_a_backend_that_sends_nothing_over_the_network_has_no_profile(tmp_path, backend):
    result = check(
        tmp_path,
        f'EMAIL_BACKEND = "django.core.mail.backends.{backend}.EmailBackend"\nEMAIL_HOST = "smtp.example.com"\n',
    )
    assert result.findings == [] and profiles(result) == {}


def test_an_unused_password_is_still_masked(tmp_path):
    result = check(
        tmp_path,
        f'EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"\nEMAIL_HOST_PASSWORD = "{INLINE_SECRET}"\n',
    )
    assert result.document is not None and INLINE_SECRET in result.document.secret_values
    [span] = result.document.secret_spans
    assert (span.start, span.end) == (Mark(2, 23), Mark(2, 25 + len(INLINE_SECRET)))


# ---------------------------------------------------------------- MAILERS (Django 6.1)


@pytest.mark.parametrize(("switch", "port"), [('"use_ssl": True', 465), ('"use_tls": True', 587), ("", 25)])
def test_mailers_default_port_follows_the_mode(tmp_path, switch, port):
    options = '"host": "localhost"' + (", " + switch if switch else "")
    result = check(tmp_path, f'MAILERS = {{"default": {{"OPTIONS": {{{options}}}}}}}\n')
    assert result.findings == []  # localhost: nothing crosses a network
    assert profiles(result)["default"]["port"] == port


def test_mailers_with_both_switches_and_without_a_host(tmp_path):
    result = check(
        tmp_path,
        """\
        MAILERS = {
            "default": {"OPTIONS": {"host": "smtp.example.com", "use_ssl": True, "use_tls": True}},
            "bulk": {"BACKEND": "django.core.mail.backends.smtp.EmailBackend", "OPTIONS": {}},
            "dev": {"BACKEND": "django.core.mail.backends.console.EmailBackend"},
        }
        """,
    )
    assert seen(result) == [("MC601", 2, 85), ("MC603", 3, 5)]
    assert [f.profile for f in result.findings] == ["default", "bulk"]
    assert set(profiles(result)) == {"default"}


def test_old_settings_beside_mailers_stop_django_from_starting(tmp_path):
    result = check(
        tmp_path,
        """\
        DEFAULT_FROM_EMAIL = "app@example.com"
        EMAIL_HOST = "smtp.example.com"
        MAILERS = {"default": {"OPTIONS": {"host": "smtp.example.com", "port": 465, "use_ssl": True}}}
        """,
    )
    assert seen(result) == [("MC603", 2, 1)]
    assert "ImproperlyConfigured" in result.findings[0].message
    assert profiles(result)["default"]["from"] == {"address": "app@example.com"}  # not deprecated


# ---------------------------------------------------------------- the environment, names, secrets


@pytest.mark.parametrize(
    "expression",
    [
        'os.environ["SMTP_PASSWORD"]',
        'os.environ.get("SMTP_PASSWORD")',
        'os.environ.get("SMTP_PASSWORD", "")',
        'os.getenv("SMTP_PASSWORD")',
        'env("SMTP_PASSWORD")',
        'env.str("SMTP_PASSWORD")',
    ],
)
def test_a_password_from_the_environment_is_a_reference(tmp_path, expression):
    result = check(
        tmp_path,
        f"""\
        import os
        import environ
        env = environ.Env()
        EMAIL_HOST = "smtp.example.com"
        EMAIL_PORT = 465
        EMAIL_USE_SSL = True
        EMAIL_HOST_USER = "app@example.com"
        EMAIL_HOST_PASSWORD = {expression}
        """,
    )
    assert result.findings == []
    assert profiles(result)["default"]["auth"]["password"] == {"env": "SMTP_PASSWORD"}


def test_values_read_at_run_time_are_deferred(tmp_path):
    result = check(
        tmp_path,
        """\
        import os
        import environ
        env = environ.Env()
        EMAIL_HOST = os.environ["EMAIL_HOST"]
        EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
        EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
        EMAIL_HOST_USER = env("EMAIL_HOST_USER")
        EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
        DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL")
        """,
    )
    assert result.findings == []
    assert result.document is not None
    assert result.document.deferred["default"] == {
        ("host",),
        ("port",),
        ("security",),
        ("auth", "username"),
        ("from", "address"),
    }
    assert profiles(result)["default"]["host"] == 'os.environ["EMAIL_HOST"]'  # as written, for messages
    assert not result.valid_profiles  # the probe does not guess


def test_a_switch_read_as_a_string_from_the_environment_is_mc602(tmp_path):
    result = check(
        tmp_path,
        'import os\nEMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 587\n'
        'EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", False)\n',
    )
    assert seen(result) == [("MC602", 4, 17)]
    assert "EMAIL_USE_TLS=False in the environment turns it on" in result.findings[0].message


def test_a_password_bound_to_a_name_is_reported_where_it_is_written(tmp_path):
    result = check(
        tmp_path,
        f"""\
        HOST = "smtp.example.com"
        PASSWORD = "{INLINE_SECRET}"
        EMAIL_HOST = HOST
        EMAIL_PORT = 465
        EMAIL_USE_SSL = True
        EMAIL_HOST_USER = "app@example.com"
        EMAIL_HOST_PASSWORD = PASSWORD
        """,
    )
    assert seen(result) == [("MC303", 2, 12)]
    assert profiles(result)["default"]["host"] == "smtp.example.com"


def test_a_literal_default_of_the_environment_is_an_inline_password(tmp_path):
    result = check(
        tmp_path,
        f"""\
        import os
        EMAIL_HOST = "smtp.example.com"
        EMAIL_PORT = 587
        EMAIL_USE_TLS = True
        EMAIL_HOST_USER = "app@example.com"
        EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "{INLINE_SECRET}")
        """,
    )
    assert seen(result) == [("MC303", 6, 61)]  # at the default, which is what the file holds


def test_columns_count_characters_not_bytes(tmp_path):
    result = check(
        tmp_path,
        f'NAME = "Zoë"; EMAIL_HOST_PASSWORD = "{INLINE_SECRET}"\n'
        'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 465\nEMAIL_USE_SSL = True\nEMAIL_HOST_USER = "a@example.com"\n',
    )
    assert seen(result) == [("MC303", 1, 37)]


def test_the_inline_password_never_reaches_any_output(tmp_path):
    repo(tmp_path)
    (tmp_path / "mail.py").write_text(
        f'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 25\nEMAIL_HOST_USER = "app@example.com"\n'
        f'EMAIL_HOST_PASSWORD = "{INLINE_SECRET}"\n',
        encoding="utf-8",
    )
    for output in ("json", "text", "sarif", "github", "gitlab", "junit"):
        run = mailcheck(tmp_path, "check", "--as", "django", "--format", output, "mail.py")
        assert run.exit_code == 1, output
        assert INLINE_SECRET not in run.stdout + run.stderr, output
    run = mailcheck(tmp_path, "check", "--as", "django", "--format", "json", "mail.py")
    assert {f["rule"] for f in run.json()["findings"]} == {"MC204", "MC208", "MC303"}


def test_a_walk_finds_settings_py_by_name_and_content(tmp_path):
    repo(tmp_path)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "settings.py").write_text(
        'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = 587\n', encoding="utf-8"
    )
    (tmp_path / "other_settings.py").write_text('DEBUG = True\nDOC = "EMAIL_HOST = 1"\n', encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert [(f["rule"], f["file"], f["line"]) for f in run.json()["findings"]] == [("MC205", "app/settings.py", 1)]


def test_a_suppression_comment_is_a_python_comment(tmp_path):
    result = check(
        tmp_path,
        """\
        EMAIL_HOST = "relay.internal.example"
        EMAIL_USE_TLS = False  # mailcheck: disable-line MC205 -- relay on the private network
        """,
    )
    assert result.findings == []


# ---------------------------------------------------------------- reading the file


def test_recognises_parses_instead_of_matching_text():
    assert adapter.recognises('EMAIL_HOST = "smtp.example.com"\n')
    assert adapter.recognises("MAILERS = {}\n")
    assert adapter.recognises("import os\nif os.environ.get('PROD'):\n    EMAIL_PORT = 587\n")
    assert not adapter.recognises('"""EMAIL_HOST = "smtp.example.com" in a docstring"""\n')
    assert not adapter.recognises("def configure():\n    EMAIL_HOST = 'smtp.example.com'\n")
    assert not adapter.recognises("DEFAULT_FROM_EMAIL = 'a@example.com'\nDEBUG = True\n")
    assert not adapter.recognises("EMAIL_HOST = (\n")  # not Python


def test_a_syntax_error_is_one_unreadable_document_at_its_position(tmp_path):
    with pytest.raises(UnreadableDocument) as raised:
        adapter.adapt(tmp_path / "settings.py", 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = = 587\n')
    problem = raised.value.problem
    assert (problem.rule, problem.mark) == ("MC001", Mark(2, 14))
    assert "\n" not in problem.message
    result = check(tmp_path, 'EMAIL_HOST = "smtp.example.com"\nEMAIL_PORT = = 587\n')
    assert seen(result) == [("MC001", 2, 14)]


def test_adapt_marks_keys_values_and_spans(tmp_path):
    document = adapter.adapt(
        tmp_path / "settings.py", f'EMAIL_HOST = "smtp.example.com"\nEMAIL_HOST_PASSWORD = "{INLINE_SECRET}"  # x\n'
    )
    data = document.data["profiles"]["default"]
    assert (data.key_marks["host"], data.value_marks["host"]) == (Mark(1, 1), Mark(1, 14))
    assert document.comments == {2: "# x"}
    [span] = document.secret_spans  # no auth (no user), but the password is masked, quotes included
    assert (span.start, span.end) == (Mark(2, 23), Mark(2, 23 + len(INLINE_SECRET) + 2))
    assert document.app is adapter.APP

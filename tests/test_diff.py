"""`mailcheck diff`: security-aware review of profile changes, in real temporary git repositories."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest

from tests.cli_run import Result, mailcheck
from tests.markdown_read import code_span_text, prose_text, table_cells

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

SMTP = """\
version: 1
profiles:
  outgoing:
    description: Notifications
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
    auth:
      username: app@example.com
      password: {env: SMTP_PASSWORD}
    from: {address: app@example.com}
  inbox:
    protocol: imap
    host: imap.example.com
    security: tls
    auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}
"""
SECRET = "s3cret-Value-42"
OTHER_SECRET = "an0ther-Value-43"


class Repo:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str) -> str:
        command = [
            "git",
            "-c",
            "user.name=Test",
            "-c",
            "user.email=test@example.com",
            "-c",
            "commit.gpgsign=false",
            *args,
        ]
        return subprocess.run(command, cwd=self.root, check=True, capture_output=True, text=True).stdout.strip()

    def write(self, name: str, text: str) -> None:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")

    def commit(self, message: str = "change") -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD")

    def diff(self, *args: str) -> Result:
        return mailcheck(self.root, "diff", *args)

    def review(self, *args: str) -> dict:
        result = self.diff(*args, "--format", "json")
        assert result.exit_code == 0, result.stderr
        return json.loads(result.stdout)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    repository = Repo(tmp_path)
    repository.write("app.mail.yaml", SMTP)
    repository.commit("base")
    return repository


def changes(review: dict) -> dict[tuple[str, str], tuple[str, str | None, str | None]]:
    return {(c["profile"], c["setting"]): (c["effect"], c["before"], c["after"]) for c in review["changes"]}


def edit(repo: Repo, old: str, new: str, name: str = "app.mail.yaml") -> None:
    text = (repo.root / name).read_text()
    assert old in text, old
    (repo.root / name).write_text(text.replace(old, new, 1))


def test_no_change_is_an_empty_review(repo: Repo) -> None:
    result = repo.diff("main")
    assert result.exit_code == 0
    assert "No profile changes." in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "setting", "effect"),
    [
        ("security: starttls", "security: none", "security", "weakening"),
        ("    from:", "    tls: {verify: false}\n    from:", "tls.verify", "weakening"),
        (
            "    from:",
            '    tls: {min_version: "1.1"}\n    from:',
            "tls.min_version",
            "weakening",
        ),
        (
            "    from:",
            '    tls: {min_version: "1.3"}\n    from:',
            "tls.min_version",
            "strengthening",
        ),
        ("host: smtp.example.com", "host: smtp.mailrelay.net", "host", "weakening"),
        ("host: smtp.example.com", "host: out.mail.example.com", "host", "neutral"),
        ("description: Notifications", "description: Alerts", "description", "neutral"),
        (
            "password: {env: SMTP_PASSWORD}",
            "password: {file: secrets/smtp}",
            "auth.password",
            "neutral",
        ),
        ("security: starttls", "security: tls", "security", "neutral"),
    ],
)
def test_each_kind_of_change_is_classed(repo: Repo, old: str, new: str, setting: str, effect: str) -> None:
    edit(repo, old, new)
    found = changes(repo.review("main"))
    assert found[("outgoing", setting)][0] == effect


def test_turning_encryption_off_names_the_cleartext_risk_and_fails_on_request(
    repo: Repo,
) -> None:
    edit(repo, "security: starttls", "security: none")
    assert repo.diff("main").exit_code == 0
    result = repo.diff("main", "--fail-on-weakening")
    assert result.exit_code == 1
    row = next(line for line in result.stdout.splitlines() if "`security`" in line)
    assert "**weakening**" in row and "`starttls`" in row and "`none`" in row
    assert "credentials would travel in cleartext" in row
    assert "MC204 cleartext-auth" in result.stdout  # the finding it introduces


def test_the_reverse_changes_strengthen(repo: Repo) -> None:
    weak = SMTP.replace("security: starttls", "security: none").replace(
        "    from:", "    tls: {verify: false}\n    from:"
    )
    repo.write("app.mail.yaml", weak)
    repo.commit("weak")
    repo.write("app.mail.yaml", SMTP)
    review = repo.review("HEAD")
    found = changes(review)
    assert found[("outgoing", "security")][0] == "strengthening"
    assert found[("outgoing", "tls.verify")] == (
        "strengthening",
        "false",
        "true (default)",
    )
    assert review["summary"]["weakening"] == 0
    assert {f["rule"] for f in review["findings"]["fixed"]} >= {"MC204", "MC206"}
    assert repo.diff("HEAD", "--fail-on-weakening").exit_code == 0


def test_removing_auth_is_one_weakening_change(repo: Repo) -> None:
    edit(
        repo,
        "    auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}\n",
        "",
    )
    found = changes(repo.review("main"))
    assert found == {("inbox", "auth"): ("weakening", "username app@example.com", None)}


def test_a_port_that_starts_in_cleartext_weakens_and_the_reverse_strengthens(
    repo: Repo,
) -> None:
    edit(repo, "    security: tls\n", "    security: tls\n    port: 143\n")
    assert changes(repo.review("main"))[("inbox", "port")] == (
        "weakening",
        "993 (default)",
        "143",
    )
    repo.commit("143")
    edit(repo, "    port: 143\n", "    port: 993\n")
    assert changes(repo.review("HEAD"))[("inbox", "port")][0] == "strengthening"


def test_writing_out_a_default_is_not_a_change(repo: Repo) -> None:
    edit(
        repo,
        "    security: tls\n",
        "    security: tls\n    port: 993\n    tls: {verify: true}\n",
    )
    assert repo.review("main")["changes"] == []


def test_secrets_never_appear_even_when_an_inline_secret_changes(repo: Repo) -> None:
    edit(repo, "password: {env: SMTP_PASSWORD}", f"password: {SECRET}")
    moved_inline = repo.review("main")
    assert changes(moved_inline)[("outgoing", "auth.password")] == (
        "weakening",
        "env SMTP_PASSWORD",
        "inline secret",
    )
    repo.commit("inline")
    edit(repo, f"password: {SECRET}", f"password: {OTHER_SECRET}")
    for output in (
        repo.diff("HEAD").stdout,
        repo.diff("HEAD", "--format", "json").stdout,
    ):
        assert "inline secret (changed)" in output
        assert SECRET not in output and OTHER_SECRET not in output
    assert changes(repo.review("HEAD"))[("outgoing", "auth.password")][0] == "weakening"
    edit(repo, f"password: {OTHER_SECRET}", "password: {env: SMTP_PASSWORD}")
    back = repo.diff("HEAD", "--format", "json").stdout
    assert SECRET not in back
    assert changes(json.loads(back))[("outgoing", "auth.password")] == (
        "strengthening",
        "inline secret",
        "env SMTP_PASSWORD",
    )


def test_a_secret_under_a_misspelt_key_is_not_shown_either(repo: Repo) -> None:
    edit(repo, "    from:", f"    passwd: {SECRET}\n    from:")
    output = repo.diff("main").stdout
    assert "passwd" in output and SECRET not in output


def test_profiles_added_removed_and_renamed(repo: Repo) -> None:
    text = (repo.root / "app.mail.yaml").read_text()
    text = text.replace("  inbox:\n", "  support-inbox:\n")  # same settings, new name
    repo.write("app.mail.yaml", text)
    repo.write(
        "alerts.mail.yaml",
        "version: 1\nprofiles:\n  alerts:\n    protocol: smtp\n    host: relay.example.com\n    port: 25\n    security: starttls\n    from: {address: alerts@example.com}\n",
    )
    review = repo.review("main")
    assert review["profiles"]["renamed"] == [
        {
            "from": {"file": "app.mail.yaml", "profile": "inbox"},
            "to": {"file": "app.mail.yaml", "profile": "support-inbox"},
            "same_settings": True,
        }
    ]
    assert review["profiles"]["added"] == [{"file": "alerts.mail.yaml", "profile": "alerts"}]
    assert review["profiles"]["removed"] == [] and review["changes"] == []
    repo.commit("more")
    (repo.root / "alerts.mail.yaml").unlink()
    assert repo.review("HEAD")["profiles"]["removed"] == [{"file": "alerts.mail.yaml", "profile": "alerts"}]


def test_a_rename_cannot_hide_a_weakening(repo: Repo) -> None:
    edit(
        repo,
        "  inbox:\n    protocol: imap\n    host: imap.example.com",
        "  support:\n    protocol: imap\n    host: imap.mail-provider.net",
    )
    review = repo.review("main")
    assert review["profiles"]["renamed"][0]["same_settings"] is False
    assert changes(review)[("support", "host")][0] == "weakening"
    assert repo.diff("main", "--fail-on-weakening").exit_code == 1


def test_a_profile_moved_to_another_file_is_a_rename(repo: Repo) -> None:
    text = (repo.root / "app.mail.yaml").read_text()
    head, inbox = text.split("  inbox:\n")
    repo.write("app.mail.yaml", head)
    repo.write("mail/inbox.mail.yaml", "version: 1\nprofiles:\n  inbox:\n" + inbox)
    review = repo.review("main")
    assert review["profiles"]["renamed"][0]["to"] == {
        "file": "mail/inbox.mail.yaml",
        "profile": "inbox",
    }
    assert review["findings"] == {"introduced": [], "fixed": []}


def test_findings_follow_profiles_and_lines(repo: Repo) -> None:
    edit(repo, "port: 587", "port: 465")  # MC201 in the base
    repo.commit("mismatch")
    text = (repo.root / "app.mail.yaml").read_text().replace("  outgoing:", "  sender:")
    repo.write("app.mail.yaml", "# moved down by a comment\n\n" + text)
    review = repo.review("HEAD")
    assert review["profiles"]["renamed"][0]["to"]["profile"] == "sender"
    assert review["findings"] == {"introduced": [], "fixed": []}


def test_two_revisions_and_untracked_and_ignored_files(repo: Repo) -> None:
    base = repo.git("rev-parse", "HEAD")
    edit(repo, "security: starttls", "security: none")
    head = repo.commit("weaken")
    assert changes(repo.review(base, head))[("outgoing", "security")][0] == "weakening"
    repo.write(".gitignore", "ignored/\n")
    repo.write("ignored/x.mail.yaml", SMTP.replace("outgoing", "ignored-one"))
    repo.write(
        "new.mail.yaml",
        SMTP.replace("outgoing", "brand-new").replace("  inbox:", "  other-inbox:"),
    )
    added = {p["profile"] for p in repo.review(head)["profiles"]["added"]}
    assert "brand-new" in added and "ignored-one" not in added


def test_a_ca_file_is_judged_at_the_revision(repo: Repo) -> None:
    edit(
        repo,
        "    security: tls\n",
        "    security: tls\n    tls: {ca_file: certs/ca.pem}\n",
    )
    repo.write("certs/ca.pem", "-----BEGIN CERTIFICATE-----\n")
    repo.commit("ca")
    edit(repo, "certs/ca.pem", "certs/missing.pem")
    review = repo.review("HEAD~1", "HEAD")
    assert review["findings"]["introduced"] == []  # committed at HEAD: no MC212
    assert [f["rule"] for f in repo.review("HEAD")["findings"]["introduced"]] == ["MC212"]


def test_a_file_that_stops_parsing_is_a_finding_not_a_crash(repo: Repo) -> None:
    (repo.root / "app.mail.yaml").write_text("version: 1\nprofiles: [\n")
    review = repo.review("main")
    assert [f["rule"] for f in review["findings"]["introduced"]] == ["MC001"]
    assert len(review["profiles"]["removed"]) == 2


def test_two_files_are_compared_without_git(tmp_path: Path) -> None:
    (tmp_path / "old.mail.yaml").write_text(SMTP)
    (tmp_path / "new.mail.yaml").write_text(SMTP.replace("security: starttls", "security: none"))
    result = mailcheck(tmp_path, "diff", "old.mail.yaml", "new.mail.yaml", "--fail-on-weakening")
    assert result.exit_code == 1
    assert "`old.mail.yaml` → `new.mail.yaml`" in result.stdout


@pytest.mark.parametrize("revision", ["no-such-branch", "--upload-pack=touch /tmp/x", "HEAD~99"])
def test_a_bad_revision_is_one_line_and_exit_2(repo: Repo, revision: str) -> None:
    result = repo.diff("--", revision)  # `--`: click would take the dash for an option
    assert result.exit_code == 2
    assert result.stderr.startswith("mailcheck: error: ") and result.stderr.count("\n") == 1
    assert "Traceback" not in result.stderr


def test_outside_a_repository_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    result = mailcheck(folder, "diff", "main")
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr


# --- file names: any byte string git can hold ----------------------------------------------

WEAKENED = SMTP.replace("security: starttls", "security: none")


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        # sorted right after app.mail.yaml: a `commit:path` request line would stop at the
        # newline and read app.mail.yaml's blob for it, hiding the change
        ("app.mail.yaml\nx.mail.yaml", "app.mail.yaml\\x0ax.mail.yaml"),
        (os.fsdecode(b"caf\xff.mail.yaml"), "caf\\xff.mail.yaml"),  # not UTF-8
        ("with space.mail.yaml", "with space.mail.yaml"),
        ("-leading-dash.mail.yaml", "-leading-dash.mail.yaml"),
        ("tab\tand\rcr.mail.yaml", "tab\tand\\x0dcr.mail.yaml"),
    ],
)
def test_any_file_name_is_read_from_git_and_shown_escaped(repo: Repo, name: str, shown: str) -> None:
    (repo.root / name).write_text(SMTP)
    base = repo.commit("odd name")
    (repo.root / name).write_text(WEAKENED)
    head = repo.commit("weaken it")

    markdown = repo.diff(base, head, "--fail-on-weakening")
    assert markdown.exit_code == 1, markdown.stdout + markdown.stderr
    row = next(line for line in markdown.stdout.splitlines() if "`security`" in line)
    assert f"(`{shown}`)" in row and "**weakening**" in row
    review = json.loads(repo.diff(base, head, "--format", "json").stdout)
    assert changes(review)[("outgoing", "security")] == ("weakening", "starttls", "none")
    assert {c["file"] for c in review["changes"]} == {shown}
    assert {f["file"] for f in review["findings"]["introduced"]} == {shown}  # MC204


def test_a_file_name_that_is_not_utf8_works_in_the_work_tree_too(repo: Repo) -> None:
    name = os.fsdecode(b"\xfe\xff.mail.yaml")
    (repo.root / name).write_text(SMTP)
    repo.commit("odd name")
    (repo.root / name).write_text(WEAKENED)
    markdown = repo.diff("HEAD", "--fail-on-weakening")
    assert markdown.exit_code == 1 and markdown.stderr == ""
    assert "(`\\xfe\\xff.mail.yaml`)" in markdown.stdout
    result = repo.diff("HEAD", "--format", "json", "--fail-on-weakening")
    assert result.exit_code == 1 and result.stderr == ""
    assert {c["file"] for c in result.json()["changes"]} == {"\\xfe\\xff.mail.yaml"}
    added = SMTP.replace("outgoing", "new-one").replace("  inbox:", "  new-inbox:")
    (repo.root / os.fsdecode(b"new\xff.mail.yaml")).write_text(added)
    review = repo.review("HEAD")
    assert {"file": "new\\xff.mail.yaml", "profile": "new-one"} in review["profiles"]["added"]


# --- hosts: registrable domains by the Public Suffix List ----------------------------------


@pytest.mark.parametrize(
    ("before", "after", "effect"),
    [
        ("a.github.io", "b.github.io", "weakening"),  # two GitHub users, two owners
        ("alice.me.uk", "bob.me.uk", "weakening"),
        ("smtp.example.co.uk", "mail.example.co.uk", "neutral"),
        ("SMTP.Example.COM.", "mail.example.com", "neutral"),
        ("smtp.example.com", "github.io", "weakening"),
    ],
)
def test_a_host_move_is_judged_by_the_public_suffix_list(repo: Repo, before: str, after: str, effect: str) -> None:
    edit(repo, "host: smtp.example.com", f"host: {before}")
    repo.commit("host")
    edit(repo, f"host: {before}", f"host: {after}")
    assert changes(repo.review("HEAD"))[("outgoing", "host")][0] == effect
    failed = repo.diff("HEAD", "--fail-on-weakening").exit_code
    assert failed == (1 if effect == "weakening" else 0)


# --- markdown: values that try to leave their code span ------------------------------------


@pytest.mark.parametrize(
    ("description", "shown"),
    [
        ("uses `` two", "uses `` two"),
        ("three ``` and one `", "three ``` and one `"),
        ("`leading", "`leading"),
        ("trailing`", "trailing`"),
        ("`both`", "`both`"),
        ("a | pipe || two", "a | pipe || two"),
        ("esc \x1b[2J\x1b]0;owned\x07 end", "esc \\x1b[2J\\x1b]0;owned\\x07 end"),
        ("line one\nline two\r\n", "line one\\x0aline two\\x0d\\x0a"),
        ("bidi \u202eevil\u202c", "bidi \\u202eevil\\u202c"),
        ("``|`x\x1b\n` ", "``|`x\\x1b\\x0a` "),
    ],
)
def test_a_description_cannot_break_out_of_its_code_span(repo: Repo, description: str, shown: str) -> None:
    edit(repo, "description: Notifications", f"description: {json.dumps(description)}")
    output = repo.diff("main").stdout
    row = next(line for line in output.splitlines() if "`description`" in line)
    cells = table_cells(row)
    assert len(cells) == 6, cells
    assert cells[0] == "neutral" and code_span_text(cells[2], in_table=True) == "description"
    assert code_span_text(cells[3], in_table=True) == "Notifications"
    assert code_span_text(cells[4], in_table=True) == shown
    assert "\x1b" not in output and "\r" not in output and "\u202e" not in output


# --- secrets: whatever a secret key holds is never shown ------------------------------------

LEAKY = """\
  leaky:
    protocol: smtp
    host: smtp.example.com
    port: 587
    security: starttls
{secret}
    from: {{address: app@example.com}}
"""


@pytest.mark.parametrize(
    ("form", "first", "second"),
    [
        ("    auth:\n      username: u@example.com\n      pasword: {}", "hunter2-x", "hunter3-y"),
        ("    smtp_password: {}", "smtp-secret-x", "smtp-secret-y"),
        ("    client_secret: {}", "client-secret-x", "client-secret-y"),
        ("    auth:\n      username: u@example.com\n      password: {{env: X, default: {}}}", "SECRET-x", "SECRET-y"),
        ("    auth:\n      username: u@example.com\n      password: [{}]", "a-secret-x", "a-secret-y"),
        ("    auth:\n      username: u@example.com\n      password: {}", "12345678", "87654321"),
    ],
)
def test_a_secret_in_any_key_and_form_never_appears(repo: Repo, form: str, first: str, second: str) -> None:
    def with_leaky(secret: str) -> str:
        return SMTP + LEAKY.format(secret=form.format(secret))

    def outputs(base: str) -> list[str]:
        return [repo.diff(base, "--format", f).stdout for f in ("markdown", "json")]

    repo.write("app.mail.yaml", with_leaky(first))
    added = outputs("HEAD")
    assert {"file": "app.mail.yaml", "profile": "leaky"} in json.loads(added[1])["profiles"]["added"]
    repo.commit("add leaky")
    repo.write("app.mail.yaml", with_leaky(second))
    changed = outputs("HEAD")
    [change] = [c for c in json.loads(changed[1])["changes"] if c["profile"] == "leaky"]
    assert (change["before"], change["after"]) == ("inline secret", "inline secret (changed)")
    assert change["effect"] == "weakening"
    repo.commit("change leaky")
    repo.write("app.mail.yaml", SMTP)
    removed = outputs("HEAD")
    assert {"file": "app.mail.yaml", "profile": "leaky"} in json.loads(removed[1])["profiles"]["removed"]
    for output in added + changed + removed:
        assert first not in output and second not in output


# --- new and removed profiles: reviewed against the safe baseline ---------------------------

NEW_WEAK = """\
  legacy:
    protocol: smtp
    host: legacy.mail-provider.net
    port: 587
    security: starttls
    tls: {verify: false, min_version: "1.0"}
    auth: {username: app@example.com, password: {env: LEGACY_PASSWORD}}
"""


def _rows(markdown: str, profile: str) -> dict[str, list[str]]:
    """Table rows of one profile, by setting: the six cells as a reader sees them."""
    rows = {}
    for line in markdown.splitlines():
        if line.startswith("| ") and f"`{profile}`" in line:
            cells = table_cells(line)
            rows[code_span_text(cells[2], in_table=True)] = cells
    return rows


def test_a_new_profile_with_verify_off_and_tls_1_0_is_a_weakening(repo: Repo) -> None:
    # before: "No weakening change", exit 0: a weak profile could be added where weakening
    # an existing one fails the check
    repo.write("app.mail.yaml", SMTP + NEW_WEAK)
    result = repo.diff("main", "--fail-on-weakening")
    assert result.exit_code == 1, result.stdout
    assert result.stdout.splitlines()[2].startswith("**2 weakening changes**")
    rows = _rows(result.stdout, "legacy")
    assert set(rows) == {"tls.verify", "tls.min_version"}  # starttls and an env secret are safe
    assert rows["tls.verify"][0] == "**weakening**" and rows["tls.verify"][3] == "*new profile*"
    assert code_span_text(rows["tls.verify"][4], in_table=True) == "false"
    assert code_span_text(rows["tls.min_version"][4], in_table=True) == "1.0"
    assert "new profile: accepts TLS 1.0 (deprecated by RFC 8996)" in prose_text(rows["tls.min_version"][5])
    assert "added `legacy` (`app.mail.yaml`) (2 weak settings against the safe baseline" in result.stdout

    review = repo.review("main")
    assert review["summary"]["weakening"] == 2 and review["summary"]["added"] == 1
    legacy = [c for c in review["changes"] if c["profile"] == "legacy"]
    assert {(c["setting"], c["before"], c["after"], c["effect"], c["new_profile"]) for c in legacy} == {
        ("tls.verify", None, "false", "weakening", True),
        ("tls.min_version", None, "1.0", "weakening", True),
    }


def test_a_new_profile_in_cleartext_with_auth_to_a_network_host_weakens(repo: Repo) -> None:
    weak = NEW_WEAK.replace("security: starttls", "security: none").replace(
        '    tls: {verify: false, min_version: "1.0"}\n', ""
    )
    repo.write("app.mail.yaml", SMTP + weak)
    [row] = [c for c in repo.review("main")["changes"] if c["profile"] == "legacy"]
    assert (row["setting"], row["after"], row["effect"]) == ("security", "none", "weakening")
    assert "mail and credentials would travel in cleartext" in row["reason"]
    assert "MC204" in {f["rule"] for f in repo.review("main")["findings"]["introduced"]}


def test_a_new_profile_with_only_safe_settings_passes(repo: Repo) -> None:
    safe = NEW_WEAK.replace('    tls: {verify: false, min_version: "1.0"}\n', '    tls: {min_version: "1.3"}\n')
    repo.write("app.mail.yaml", SMTP + safe)
    result = repo.diff("main", "--fail-on-weakening")
    assert result.exit_code == 0, result.stdout
    assert "No weakening change" in result.stdout  # a stricter TLS 1.3 is no row either
    assert "added `legacy` (`app.mail.yaml`) (reviewed against the safe baseline: nothing weaker)" in result.stdout
    assert repo.review("main")["changes"] == []


def test_a_new_loopback_relay_without_tls_is_not_a_weakening(repo: Repo) -> None:
    local = "  local-mta:\n    protocol: smtp\n    host: localhost\n    port: 25\n    security: none\n    from: {address: root@localhost}\n"
    repo.write("app.mail.yaml", SMTP + local)
    assert repo.diff("main", "--fail-on-weakening").exit_code == 0


@pytest.mark.parametrize(
    "secret_line",
    [
        f"    auth: {{username: app@example.com, password: {SECRET}}}\n",
        f"    auth: {{username: app@example.com, pasword: {SECRET}}}\n",
        f"    smtp_pass: {SECRET}\n",
        f"    auth: {{username: app@example.com, password: {{env: X, default: {SECRET}}}}}\n",
    ],
    ids=["password", "misspelt", "app-style-key", "env-with-default"],
)
def test_a_new_profile_with_an_inline_secret_under_any_key_weakens_and_never_shows_it(
    repo: Repo, secret_line: str
) -> None:
    profile = NEW_WEAK.replace('    tls: {verify: false, min_version: "1.0"}\n', "").replace(
        "    auth: {username: app@example.com, password: {env: LEGACY_PASSWORD}}\n", secret_line
    )
    repo.write("new.mail.yaml", "version: 1\nprofiles:\n" + profile)
    markdown = repo.diff("main", "--fail-on-weakening")
    assert markdown.exit_code == 1
    json_output = repo.diff("main", "--format", "json").stdout
    [row] = [c for c in json.loads(json_output)["changes"] if c["profile"] == "legacy"]
    assert (row["after"], row["effect"], row["new_profile"]) == ("inline secret", "weakening", True)
    assert "a secret is written in the file" in row["reason"]
    assert SECRET not in markdown.stdout + json_output


@pytest.mark.parametrize(
    "reference", ['"$LEGACY_PASSWORD"', '"{{ vault_legacy_password }}"', '"op://Mail/legacy/password"']
)
def test_a_new_profile_naming_its_secret_in_another_tools_syntax_holds_no_inline_secret(
    repo: Repo, reference: str
) -> None:
    profile = NEW_WEAK.replace('    tls: {verify: false, min_version: "1.0"}\n', "").replace(
        "{env: LEGACY_PASSWORD}", reference
    )
    repo.write("app.mail.yaml", SMTP + profile)
    review = repo.review("main")
    assert review["changes"] == []  # not a secret in the file: nothing weaker than the baseline
    assert [f["rule"] for f in review["findings"]["introduced"]] == ["MC305"]
    assert repo.diff("main", "--fail-on-weakening").exit_code == 0


def test_a_removed_profile_is_listed_and_counted_but_is_no_weakening(repo: Repo) -> None:
    edit(repo, "  inbox:\n    protocol: imap\n    host: imap.example.com\n    security: tls\n", "")
    edit(repo, "    auth: {username: app@example.com, password: {env: IMAP_PASSWORD}}\n", "")
    result = repo.diff("main", "--fail-on-weakening")
    assert result.exit_code == 0, result.stdout
    assert "profiles: 0 added, 1 removed, 0 renamed" in result.stdout
    assert "- removed `inbox` (`app.mail.yaml`)" in result.stdout
    review = repo.review("main")
    assert review["profiles"]["removed"] == [{"file": "app.mail.yaml", "profile": "inbox"}]
    assert review["summary"]["removed"] == 1 and review["summary"]["weakening"] == 0


def test_a_renamed_weak_profile_is_compared_not_reviewed_as_new(repo: Repo) -> None:
    repo.write("app.mail.yaml", SMTP + NEW_WEAK)
    repo.commit("weak legacy")
    edit(repo, "  legacy:\n", "  legacy-relay:\n")
    review = repo.review("HEAD")
    assert review["profiles"]["renamed"][0]["same_settings"] is True
    assert review["changes"] == [] and review["profiles"]["added"] == []
    assert repo.diff("HEAD", "--fail-on-weakening").exit_code == 0


def test_a_new_file_of_profiles_and_two_files_are_reviewed_alike(repo: Repo, tmp_path: Path) -> None:
    repo.write("mail/legacy.mail.yaml", "version: 1\nprofiles:\n" + NEW_WEAK)
    assert repo.diff("main", "--fail-on-weakening").exit_code == 1
    files = tmp_path / "files"
    files.mkdir()
    (files / "old.mail.yaml").write_text(SMTP)
    (files / "new.mail.yaml").write_text(SMTP + NEW_WEAK)
    result = mailcheck(files, "diff", "old.mail.yaml", "new.mail.yaml", "--fail-on-weakening")
    assert result.exit_code == 1
    assert set(_rows(result.stdout, "legacy")) == {"tls.verify", "tls.min_version"}

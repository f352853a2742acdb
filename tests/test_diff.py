"""`mailcheck diff`: security-aware review of profile changes, in real temporary git repositories."""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
from pathlib import Path

import pytest
from cli_run import Result, mailcheck

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None, reason="git is not installed"
)

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
        return subprocess.run(
            command, cwd=self.root, check=True, capture_output=True, text=True
        ).stdout.strip()

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
    return {
        (c["profile"], c["setting"]): (c["effect"], c["before"], c["after"])
        for c in review["changes"]
    }


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
def test_each_kind_of_change_is_classed(
    repo: Repo, old: str, new: str, setting: str, effect: str
) -> None:
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
    assert review["profiles"]["added"] == [
        {"file": "alerts.mail.yaml", "profile": "alerts"}
    ]
    assert review["profiles"]["removed"] == [] and review["changes"] == []
    repo.commit("more")
    (repo.root / "alerts.mail.yaml").unlink()
    assert repo.review("HEAD")["profiles"]["removed"] == [
        {"file": "alerts.mail.yaml", "profile": "alerts"}
    ]


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
    assert [f["rule"] for f in repo.review("HEAD")["findings"]["introduced"]] == [
        "MC212"
    ]


def test_a_file_that_stops_parsing_is_a_finding_not_a_crash(repo: Repo) -> None:
    (repo.root / "app.mail.yaml").write_text("version: 1\nprofiles: [\n")
    review = repo.review("main")
    assert [f["rule"] for f in review["findings"]["introduced"]] == ["MC001"]
    assert len(review["profiles"]["removed"]) == 2


def test_two_files_are_compared_without_git(tmp_path: Path) -> None:
    (tmp_path / "old.mail.yaml").write_text(SMTP)
    (tmp_path / "new.mail.yaml").write_text(
        SMTP.replace("security: starttls", "security: none")
    )
    result = mailcheck(
        tmp_path, "diff", "old.mail.yaml", "new.mail.yaml", "--fail-on-weakening"
    )
    assert result.exit_code == 1
    assert "`old.mail.yaml` → `new.mail.yaml`" in result.stdout


@pytest.mark.parametrize(
    "revision", ["no-such-branch", "--upload-pack=touch /tmp/x", "HEAD~99"]
)
def test_a_bad_revision_is_one_line_and_exit_2(repo: Repo, revision: str) -> None:
    result = repo.diff("--", revision)  # `--`: click would take the dash for an option
    assert result.exit_code == 2
    assert (
        result.stderr.startswith("mailcheck: error: ")
        and result.stderr.count("\n") == 1
    )
    assert "Traceback" not in result.stderr


def test_outside_a_repository_is_one_line_and_exit_2(tmp_path: Path) -> None:
    folder = tmp_path / "plain"
    folder.mkdir()
    result = mailcheck(folder, "diff", "main")
    assert result.exit_code == 2 and "not inside a git repository" in result.stderr

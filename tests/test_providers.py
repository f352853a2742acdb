"""The README's provider recipes and the example files under examples/ say the same thing,
pass `mailcheck check` with no finding, keep every secret a reference, and use the servers,
ports and modes the providers document (README "Provider recipes" cites each page).

The committed samples of Thunderbird's ISPDB and nodemailer's presets are compared too:
where they agree with a recipe the test says so, and where they differ the README says how.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from mailcheck.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("<!-- providers:start -->", 1)[1].split("<!-- providers:end -->", 1)[0]
FIXTURES = ROOT / "tests" / "fixtures" / "realworld"

# (protocol, host, port, security) each recipe must have, from the pages the README links
DOCUMENTED = {
    "gmail.mail.yaml": {
        ("smtp", "smtp.gmail.com", 465, "tls"),
        ("smtp", "smtp.gmail.com", 587, "starttls"),
        ("imap", "imap.gmail.com", 993, "tls"),
    },
    "microsoft365.mail.yaml": {
        ("smtp", "smtp.office365.com", 587, "starttls"),
        ("imap", "outlook.office365.com", 993, "tls"),
    },
    "amazon-ses.mail.yaml": {
        ("smtp", "email-smtp.eu-west-1.amazonaws.com", 587, "starttls"),
        ("smtp", "email-smtp.eu-west-1.amazonaws.com", 465, "tls"),
        ("smtp", "email-smtp.eu-west-1.amazonaws.com", 2587, "starttls"),
    },
    "sendgrid.mail.yaml": {
        ("smtp", "smtp.sendgrid.net", 587, "starttls"),
        ("smtp", "smtp.sendgrid.net", 465, "tls"),
    },
}
SOURCES = {  # the provider's own domain, for the links under its recipe
    "gmail.mail.yaml": ("developers.google.com", "support.google.com"),
    "microsoft365.mail.yaml": ("learn.microsoft.com",),
    "amazon-ses.mail.yaml": ("docs.aws.amazon.com",),
    "sendgrid.mail.yaml": ("www.twilio.com/docs/sendgrid",),
}
BLOCK = re.compile(r"```yaml\n# examples/(?P<name>[a-z0-9-]+\.mail\.yaml)\n(?P<body>.*?)```", re.DOTALL)


def blocks() -> dict[str, str]:
    found = {m["name"]: m["body"] for m in BLOCK.finditer(SECTION)}
    assert found, "no recipe blocks between <!-- providers:start --> and <!-- providers:end -->"
    return found


def load(text: str) -> dict:
    return YAML(typ="safe").load(text)


def profiles(text: str) -> list[dict]:
    return list(load(text)["profiles"].values())


def check(paths: list[Path], *args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["check", "--format", "json", *args, *map(str, paths)])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_every_provider_has_a_recipe_and_an_example_file() -> None:
    assert set(blocks()) == set(DOCUMENTED)
    assert all((ROOT / "examples" / name).is_file() for name in DOCUMENTED)


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_readme_block_is_the_example_file(name: str) -> None:
    text = (ROOT / "examples" / name).read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../schemas/mailcheck.schema.json\n")
    assert blocks()[name] == text[text.index("version: 1") :]  # comments, anchors, suppressions alike


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_the_readme_block_passes_check_with_no_finding(name: str, tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()  # the repository root: no settings from above
    path = tmp_path / name
    path.write_text(blocks()[name], encoding="utf-8")
    exit_code, report = check([path], "--fail-on", "info")
    assert report["findings"] == [] and exit_code == 0


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_hosts_ports_and_modes_are_the_documented_ones(name: str) -> None:
    written = {(p["protocol"], p["host"], p["port"], p["security"]) for p in profiles(blocks()[name])}
    assert written == DOCUMENTED[name]


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_every_secret_is_an_env_reference(name: str) -> None:
    for profile in profiles(blocks()[name]):
        auth = profile["auth"]
        secret = auth.get("token") if auth.get("mechanism") == "xoauth2" else auth.get("password")
        assert isinstance(secret, dict) and set(secret) == {"env"}, profile
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", secret["env"])


@pytest.mark.parametrize("name", sorted(DOCUMENTED))
def test_each_recipe_cites_the_providers_own_pages(name: str) -> None:
    recipe = SECTION.split(f"# examples/{name}\n", 1)[1].split("\n### ", 1)[0]
    links = re.findall(r"\]\((https://[^)\s]+)\)", recipe)
    assert links, f"{name}: no source linked"
    assert all(any(link.startswith(f"https://{domain}") for domain in SOURCES[name]) for link in links), links


def test_the_api_key_logins_name_the_literal_user_and_a_sender() -> None:
    for profile in profiles(blocks()["sendgrid.mail.yaml"]):
        assert profile["auth"]["username"] == "apikey" and "@" in profile["from"]["address"]


def test_the_nonstandard_ses_port_is_mc203_unless_suppressed_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    text = blocks()["amazon-ses.mail.yaml"]
    directive = re.search(
        r"^ *# mailcheck: disable-next-line MC203 -- (?P<reason>.+)\n *port: 2587\n", text, re.MULTILINE
    )
    assert directive and len(directive["reason"]) > 20
    bare = tmp_path / "ses.mail.yaml"
    bare.write_text(text.replace(directive.group(0).split("\n", 1)[0] + "\n", ""), encoding="utf-8")
    _, report = check([bare])
    assert [(f["rule"], f["severity"], f["profile"]) for f in report["findings"]] == [
        ("MC203", "info", "ses-send-2587")
    ]
    assert "MC203" in SECTION and "2587" in SECTION


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def test_the_presets_agree_on_the_hosts_and_where_they_differ_the_readme_says_so() -> None:
    ispdb = {(e["providerId"], e["protocol"]): e for e in _jsonl("ispdb_servers.sample.jsonl")}
    nodemailer = {e["name"]: e for e in _jsonl("nodemailer_services.sample.jsonl")}
    mode = {"SSL": "tls", "STARTTLS": "starttls"}
    ours = {name: {(p[0], p[1], p[2], p[3]) for p in DOCUMENTED[name]} for name in DOCUMENTED}
    for provider, protocol, recipe in (
        ("googlemail.com", "imap", "gmail.mail.yaml"),
        ("googlemail.com", "smtp", "gmail.mail.yaml"),
        ("office365.com", "smtp", "microsoft365.mail.yaml"),
    ):
        entry = ispdb[(provider, protocol)]
        assert (protocol, entry["hostname"], entry["port"], mode[entry["socketType"]]) in ours[recipe]
    for preset, recipe in (
        ("Gmail", "gmail.mail.yaml"),
        ("Outlook365", "microsoft365.mail.yaml"),
        ("SendGrid", "sendgrid.mail.yaml"),
    ):
        entry = nodemailer[preset]
        assert ("smtp", entry["host"], entry["port"]) in {(p, h, port) for p, h, port, _ in ours[recipe]}
    # where they differ: Gmail's 587 is in no preset; nodemailer's 587 presets are opportunistic
    assert ispdb[("googlemail.com", "smtp")]["port"] == nodemailer["Gmail"]["port"] == 465
    assert "Google documents 587 with STARTTLS as well" in SECTION
    assert nodemailer["Outlook365"]["secure"] is False and "no `requireTLS`" in SECTION

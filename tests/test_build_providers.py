"""scripts/build_providers.py on small copies of the upstream files (tests/fixtures/providers/),
and the packaged snapshot it wrote: the sources recorded, under 1 MB, indexed as the rules need."""

from __future__ import annotations

import json
import runpy
from pathlib import Path

from mailcheck.providers import DATA_FILE, NAMES_FILE, expand, names
from mailcheck.providers.index import index

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "providers"
ISPDB_COMMIT = "c6ad79659b5fc321d1593ec4c277815b83e5dec5"
NODEMAILER_COMMIT = "2f667f4272cb2d7cb479b2e3903ab10600fc0eae"


def build(tmp_path: Path) -> dict:
    script = runpy.run_path(str(ROOT / "scripts" / "build_providers.py"))
    argv = ["--ispdb", str(FIXTURES / "ispdb"), "--ispdb-commit", ISPDB_COMMIT]
    argv += ["--services", str(FIXTURES / "services.json"), "--nodemailer-commit", NODEMAILER_COMMIT]
    assert script["main"]([*argv, "--out", str(tmp_path)]) == 0
    return json.loads((tmp_path / "data.json").read_text(encoding="utf-8"))


def test_the_build_records_each_source_with_its_commit_and_licence(tmp_path):
    data = build(tmp_path)
    assert data["sources"]["ispdb"]["commit"] == ISPDB_COMMIT and data["sources"]["ispdb"]["licence"] == "MPL-2.0"
    assert data["sources"]["nodemailer"]["commit"] == NODEMAILER_COMMIT
    assert data["sources"]["nodemailer"]["licence"] == "MIT"


def test_the_build_keeps_both_sides_where_the_sources_disagree(tmp_path):
    data = build(tmp_path)
    assert {"kind": "server", "provider": "aol.com", "host": "smtp.aol.com", "ispdb": [[465, "tls"]],
            "nodemailer": [587, "starttls"], "preset": "AOL"} in data["disagreements"]  # fmt: skip
    assert {"kind": "domain", "domain": "gmx.net", "ispdb": ["gmx.net"], "nodemailer": "gmx.com"} in data[
        "disagreements"
    ]
    assert data["domains"]["gmx.net"] == ["gmx.net", "gmx.com"]  # the ISPDB's first
    aol = [s for s in data["providers"]["aol.com"]["servers"] if s["host"] == "smtp.aol.com"]
    assert {(s["source"], s["port"], s["security"]) for s in aol} == {
        ("ispdb", 465, "tls"),
        ("nodemailer", 587, "starttls"),
    }


def test_the_build_notes_the_presets_own_mistakes(tmp_path):
    data = build(tmp_path)
    servers = {
        s.get("preset"): s for p in data["providers"].values() for s in p["servers"] if s["source"] == "nodemailer"
    }
    assert servers["qiye.aliyun"]["port"] == 465
    assert servers["qiye.aliyun"]["notes"] == ["port written as the JSON string '465'"]
    assert any("opportunistic" in n for n in servers["AOL"]["notes"])
    assert "Maildev" not in servers  # no host: nothing a profile could be held against
    assert "notes" not in servers["Outlook365"] or all("opportunistic" in n for n in servers["Outlook365"]["notes"])


def test_the_build_indexes_mx_domains_hosts_and_keeps_placeholders(tmp_path):
    data = build(tmp_path)
    assert data["mx"]["mail.gm0.yahoodns.net"] == ["aol.com"]
    assert data["mx"]["mail.protection.outlook.com"] == ["office365.com"]
    assert data["hosts"]["smtp.office365.com"] == ["office365.com"]
    assert all("%" not in host for host in data["hosts"])
    names_file = (tmp_path / "names.txt").read_text(encoding="utf-8").split()
    assert {"gmx.net", "smtp.aol.com", "mail.gm0.yahoodns.net"} <= set(names_file)
    # only SMTP, IMAP and POP3: Office 365's Exchange, EWS, OWA and Graph entries are left out
    assert {s["protocol"] for p in data["providers"].values() for s in p["servers"]} <= {"smtp", "imap", "pop3"}


def test_the_packaged_snapshot_is_small_complete_and_current_with_its_readme():
    assert DATA_FILE.stat().st_size + NAMES_FILE.stat().st_size < 1_000_000
    loaded = index()
    assert len([p for p in loaded.providers.values() if "ispdb" in p.sources]) == 163
    readme = (DATA_FILE.parent / "README.md").read_text(encoding="utf-8")
    for source in loaded.sources.values():
        assert source["commit"] in readme and source["licence"] in readme
    assert set(names()) == set(json.loads(DATA_FILE.read_text(encoding="utf-8"))["domains"]) | set(
        json.loads(DATA_FILE.read_text(encoding="utf-8"))["mx"]
    ) | set(json.loads(DATA_FILE.read_text(encoding="utf-8"))["hosts"])


def test_lookups_expand_placeholders_from_the_address_and_follow_mx_parents():
    loaded = index()
    assert expand("mail.%EMAILDOMAIN%", "ann@inbox.lv") == "mail.inbox.lv"
    [(provider, server)] = [
        (p, s) for p, s in loaded.servers_at("imap", "mail.inbox.lv", "ann@inbox.lv") if s.source == "ispdb"
    ]
    assert provider.id == "inbox.lv" and server.host == "mail.%EMAILDOMAIN%"
    assert [p.id for p in loaded.of_mx("eur.olc.protection.outlook.com")] == ["hotmail.com"]
    assert [p.id for p in loaded.of_mx("example-com.mail.protection.outlook.com")] == ["office365.com"]
    assert [p.id for p in loaded.owners_of_domain("gmx.net")] == ["gmx.net"]

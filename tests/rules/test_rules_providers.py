"""MC701-MC706: what the providers publish (mailcheck/providers/data.json, the packaged
snapshot of Thunderbird's ISPDB and nodemailer's presets), held against profiles.

Every host, port and username below is a real entry of the snapshot; the tests at the end
generate profiles from the snapshot's own entries and find its known mistakes exactly.
"""

from __future__ import annotations

import json

from click.testing import CliRunner

from mailcheck.cli import cli
from mailcheck.providers.index import index

# --- MC701 provider-port-mismatch ------------------------------------------------------


def test_mc701_implicit_tls_where_the_provider_publishes_only_starttls(lint):
    run = lint(
        """
        version: 1
        profiles:
          m365-send:
            protocol: smtp
            host: smtp.office365.com
            port: 465
            security: tls
            auth: {username: reports@example.com, mechanism: xoauth2, token: {env: M365_TOKEN}}
            from: {address: reports@example.com}
        """
    )
    found = run.only("MC701")
    assert found.severity == "warning" and found.at == run.spot("port: 465", "465")
    assert found.message == (
        "Microsoft 365 (office365.com) publishes no implicit TLS: for smtp on smtp.office365.com it publishes "
        "587 starttls (ISPDB, nodemailer Outlook365)"
    )
    assert found.hint == "use port: 587 with security: starttls"


def test_mc701_a_published_pair_and_gmails_unlisted_587_pass(lint):
    run = lint(
        """
        version: 1
        profiles:
          m365-send:
            protocol: smtp
            host: smtp.office365.com
            port: 587
            security: starttls
            auth: {username: reports@example.com, mechanism: xoauth2, token: {env: M365_TOKEN}}
            from: {address: reports@example.com}
          gmail-587:
            protocol: smtp
            host: smtp.gmail.com
            port: 587
            security: starttls
            auth: {username: alerts@gmail.com, password: {env: GMAIL_APP_PASSWORD}}
            from: {address: alerts@gmail.com}
        """
    )
    assert run.rules == []


def test_mc701_cleartext_where_only_tls_is_published(lint):
    run = lint(
        """
        version: 1
        profiles:
          gmx-inbox:
            protocol: imap
            host: imap.gmx.net
            security: none
        """
    )
    found = run.finding("MC701")
    assert found.message == (
        "GMX Freemail (gmx.net) publishes port 143 with security starttls, not none: "
        "for imap on imap.gmx.net it publishes 143 starttls (ISPDB), 993 tls (ISPDB)"
    )
    assert found.hint == "use port: 993 with security: tls"


# --- MC702 provider-host-mismatch ------------------------------------------------------


def test_mc702_gmx_net_address_on_nodemailers_gmx_com_host(lint):
    run = lint(
        """
        version: 1
        profiles:
          gmx-send:
            protocol: smtp
            host: mail.gmx.com
            port: 587
            security: starttls
            auth: {username: ann@gmx.net, password: {env: GMX_PASSWORD}}
            from: {address: ann@gmx.net}
        """
    )
    found = run.only("MC702")
    assert found.severity == "info" and found.at == run.spot("host: mail.gmx.com", "mail.gmx.com")
    assert found.message == (
        "ann@gmx.net is an address of GMX Freemail (gmx.net), but mail.gmx.com is a server of "
        "GMX Freemail (gmx.com) (nodemailer's GMX preset gives gmx.net this host: the sources disagree)"
    )
    assert "publishes mail.gmx.net for smtp" in found.hint


def test_mc702_own_servers_placeholders_and_unlisted_domains_pass(lint):
    run = lint(
        """
        version: 1
        profiles:
          gmx-send:
            protocol: smtp
            host: mail.gmx.net
            port: 587
            security: starttls
            auth: {username: ann@gmx.net, password: {env: GMX_PASSWORD}}
            from: {address: ann@gmx.net}
          inbox-lv:
            protocol: imap
            host: mail.inbox.lv
            security: tls
            auth: {username: ann@inbox.lv, password: {env: INBOX_PASSWORD}}
          workspace:
            protocol: smtp
            host: smtp.gmail.com
            port: 465
            security: tls
            auth: {username: ann@example.com, password: {env: GMAIL_APP_PASSWORD}}
            from: {address: ann@example.com}
        """
    )
    assert run.rules == []


def test_mc702_web_de_address_on_gmail(lint):
    run = lint(
        """
        version: 1
        profiles:
          copied:
            protocol: smtp
            host: smtp.gmail.com
            port: 465
            security: tls
            auth: {username: ann@web.de, password: {env: WEBDE_PASSWORD}}
            from: {address: ann@web.de}
        """
    )
    found = run.only("MC702")
    assert "ann@web.de is an address of WEB.DE Freemail (web.de)" in found.message
    assert "smtp.gmail.com is a server of Google Mail (googlemail.com)" in found.message
    assert found.hint.startswith("WEB.DE Freemail (web.de) publishes smtp.web.de for smtp")


# --- MC703 provider-username-form ------------------------------------------------------


def test_mc703_gmail_wants_the_full_address(lint):
    run = lint(
        """
        version: 1
        profiles:
          inbox:
            protocol: imap
            host: imap.gmail.com
            security: tls
            auth: {username: alerts, mechanism: xoauth2, token: {env: GMAIL_TOKEN}}
        """
    )
    found = run.only("MC703")
    assert found.at == run.spot("username: alerts", "alerts")
    assert "expects the full address as the imap login on imap.gmail.com (%EMAILADDRESS%)" in found.message


def test_mc703_a_local_part_provider_and_the_right_forms_pass(lint):
    local = next(
        s
        for p in index().providers.values()
        for s in p.servers
        if s.username == "%EMAILLOCALPART%" and "%" not in s.host
    )
    run = lint(
        f"""
        version: 1
        profiles:
          inbox:
            protocol: imap
            host: imap.gmail.com
            security: tls
            auth: {{username: alerts@gmail.com, mechanism: xoauth2, token: {{env: GMAIL_TOKEN}}}}
          local:
            protocol: {local.protocol}
            host: {local.host}
            port: {local.port}
            security: {local.security}
            auth: {{username: ann, password: {{env: PASSWORD}}}}
        """
    )
    assert "MC703" not in run.rules


def test_mc703_local_part_expected_and_the_address_given(lint):
    run = lint(
        """
        version: 1
        profiles:
          send:
            protocol: smtp
            host: smtp.mail.yahoo.co.jp
            port: 465
            security: tls
            auth: {username: ann@yahoo.co.jp, password: {env: PASSWORD}}
            from: {address: ann@yahoo.co.jp}
        """
    )
    found = run.only("MC703")
    assert "expects only the local part of the address (before @)" in found.message
    assert found.hint == "set username: ann"


# --- MC704 provider-requires-oauth2 ----------------------------------------------------


def test_mc704_a_password_on_outlook_office365_com(lint):
    run = lint(
        """
        version: 1
        profiles:
          inbox:
            protocol: imap
            host: outlook.office365.com
            security: tls
            auth: {username: reports@example.com, password: {env: M365_PASSWORD}}
        """
    )
    found = run.only("MC704")
    assert "outlook.office365.com accepts only OAuth2 for imap" in found.message
    assert "Microsoft 365 (office365.com)" in found.message and "mechanism auto" in found.message
    assert found.hint.startswith("set mechanism: xoauth2")


def test_mc704_xoauth2_there_and_a_password_where_oauth2_is_optional_pass(lint):
    run = lint(
        """
        version: 1
        profiles:
          inbox:
            protocol: imap
            host: outlook.office365.com
            security: tls
            auth: {username: reports@example.com, mechanism: xoauth2, token: {env: M365_TOKEN}}
          gmail:
            protocol: imap
            host: imap.gmail.com
            security: tls
            auth: {username: ann@gmail.com, password: {env: GMAIL_APP_PASSWORD}}
        """
    )
    assert run.rules == []


# --- MC705 provider-cleartext-only -----------------------------------------------------


def test_mc705_a_provider_with_only_cleartext_pop3(lint):
    run = lint(
        """
        version: 1
        profiles:
          inbox:
            protocol: pop3
            host: pop.bb-niigata.jp
            security: tls
        """
    )
    found = run.only("MC705")
    assert "publishes pop3 on pop.bb-niigata.jp only in cleartext (110 none (ISPDB))" in found.message
    assert "no port or security setting makes this profile encrypted" in found.message
    assert "ask the provider" in found.hint


def test_mc705_a_provider_with_tls_passes(lint):
    run = lint(
        """
        version: 1
        profiles:
          inbox:
            protocol: pop3
            host: pop.gmx.net
            security: tls
        """
    )
    assert run.rules == []


# --- MC706 provider-sources-disagree ---------------------------------------------------


def test_mc706_nodemailers_aol_587_against_the_ispdbs_465(lint):
    run = lint(
        """
        version: 1
        profiles:
          aol:
            protocol: smtp
            host: smtp.aol.com
            port: 587
            security: starttls
            auth: {username: ann@aol.com, password: {env: AOL_APP_PASSWORD}}
            from: {address: ann@aol.com}
        """
    )
    found = run.only("MC706")
    assert found.message == (
        "smtp 587 starttls on smtp.aol.com is nodemailer's (preset AOL); "
        "Thunderbird's ISPDB publishes 465 tls (ISPDB) for it"
    )
    assert found.hint.endswith("port: 465 with security: tls")


def test_mc706_the_ispdbs_pair_passes(lint):
    run = lint(
        """
        version: 1
        profiles:
          aol:
            protocol: smtp
            host: smtp.aol.com
            port: 465
            security: tls
            auth: {username: ann@aol.com, password: {env: AOL_APP_PASSWORD}}
            from: {address: ann@aol.com}
        """
    )
    assert run.rules == []


# --- the snapshot's own known mistakes, found exactly ------------------------------------


def _nodemailer_profiles() -> dict[str, dict]:
    """One profile per nodemailer preset, as nodemailer itself behaves with it."""
    profiles = {}
    for provider in index().providers.values():
        for server in provider.servers:
            if server.source != "nodemailer":
                continue
            opportunistic = any("opportunistic" in n for n in server.notes)
            domain = (provider.domains or provider.claimed or ("example.com",))[0]
            address = f"ann@{domain}"
            name = "nm-" + "".join(c if c.isalnum() else "-" for c in str(server.preset))
            profiles[name] = {
                "protocol": "smtp",
                "host": server.host,
                "port": server.port,
                "security": "opportunistic" if opportunistic else server.security,
                "auth": {"username": address, "password": {"env": "MAIL_PASSWORD"}},
                "from": {"address": address},
            }
    return profiles


def _lint_profiles(tmp_path, profiles: dict[str, dict]) -> list[dict]:
    (tmp_path / ".git").mkdir(exist_ok=True)
    path = tmp_path / "snapshot.mail.yaml"
    path.write_text(json.dumps({"version": 1, "profiles": profiles}, indent=1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(path)])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)["findings"]


def test_the_snapshots_known_mistakes_are_found_exactly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    profiles = _nodemailer_profiles()
    findings = _lint_profiles(tmp_path, profiles)
    by_rule: dict[str, set[str]] = {}
    for f in findings:
        by_rule.setdefault(f["rule"], set()).add(f["profile"])
    opportunistic = {name for name, p in profiles.items() if p["security"] == "opportunistic"}
    # nodemailer's presets that only upgrade when offered: the 33, less Maildev (no host)
    assert len(opportunistic) == 32 and by_rule["MC214"] == opportunistic
    # AOL, Naver and GoDaddy: nodemailer's port against the ISPDB's 465 with implicit TLS
    assert by_rule["MC706"] == {"nm-AOL", "nm-Naver", "nm-Godaddy"}
    # GMX: the preset's gmx.com host for every GMX domain; only its first, gmx.com, is its own
    assert "nm-GMX" not in by_rule.get("MC702", set())
    assert by_rule.get("MC701", set()) == by_rule.get("MC705", set()) == set()
    # the ISPDB side of each disagreement is in the data, and both are recorded
    kinds = {(d.kind, d.data.get("preset") or d.data.get("domain")) for d in index().disagreements}
    assert {("server", "AOL"), ("server", "Naver"), ("server", "Godaddy"), ("domain", "gmx.net")} <= kinds


def test_gmx_net_with_nodemailers_preset_is_mc702_exactly(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    gmx = _nodemailer_profiles()["nm-GMX"]
    for domain in ("gmx.net", "gmx.de"):
        gmx_here = {**gmx, "security": "starttls", "auth": {"username": f"ann@{domain}", "password": {"env": "P"}}}
        gmx_here["from"] = {"address": f"ann@{domain}"}
        findings = _lint_profiles(tmp_path, {"gmx": gmx_here})
        assert [f["rule"] for f in findings] == ["MC702"], findings
        assert "mail.gmx.net" in findings[0]["hint"]


def test_the_port_given_as_a_string_is_recorded_and_reported_as_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    [server] = [s for p in index().providers.values() for s in p.servers if s.preset == "qiye.aliyun"]
    assert server.port == 465 and server.notes == ("port written as the JSON string '465'",)
    profile = {"protocol": "smtp", "host": server.host, "port": "465", "security": server.security}
    profile["from"] = {"address": "ann@example.com"}
    assert [f["rule"] for f in _lint_profiles(tmp_path, {"qiye": profile})] == ["MC101"]


def test_every_ispdb_server_as_published_gets_no_provider_finding_but_its_own_mistakes(tmp_path, monkeypatch):
    """An ISPDB entry turned into a profile matches itself: MC701, MC703, MC704 and MC706
    never fire on what the ISPDB publishes; MC705 fires exactly on its cleartext-only servers."""
    monkeypatch.chdir(tmp_path)
    profiles = {}
    cleartext_only = set()
    for provider in index().providers.values():
        literal = [s for s in provider.servers if s.source == "ispdb" and "%" not in s.host]
        for n, server in enumerate(literal):
            domain = provider.domains[0]
            name = f"{provider.id}-{n}".replace(".", "-")[:64]
            username = (server.username or "%EMAILADDRESS%").replace("%EMAILADDRESS%", f"ann@{domain}")
            username = username.replace("%EMAILLOCALPART%", "ann").replace("%EMAILDOMAIN%", domain)
            oauth_only = set(server.auth) == {"OAuth2"}
            auth = {"username": username, "mechanism": "xoauth2", "token": {"env": "T"}} if oauth_only else None
            profiles[name] = {
                "protocol": server.protocol,
                "host": server.host,
                "port": server.port,
                "security": server.security,
                **({"auth": auth} if auth else {"auth": {"username": username, "password": {"env": "P"}}}),
                **({"from": {"address": f"ann@{domain}"}} if server.protocol == "smtp" else {}),
            }
            same = [s for p in index().of_host(server.host) for s in p.servers if s.protocol == server.protocol]
            if same and all(s.security == "none" for s in same):
                cleartext_only.add(name)
    findings = _lint_profiles(tmp_path, profiles)
    rules = {(f["rule"], f["profile"]) for f in findings}
    assert {r for r, _ in rules} & {"MC701", "MC703", "MC704", "MC706"} == set(), sorted(
        x for x in rules if x[0] in {"MC701", "MC703", "MC704", "MC706"}
    )
    assert {p for r, p in rules if r == "MC705"} == cleartext_only
    assert len(cleartext_only) > 40

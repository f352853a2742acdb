"""`mailcheck probe` on an app's config file: the adapted profile is probed as the app connects."""

from __future__ import annotations

from tests.probe.probe_helpers import mailcheck


def grafana(folder, port: int, policy: str, *, user: str = "") -> None:
    (folder / ".git").mkdir(exist_ok=True)
    (folder / "grafana.ini").write_text(
        f"[smtp]\nhost = 127.0.0.1:{port}\nstartTLS_policy = {policy}\nfrom_address = grafana@example.com\n"
        + (f"user = {user}\npassword = $__env{{SMTP_PASSWORD}}\n" if user else ""),
        encoding="utf-8",
    )


def test_a_grafana_ini_is_probed_where_it_points(tmp_path, smtp):
    server = smtp("none")
    grafana(tmp_path, server.port, "NoStartTLS")
    result = mailcheck(tmp_path, "probe", "grafana.ini")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("PASS  smtp (grafana.ini)  smtp")


def test_an_opportunistic_app_is_probed_as_if_the_upgrade_were_required(tmp_path, smtp):
    # Grafana would go on in cleartext here; the probe says the server offers no STARTTLS
    server = smtp("none")
    grafana(tmp_path, server.port, "OpportunisticStartTLS")
    result = mailcheck(tmp_path, "probe", "grafana.ini")
    assert result.exit_code == 1
    assert "MC506 [starttls-not-offered]" in result.stdout


def test_a_profile_whose_host_the_app_reads_at_run_time_is_not_probed(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "grafana.ini").write_text(
        "[smtp]\nhost = $__env{SMTP_HOST}\nstartTLS_policy = MandatoryStartTLS\nfrom_address = g@example.com\n",
        encoding="utf-8",
    )
    result = mailcheck(tmp_path, "probe", "grafana.ini")
    assert "the app reads host only when it runs" in result.stdout + result.stderr

"""Apps' variables where deployments set them: .env files, Compose files, Kubernetes manifests."""

from __future__ import annotations

from pathlib import Path

from tests.cli_run import INLINE_SECRET, mailcheck, repo

DOTENV = f"""\
# Grafana's mail settings
GF_SMTP_ENABLED=true
GF_SMTP_HOST=smtp.example.com:587
GF_SMTP_USER=grafana@example.com
GF_SMTP_PASSWORD="{INLINE_SECRET}"
GF_SMTP_FROM_ADDRESS=grafana@example.com
GF_SMTP_STARTTLS_POLICY=MandatoryStartTLS
"""

COMPOSE = """\
services:
  grafana:
    image: grafana/grafana
    environment:
      - GF_SMTP_HOST=smtp.example.com:587
      - "GF_SMTP_SKIP_VERIFY=true"
      - GF_SMTP_FROM_ADDRESS=grafana@example.com
      - GF_SMTP_STARTTLS_POLICY=MandatoryStartTLS
  web:
    image: nginx
    environment:
      NGINX_PORT: 80
"""

MANIFESTS = """\
apiVersion: v1
kind: ConfigMap
metadata: {name: grafana-env}
data:
  GF_SMTP_HOST: smtp.example.com
  GF_SMTP_FROM_ADDRESS: grafana@example.com
  GF_SMTP_STARTTLS_POLICY: MandatoryStartTLS
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: grafana}
spec:
  template:
    spec:
      containers:
        - name: grafana
          image: grafana/grafana
          env:
            - name: GF_SMTP_HOST
              value: smtp.example.com:587
            - name: GF_SMTP_USER
              value: grafana@example.com
            - name: GF_SMTP_PASSWORD
              valueFrom: {secretKeyRef: {name: smtp, key: password}}
            - name: GF_SMTP_FROM_ADDRESS
              value: grafana@example.com
"""


def findings(run):
    return [(f["rule"], f["file"], f["line"], f["column"], f["profile"]) for f in run.json()["findings"]]


def test_a_dotenv_file_is_read_with_positions_and_its_password_masked(tmp_path):
    repo(tmp_path)
    (tmp_path / ".env").write_text(DOTENV, encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert findings(run) == [("MC303", ".env", 5, 18, "smtp")]
    assert "GF_SMTP_PASSWORD=$__file{" in run.json()["findings"][0]["hint"]  # the fix in the variables' terms
    for output in ("text", "sarif", "github", "gitlab", "junit"):
        shown = mailcheck(tmp_path, "check", "--format", output, ".env")
        assert INLINE_SECRET not in shown.stdout + shown.stderr, output


def test_a_misspelt_variable_is_named_with_the_right_one(tmp_path):
    repo(tmp_path)
    (tmp_path / ".env").write_text(DOTENV.replace("STARTTLS_POLICY", "STARTTLS_POLICI"), encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".env")
    typo = next(f for f in run.json()["findings"] if f["rule"] == "MC602")
    assert (typo["line"], typo["column"]) == (7, 1)
    assert typo["hint"] == "write `GF_SMTP_STARTTLS_POLICY`"
    assert "MC214" in [f["rule"] for f in run.json()["findings"]]  # so the policy is Grafana's default


def test_a_compose_service_is_one_profile_pointing_into_its_list(tmp_path):
    repo(tmp_path)
    (tmp_path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert findings(run) == [("MC206", "compose.yaml", 6, 30, "grafana.smtp")]
    assert run.json()["findings"][0]["hint"].startswith("remove GF_SMTP_SKIP_VERIFY")


def test_kubernetes_manifests_read_configmaps_and_containers(tmp_path):
    repo(tmp_path)
    (tmp_path / "grafana.yaml").write_text(MANIFESTS, encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--as", "env", "--format", "json", "grafana.yaml")
    # the ConfigMap's host has no port; the container sets no policy, so it is Grafana's
    # opportunistic default (pointed at the container); its secret comes from a Secret: no MC303
    assert findings(run) == [
        ("MC603", "grafana.yaml", 5, 17, "grafana-env.smtp"),
        ("MC214", "grafana.yaml", 16, 11, "grafana.smtp"),
    ]
    assert run.json()["summary"]["profiles"] == 2


def test_a_walk_skips_env_and_compose_files_without_an_apps_variables(tmp_path):
    repo(tmp_path)
    (tmp_path / ".env").write_text("DATABASE_URL=postgres://db/app\n", encoding="utf-8")
    (tmp_path / "compose.yaml").write_text(
        COMPOSE.split("  web:", maxsplit=1)[0].replace("GF_", "XX_"), encoding="utf-8"
    )
    (tmp_path / "ok.mail.yaml").write_text(
        "version: 1\nprofiles:\n  o: {protocol: smtp, host: smtp.example.com, port: 465, security: tls, "
        "from: {address: a@example.com}}\n",
        encoding="utf-8",
    )
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert run.json()["summary"]["files"] == 1


def test_a_line_dotenv_cannot_read_is_one_finding(tmp_path):
    repo(tmp_path)
    (tmp_path / ".env").write_text("GF_SMTP_HOST=smtp.example.com:587\nnot a binding\n", encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".env")
    [finding] = run.json()["findings"]
    assert (finding["rule"], finding["line"]) == ("MC001", 2)


# --- Mastodon's .env.production --------------------------------------------------------

MASTODON_FIXTURE = Path(__file__).parent.parent / "fixtures" / "apps" / "mastodon" / "env.production.sample"


def mastodon(tmp_path, text: str):
    repo(tmp_path)
    (tmp_path / ".env.production").write_text(text, encoding="utf-8")
    return mailcheck(tmp_path, "check", "--format", "json", ".")


def test_mastodons_own_sample_is_opportunistic_by_default(tmp_path):
    text = MASTODON_FIXTURE.read_text(encoding="utf-8")
    run = mastodon(tmp_path, text)
    line = text.splitlines().index("SMTP_SERVER=smtp.mailgun.org") + 1
    assert findings(run) == [("MC214", ".env.production", line, 1, "smtp")]
    assert run.json()["findings"][0]["hint"].startswith("set SMTP_ENABLE_STARTTLS=always")


def test_mastodon_with_starttls_always_and_a_referenced_password_is_clean(tmp_path):
    text = (
        "LOCAL_DOMAIN=example.com\nSMTP_SERVER=smtp.example.com\nSMTP_PORT=587\nSMTP_LOGIN=m@example.com\n"
        "SMTP_PASSWORD=${SMTP_PASSWORD}\nSMTP_FROM_ADDRESS='Mastodon <notifications@example.com>'\n"
        "SMTP_ENABLE_STARTTLS=always\n"
    )
    assert findings(mastodon(tmp_path, text)) == []


def test_mastodon_smtp_tls_with_starttls_left_on_is_refused_by_the_mail_gem(tmp_path):
    text = "LOCAL_DOMAIN=example.com\nSMTP_SERVER=smtp.example.com\nSMTP_PORT=465\nSMTP_TLS=true\n"
    run = mastodon(tmp_path, text)
    conflict = next(f for f in run.json()["findings"] if f["rule"] == "MC601")
    assert (conflict["line"], conflict["column"]) == (4, 10)
    assert conflict["hint"] == "with SMTP_TLS=true on port 465, set SMTP_ENABLE_STARTTLS=never"
    fixed = mastodon(tmp_path, text + "SMTP_ENABLE_STARTTLS=never\nSMTP_FROM_ADDRESS=n@example.com\n")
    assert findings(fixed) == []


def test_mastodon_never_means_cleartext_and_a_login_then_crosses_in_clear(tmp_path):
    text = (
        "LOCAL_DOMAIN=example.com\nSMTP_SERVER=smtp.example.com\nSMTP_PORT=25\nSMTP_LOGIN=m@example.com\n"
        f"SMTP_PASSWORD={INLINE_SECRET}\nSMTP_ENABLE_STARTTLS=never\nSMTP_FROM_ADDRESS=n@example.com\n"
    )
    run = mastodon(tmp_path, text)
    assert {f["rule"] for f in run.json()["findings"]} == {"MC204", "MC208", "MC303"}
    assert INLINE_SECRET not in run.stdout


def test_a_dotenv_without_local_domain_is_not_taken_for_mastodons(tmp_path):
    run = mastodon(tmp_path, "SMTP_SERVER=smtp.example.com\n")  # some other app's SMTP_* variables
    assert "no profile files" in run.stderr and run.exit_code == 2


# --- Discourse: a container's env and discourse_docker's app.yml -------------------------

DISCOURSE_APP_YML = """\
templates:
  - "templates/postgres.template.yml"
  - "templates/web.template.yml"
env:
  DISCOURSE_HOSTNAME: discourse.example.com
  DISCOURSE_DEVELOPER_EMAILS: 'me@example.com'
  DISCOURSE_SMTP_ADDRESS: smtp.example.com
  DISCOURSE_SMTP_PORT: 587
  DISCOURSE_SMTP_USER_NAME: user@example.com
  DISCOURSE_SMTP_PASSWORD: pa$$word
  DISCOURSE_NOTIFICATION_EMAIL: noreply@discourse.example.com
"""


def test_discourse_app_yml_is_opportunistic_and_its_password_inline(tmp_path):
    repo(tmp_path)
    (tmp_path / "app.yml").write_text(DISCOURSE_APP_YML, encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert findings(run) == [("MC214", "app.yml", 5, 3, "smtp"), ("MC303", "app.yml", 10, 28, "smtp")]
    assert "DISCOURSE_SMTP_FORCE_TLS=true" in run.json()["findings"][0]["hint"]
    assert "pa$$word" not in run.stdout


def test_discourse_force_tls_on_465_is_implicit_tls(tmp_path):
    repo(tmp_path)
    text = DISCOURSE_APP_YML.replace("PORT: 587", "PORT: 465").replace(
        "  DISCOURSE_SMTP_PASSWORD: pa$$word\n",
        '  DISCOURSE_SMTP_PASSWORD: ${SMTP_PASSWORD}\n  DISCOURSE_SMTP_FORCE_TLS: "true"\n',
    )
    (tmp_path / "app.yml").write_text(text, encoding="utf-8")
    run = mailcheck(tmp_path, "check", "--format", "json", "app.yml")
    assert findings(run) == []

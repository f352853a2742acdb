"""Apps' variables where deployments set them: .env files, Compose files, Kubernetes manifests."""

from __future__ import annotations

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

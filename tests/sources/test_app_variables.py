"""Gitea's GITEA__*, GitLab's GITLAB_OMNIBUS_CONFIG and Authelia's AUTHELIA_NOTIFIER_SMTP_* variables
where deployments set them: a .env file, a Compose service, a Kubernetes container."""

from __future__ import annotations

import pytest

from tests.cli_run import INLINE_SECRET, mailcheck, repo

FORMATS = ("text", "json", "sarif", "github", "gitlab", "junit")


def findings(run):
    return [(f["rule"], f["line"], f["column"], f["profile"]) for f in run.json()["findings"]]


def at(text: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """line:column of `needle` (plus `offset` characters) in `text`."""
    index = text.index(needle) + offset
    before = text[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


def check(tmp_path, name: str, text: str, *args: str):
    repo(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return mailcheck(tmp_path, "check", *args, "--format", "json", name)


def never_shown(tmp_path, name: str, *args: str, secret: str = INLINE_SECRET) -> None:
    for output in FORMATS:
        shown = mailcheck(tmp_path, "check", *args, "--format", output, name)
        assert secret not in shown.stdout + shown.stderr, output


# --- Gitea: GITEA__SECTION__KEY ---------------------------------------------------------

GITEA_DOTENV = f"""\
GITEA__mailer__ENABLED=true
GITEA__mailer__PROTOCOL=smtp+starttls
GITEA__mailer__SMTP_ADDR=smtp.example.com
GITEA__mailer__SMTP_PORT=587
GITEA__mailer__USER=gitea@example.com
GITEA__mailer__PASSWD="{INLINE_SECRET}"
GITEA__mailer__FROM=gitea@example.com
GITEA__EMAIL_0X2E_INCOMING__ENABLED=true
GITEA__email_0x2E_incoming__HOST=imap.example.com
GITEA__email_0x2E_incoming__PORT=993
GITEA__email_0x2E_incoming__USE_TLS=true
GITEA__email_0x2E_incoming__USERNAME=gitea@example.com
GITEA__email_0x2E_incoming__PASSWORD__FILE=/run/secrets/imap_password
"""


def test_gitea_variables_in_a_dotenv_are_the_ini_sections_they_write(tmp_path):
    run = check(tmp_path, ".env", GITEA_DOTENV)
    # smtp+starttls is opportunistic in Gitea; the escaped section is [email.incoming], whose
    # password comes from a file (__FILE): a reference, no MC303
    assert findings(run) == [
        ("MC214", *at(GITEA_DOTENV, "smtp+starttls"), "smtp"),
        ("MC303", *at(GITEA_DOTENV, '"' + INLINE_SECRET), "smtp"),
    ]
    assert run.json()["summary"]["profiles"] == 2
    assert run.json()["findings"][0]["hint"].startswith("set GITEA__mailer__PROTOCOL=smtps")
    assert "GITEA__mailer__PASSWD__FILE" in run.json()["findings"][1]["hint"]
    never_shown(tmp_path, ".env")


def test_gitea_smtps_with_a_file_password_is_clean(tmp_path):
    text = (
        GITEA_DOTENV.replace("smtp+starttls", "smtps")
        .replace("SMTP_PORT=587", "SMTP_PORT=465")
        .replace(f'GITEA__mailer__PASSWD="{INLINE_SECRET}"', "GITEA__mailer__PASSWD__FILE=/run/secrets/smtp")
    )
    assert findings(check(tmp_path, ".env", text)) == []


def test_gitea_keys_keep_their_case_and_a_misspelt_one_is_named(tmp_path):
    # config_env.go lower-cases the section only: `smtp_port` is not SMTP_PORT
    text = "GITEA__MAILER__PROTOCOL=smtps\nGITEA__mailer__SMTP_ADDR=smtp.example.com\nGITEA__mailer__smtp_port=465\n"
    run = check(tmp_path, ".env", text)
    typo = next(f for f in run.json()["findings"] if f["rule"] == "MC602")
    assert (typo["line"], typo["column"], typo["hint"]) == (3, 1, "write `SMTP_PORT`")


GITEA_COMPOSE = """\
services:
  gitea:
    image: gitea/gitea:1.22
    environment:
      - GITEA__mailer__ENABLED=true
      - GITEA__mailer__PROTOCOL=smtp
      - GITEA__mailer__SMTP_ADDR=smtp.example.com
      - GITEA__mailer__SMTP_PORT=25
      - GITEA__mailer__USER=gitea@example.com
      - GITEA__mailer__PASSWD=${SMTP_PASSWORD}
      - "GITEA__mailer__FORCE_TRUST_SERVER_CERT=true"
      - GITEA__mailer__FROM=gitea@example.com
"""


def test_gitea_in_a_compose_service_points_into_its_list(tmp_path):
    run = check(tmp_path, "compose.yaml", GITEA_COMPOSE)
    rules = {(f[0], f[1], f[2]) for f in findings(run)}
    assert ("MC204", *at(GITEA_COMPOSE, "smtp\n", 0)) in rules  # smtp never encrypts, and it logs in
    assert ("MC206", *at(GITEA_COMPOSE, 'true"')) in rules
    assert "MC303" not in {f[0] for f in findings(run)}  # ${SMTP_PASSWORD} is filled in at deploy time
    assert {f["profile"] for f in run.json()["findings"]} == {"gitea.smtp"}


GITEA_DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: gitea}
spec:
  template:
    spec:
      containers:
        - name: gitea
          image: gitea/gitea:1.22
          env:
            - name: GITEA__mailer__PROTOCOL
              value: smtps
            - name: GITEA__mailer__SMTP_ADDR
              value: smtp.example.com
            - name: GITEA__mailer__USER
              value: gitea@example.com
            - name: GITEA__mailer__PASSWD
              valueFrom: {secretKeyRef: {name: smtp, key: password}}
            - name: GITEA__email_0X2E_incoming__HOST
              value: imap.example.com
            - name: GITEA__email_0X2E_incoming__PORT
              value: "143"
            - name: GITEA__email_0X2E_incoming__USERNAME
              value: gitea@example.com
"""


def test_gitea_in_a_kubernetes_container_reads_both_sections(tmp_path):
    run = check(tmp_path, "gitea.yaml", GITEA_DEPLOYMENT, "--as", "env")
    # [email.incoming] without USE_TLS is plaintext IMAP with a login; valueFrom is a reference
    assert findings(run) == [("MC204", *at(GITEA_DEPLOYMENT, "- name: gitea", 2), "gitea.email.incoming")]
    assert run.json()["summary"]["profiles"] == 2
    assert "GITEA__email_0X2E_incoming__USE_TLS=true" in run.json()["findings"][0]["hint"]


# --- GitLab: GITLAB_OMNIBUS_CONFIG ------------------------------------------------------

# The shape of the Compose example in GitLab's docs (doc/install/docker/installation.md), written
# here rather than copied: the docs are CC BY-SA 4.0, which this MIT test module cannot carry.
GITLAB_COMPOSE = f"""\
services:
  gitlab:
    image: gitlab/gitlab-ce:17.0.0-ce.0
    container_name: gitlab
    restart: always
    hostname: 'gitlab.example.com'
    environment:
      GITLAB_OMNIBUS_CONFIG: |
        # Add any other gitlab.rb configuration here, each on its own line
        external_url 'https://gitlab.example.com'
        gitlab_rails['smtp_enable'] = true
        gitlab_rails['smtp_address'] = "smtp.example.com"
        gitlab_rails['smtp_port'] = 587
        gitlab_rails['smtp_user_name'] = "gitlab@example.com"
        gitlab_rails['smtp_password'] = "{INLINE_SECRET}"
        gitlab_rails['smtp_openssl_verify_mode'] = 'none'
        gitlab_rails['incoming_email_enabled'] = true
        gitlab_rails['incoming_email_host'] = "imap.example.com"
        gitlab_rails['incoming_email_port'] = 143
        gitlab_rails['incoming_email_email'] = "in@example.com"
        gitlab_rails['incoming_email_password'] = ENV.fetch('IMAP_PASSWORD')
    ports:
      - '80:80'
    shm_size: '256m'
"""


def test_gitlab_omnibus_config_block_points_at_its_ruby_lines(tmp_path):
    run = check(tmp_path, "compose.yaml", GITLAB_COMPOSE)
    assert findings(run) == [
        ("MC214", *at(GITLAB_COMPOSE, "gitlab_rails['smtp_enable']"), "gitlab.smtp"),
        ("MC303", *at(GITLAB_COMPOSE, '"' + INLINE_SECRET), "gitlab.smtp"),
        ("MC206", *at(GITLAB_COMPOSE, "'none'"), "gitlab.smtp"),
        ("MC204", *at(GITLAB_COMPOSE, "gitlab_rails['incoming_email_enabled']"), "gitlab.incoming_email"),
    ]
    hints = [f["hint"] for f in run.json()["findings"]]
    assert "smtp_enable_starttls_auto = false" in hints[0] and "File.read('/run/secrets/" in hints[1]
    never_shown(tmp_path, "compose.yaml")


def test_gitlabs_own_compose_example_sets_no_mail_and_is_skipped(tmp_path):
    text = GITLAB_COMPOSE.split("        gitlab_rails['smtp_enable']", 1)[0] + "    shm_size: '256m'\n"
    run = check(tmp_path, "compose.yaml", text)
    assert findings(run) == []
    walked = mailcheck(tmp_path, "check", "--format", "json", ".")
    assert "no profile files" in walked.stderr


GITLAB_ONE_LINE = """\
services:
  gitlab:
    image: gitlab/gitlab-ce
    environment:
      GITLAB_OMNIBUS_CONFIG: "gitlab_rails['smtp_enable'] = true; gitlab_rails['smtp_address'] = 'mail.example.com'; \
gitlab_rails['smtp_port'] = 465; gitlab_rails['smtp_tls'] = 'false'"
"""


def test_gitlab_omnibus_config_on_one_quoted_line_is_offset_from_its_quote(tmp_path):
    run = check(tmp_path, "compose.yaml", GITLAB_ONE_LINE)
    typo = next(f for f in run.json()["findings"] if f["rule"] == "MC602")
    assert (typo["line"], typo["column"]) == at(GITLAB_ONE_LINE, "'false'")
    assert "Ruby takes every string as true" in typo["message"]


def test_gitlab_tls_with_starttls_auto_is_the_conflict_reconfigure_refuses(tmp_path):
    text = (
        "GITLAB_OMNIBUS_CONFIG=\"gitlab_rails['smtp_enable'] = true\n"
        "gitlab_rails['smtp_address'] = 'smtp.example.com'\n"
        "gitlab_rails['smtp_port'] = 465\n"
        "gitlab_rails['smtp_tls'] = true\n"
        "gitlab_rails['smtp_enable_starttls_auto'] = true\n"
        "gitlab_rails['gitlab_email_from'] = 'gitlab@example.com'\"\n"
    )
    run = check(tmp_path, ".env", text)
    conflict = next(f for f in run.json()["findings"] if f["rule"] == "MC601")
    assert (conflict["line"], conflict["column"], conflict["profile"]) == (5, 45, "smtp")
    assert "mutually exclusive" in conflict["message"]


GITLAB_POD = """\
apiVersion: v1
kind: Pod
metadata: {name: gitlab}
spec:
  containers:
    - name: gitlab
      image: gitlab/gitlab-ce
      env:
        - name: GITLAB_OMNIBUS_CONFIG
          value: |
            gitlab_rails['smtp_enable'] = true
            gitlab_rails['smtp_address'] = 'smtp.example.com'
            gitlab_rails['smtp_port'] = 465
            gitlab_rails['smtp_tls'] = true
            gitlab_rails['smtp_enable_starttls_auto'] = false
            gitlab_rails['smtp_user_name'] = 'gitlab@example.com'
            gitlab_rails['smtp_password'] = File.read('/run/secrets/smtp').strip
            gitlab_rails['gitlab_email_from'] = 'gitlab@example.com'
            gitlab_rails['smtp_authentification'] = 'login'
"""


def test_gitlab_in_a_kubernetes_container_with_implicit_tls_and_a_file_password(tmp_path):
    run = check(tmp_path, "gitlab.yaml", GITLAB_POD, "--as", "env")
    # only the misspelt key: File.read is a reference (no MC303), port 465 with smtp_tls is clean
    assert findings(run) == [("MC602", *at(GITLAB_POD, "'smtp_authentification'"), "gitlab.smtp")]
    assert run.json()["findings"][0]["hint"] == "write gitlab_rails['smtp_authentication']"


def test_broken_ruby_in_gitlab_omnibus_config_is_one_finding_in_the_compose_file(tmp_path):
    text = GITLAB_COMPOSE.replace("gitlab_rails['smtp_port'] = 587", "gitlab_rails['smtp_port'] = (587")
    run = check(tmp_path, "compose.yaml", text)
    [finding] = run.json()["findings"]
    assert finding["rule"] == "MC001" and "not valid Ruby" in finding["message"]
    assert finding["line"] in range(at(text, "(587")[0], at(text, "ports:")[0])


# --- Authelia: AUTHELIA_NOTIFIER_SMTP_* -------------------------------------------------

AUTHELIA_DOTENV = f"""\
AUTHELIA_NOTIFIER_SMTP_ADDRESS=submission://smtp.example.com:587
AUTHELIA_NOTIFIER_SMTP_USERNAME=authelia@example.com
AUTHELIA_NOTIFIER_SMTP_PASSWORD='{INLINE_SECRET}'
AUTHELIA_NOTIFIER_SMTP_SENDER=Authelia <authelia@example.com>
AUTHELIA_NOTIFIER_SMTP_DISABLE_REQUIRE_TLS=true
"""


def test_authelia_variables_in_a_dotenv_disable_require_tls_is_opportunistic(tmp_path):
    run = check(tmp_path, ".env", AUTHELIA_DOTENV)
    assert findings(run) == [
        ("MC303", *at(AUTHELIA_DOTENV, "'" + INLINE_SECRET), "smtp"),
        ("MC214", *at(AUTHELIA_DOTENV, "true"), "smtp"),
    ]
    assert "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE" in run.json()["findings"][0]["hint"]
    assert run.json()["findings"][1]["hint"].startswith("remove AUTHELIA_NOTIFIER_SMTP_DISABLE_REQUIRE_TLS")
    never_shown(tmp_path, ".env")


def test_authelia_password_file_is_a_reference_and_the_default_is_required_starttls(tmp_path):
    text = AUTHELIA_DOTENV.replace(
        f"AUTHELIA_NOTIFIER_SMTP_PASSWORD='{INLINE_SECRET}'", "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE=/run/secrets/smtp"
    ).replace("AUTHELIA_NOTIFIER_SMTP_DISABLE_REQUIRE_TLS=true\n", "")
    assert findings(check(tmp_path, ".env", text)) == []


def test_authelia_password_set_both_ways_is_refused(tmp_path):
    text = AUTHELIA_DOTENV + "AUTHELIA_NOTIFIER_SMTP_PASSWORD_FILE=/run/secrets/smtp\n"
    run = check(tmp_path, ".env", text)
    refused = next(f for f in run.json()["findings"] if f["rule"] == "MC603")
    assert (refused["line"], refused["column"]) == (6, 1)
    assert "already defined" in refused["message"]


AUTHELIA_COMPOSE = """\
services:
  authelia:
    image: authelia/authelia:4.38
    environment:
      AUTHELIA_NOTIFIER_SMTP_ADDRESS: smtp://smtp.example.com:465
      AUTHELIA_NOTIFIER_SMTP_SENDER: authelia@example.com
      AUTHELIA_NOTIFIER_SMTP_TLS_SKIP_VERIFY: "true"
      AUTHELIA_NOTIFIER_SMTP_DISABLE_STARTLS: "true"
"""


def test_authelia_in_a_compose_service_smtp_scheme_on_465_and_skip_verify(tmp_path):
    run = check(tmp_path, "compose.yaml", AUTHELIA_COMPOSE)
    got = findings(run)
    # smtp:// is STARTTLS even on 465 (only submissions is implicit TLS); the port points inside the address
    assert ("MC201", *at(AUTHELIA_COMPOSE, "465"), "authelia.smtp") in got
    assert ("MC206", *at(AUTHELIA_COMPOSE, '"true"'), "authelia.smtp") in got
    typo = next(f for f in run.json()["findings"] if f["rule"] == "MC602")
    assert (typo["line"], typo["column"]) == at(AUTHELIA_COMPOSE, "AUTHELIA_NOTIFIER_SMTP_DISABLE_STARTLS")
    assert typo["hint"] == "write `AUTHELIA_NOTIFIER_SMTP_DISABLE_STARTTLS`"


AUTHELIA_STATEFULSET = f"""\
apiVersion: apps/v1
kind: StatefulSet
metadata: {{name: authelia}}
spec:
  template:
    spec:
      containers:
        - name: authelia
          image: authelia/authelia:4.38
          env:
            - name: AUTHELIA_NOTIFIER_SMTP_ADDRESS
              value: submissions://smtp.example.com
            - name: AUTHELIA_NOTIFIER_SMTP_USERNAME
              value: authelia@example.com
            - name: AUTHELIA_NOTIFIER_SMTP_PASSWORD
              value: {INLINE_SECRET}
            - name: AUTHELIA_NOTIFIER_SMTP_SENDER
              value: authelia@example.com
"""


@pytest.mark.parametrize("secret", [True, False])
def test_authelia_in_a_kubernetes_container_implicit_tls(tmp_path, secret):
    text = AUTHELIA_STATEFULSET
    if not secret:
        text = text.replace(f"value: {INLINE_SECRET}", "valueFrom: {secretKeyRef: {name: smtp, key: password}}")
    run = check(tmp_path, "authelia.yaml", text, "--as", "env")
    if secret:
        assert findings(run) == [("MC303", *at(text, INLINE_SECRET), "authelia.smtp")]
        never_shown(tmp_path, "authelia.yaml", "--as", "env")
    else:
        assert findings(run) == []  # submissions:// is implicit TLS; valueFrom is a reference

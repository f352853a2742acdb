#!/usr/bin/env bash
# Install Debian's Postfix and Dovecot (IMAP + POP3) for the integration suite.
#
# Idempotent and non-interactive: safe to run from CI (CI=true, no stdin) or by
# a developer with sudo. No stock service is started: the test harness runs its
# own private instances on free loopback ports, never the system ones.
set -euo pipefail

readonly PACKAGES=(postfix dovecot-imapd dovecot-pop3d openssl)
readonly BINARIES=(/usr/sbin/postfix /usr/sbin/dovecot /usr/bin/openssl)
readonly POLICY_RC=/usr/sbin/policy-rc.d
readonly APT_UPDATE_TRIES=3
readonly APT_LOCK_WAIT=(-o DPkg::Lock::Timeout=120)

log() { printf 'install-mail-servers: %s\n' "$*" >&2; }

already_installed() {
    # All packages installed (dpkg status) and their binaries present.
    local pkg bin
    for pkg in "${PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || return 1
    done
    for bin in "${BINARIES[@]}"; do
        [[ -x "$bin" ]] || return 1
    done
}

apt_update_with_retries() {
    local attempt
    for ((attempt = 1; attempt <= APT_UPDATE_TRIES; attempt++)); do
        if timeout 300 apt-get "${APT_LOCK_WAIT[@]}" update -q </dev/null; then
            return 0
        fi
        log "apt-get update failed (attempt $attempt/$APT_UPDATE_TRIES)"
        sleep $((attempt * 5))
    done
    log "apt-get update failed $APT_UPDATE_TRIES times"
    return 1
}

# policy-rc.d exiting 101 forbids invoke-rc.d to start services during install.
# An existing one is moved aside and put back afterwards, whatever happens.
POLICY_BACKUP=""
install_policy_rc() {
    if [[ -e "$POLICY_RC" ]]; then
        POLICY_BACKUP="$(mktemp "${POLICY_RC}.mailcheck-backup.XXXXXX")"
        cp -p "$POLICY_RC" "$POLICY_BACKUP"
    fi
    printf '#!/bin/sh\n# Temporarily written by mailcheck .ci/install-mail-servers.sh\nexit 101\n' >"$POLICY_RC"
    chmod 0755 "$POLICY_RC"
}

restore_policy_rc() {
    if [[ -n "$POLICY_BACKUP" ]]; then
        mv -f "$POLICY_BACKUP" "$POLICY_RC"
    else
        rm -f "$POLICY_RC"
    fi
}

main() {
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "install-mail-servers.sh must run as root (try: sudo bash .ci/install-mail-servers.sh)" >&2
        exit 1
    fi
    if already_installed; then
        log "postfix and dovecot already installed"
        exit 0
    fi

    export DEBIAN_FRONTEND=noninteractive
    install_policy_rc
    trap restore_policy_rc EXIT
    trap 'exit 130' INT TERM  # so the EXIT trap restores policy-rc.d on signals too

    echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
    apt_update_with_retries
    timeout 900 apt-get "${APT_LOCK_WAIT[@]}" install -y -q --no-install-recommends \
        -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
        "${PACKAGES[@]}" </dev/null

    already_installed || { log "packages installed but binaries missing"; exit 1; }
    log "installed: ${PACKAGES[*]}"
}

main "$@"

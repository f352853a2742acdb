#!/usr/bin/env bash
# Validate SARIF with Microsoft's validator and GitHub's ingestion rules, strictly: any error
# or warning fails (notes, such as SARIF2002's suggestion to use message ids, are advice).
#
#   bash .ci/validate-sarif.sh              # mailcheck's SARIF for examples/ and examples/broken/
#   bash .ci/validate-sarif.sh FILE...      # the given SARIF files
#
# Needs `bash .ci/install-node-tools.sh` first. mailcheck is $MAILCHECK, else .venv/bin/mailcheck
# when it exists, else the one on PATH.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly MULTITOOL=tools/node/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1  # the validator needs no ICU data for this

log() { printf 'validate-sarif: %s\n' "$*" >&2; }

[ -x "$MULTITOOL" ] || { log "$MULTITOOL missing: run bash .ci/install-node-tools.sh"; exit 2; }

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

files=("$@")
if [ ${#files[@]} -eq 0 ]; then
    mailcheck=${MAILCHECK:-mailcheck}
    [ -z "${MAILCHECK:-}" ] && [ -x .venv/bin/mailcheck ] && mailcheck=.venv/bin/mailcheck
    command -v "$mailcheck" >/dev/null || { log "no mailcheck: set MAILCHECK=path or create .venv"; exit 2; }
    # exit 1 (findings) is expected for the broken examples; 2 would be a usage error
    for set in examples examples/broken; do
        out="$scratch/$(echo "$set" | tr / -).sarif"
        "$mailcheck" check --format sarif --output "sarif:$out" "$set"/*.mail.yaml >/dev/null || [ $? -eq 1 ]
        files+=("$out")
    done
fi

status=0
for file in "${files[@]}"; do
    # the validator exits 0 on warnings, so its report is read as well as its exit code
    ok=true
    report=$("$MULTITOOL" validate --rule-kind "Gh;Sarif" "$file" 2>&1) || ok=false
    grep -qE ': (error|warning) [A-Z]+[0-9]+' <<<"$report" && ok=false
    if [ "$ok" = false ]; then
        status=1
        log "FAIL $file"
        printf '%s\n' "$report" >&2
    else
        log "ok   $file ($(grep -c '"ruleId"' "$file") results): no errors, no warnings"
    fi
done
exit "$status"

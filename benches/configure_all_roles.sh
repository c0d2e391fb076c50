#!/usr/bin/env bash
# Times `awsso configure sso --all-roles` against the emulator with an organisation of
# ACCOUNTS accounts (default 500), two roles each, pages of PAGE_SIZE (default 2, the
# emulator's). Release builds of both; a throwaway HOME. Not part of the test command.
#
#   benches/configure_all_roles.sh [ACCOUNTS] [PAGE_SIZE] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-500}
page_size=${2:-2}
runs=${3:-5}

cargo build --release --quiet -p awsso -p awsso-emulator
work=$(mktemp -d)
cleanup() {
    [[ -n ${emu_pid:-} ]] && kill "$emu_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

python3 - "$accounts" >"$work/directory.json" <<'PY'
import json, sys
n = int(sys.argv[1])
print(json.dumps({"user": "jane@example.com", "accounts": [
    {"accountId": "%012d" % (200000000000 + i), "accountName": "Team %03d" % i,
     "emailAddress": "team%03d@example.com" % i, "roles": ["Read Only", "Admin"]}
    for i in range(1, n + 1)]}))
PY

target/x86_64-unknown-linux-gnu/release/awsso-emulator --auto-approve --directory "$work/directory.json" \
    --page-size "$page_size" >"$work/emulator.out" &
emu_pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")

export HOME="$work/home" AWS_ENDPOINT_URL="$url" AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME"
args=(configure sso --all-roles --use-device-code --no-browser --sso-session org
      --sso-start-url https://my-sso-portal.awsapps.com/start --sso-region us-east-1)

# First run: signs in (device flow, auto-approved), lists, writes every profile.
start=$(date +%s.%N)
target/x86_64-unknown-linux-gnu/release/awsso "${args[@]}" >/dev/null
first=$(echo "$(date +%s.%N) - $start" | bc)

# Later runs: the session's token is reused; list and rewrite (nothing changes).
times=()
for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    target/x86_64-unknown-linux-gnu/release/awsso "${args[@]}" >/dev/null
    times+=("$(echo "$(date +%s.%N) - $start" | bc)")
done
profiles=$(grep -c '^\[profile ' "$HOME/.aws/config")
sorted=$(printf '%s\n' "${times[@]}" | sort -n)
median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
printf 'accounts=%s page_size=%s profiles=%s\n' "$accounts" "$page_size" "$profiles"
printf 'first run (sign-in + %s ListAccounts pages + %s ListAccountRoles + write): %.3f s\n' \
    "$(( (accounts + page_size - 1) / page_size ))" "$accounts" "$first"
printf 'rerun median of %s (cached token, lists, unchanged write): %.3f s\n' "$runs" "$median"

#!/usr/bin/env bash
# Times `awsso configure sso --all-roles` at organisation scale against a throttling portal:
# the release emulator with ACCOUNTS generated accounts (default 5,000) of ROLES roles each
# (default 3), list calls limited to RATE a second (default 20, a token bucket), and pages as
# large as the real portal serves (`maxResults` 100). The sign-in happens first and is not
# timed; then one populate run is timed with its peak RSS (GNU time, `/usr/bin/time -f %M`;
# `apt-get install -y time`), and compared with the throttle's lower bound: the list calls
# needed (ListAccounts pages plus one ListAccountRoles per account) divided by RATE.
#
#   benches/populate.sh [ACCOUNTS] [ROLES] [RATE]
#
# Release builds of both; a throwaway HOME. Not part of the test command (run by hand; the
# default takes a little over four minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
accounts=${1:-5000}
roles=${2:-3}
rate=${3:-20}
page_size=100

if [ ! -x /usr/bin/time ]; then
    echo "GNU time is needed: apt-get install -y time" >&2
    exit 1
fi
cargo build --release --quiet -p awsso -p awsso-emulator
# .cargo/config.toml builds for an explicit target (the static binary).
bin=${CARGO_TARGET_DIR:-$PWD/target}/x86_64-unknown-linux-gnu/release
awsso=$bin/awsso

work=$(mktemp -d)
emu_pid=
cleanup() {
    if [ -n "$emu_pid" ]; then kill "$emu_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/awsso-emulator" --auto-approve --generate-accounts "$accounts" \
    --roles-per-account "$roles" --list-rate "$rate" --page-size "$page_size" \
    >"$work/emulator.out" &
emu_pid=$!
for _ in $(seq 200); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")

# A clean environment: nothing from the developer's AWS setup leaks in.
unset $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p') 2>/dev/null || true
export HOME="$work/home" AWS_ENDPOINT_URL="$url" AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME/.aws"
start_url=https://my-sso-portal.awsapps.com/start
printf '[sso-session org]\nsso_start_url = %s\nsso_region = us-east-1\nsso_registration_scopes = sso:account:access\n' \
    "$start_url" >"$HOME/.aws/config"
"$awsso" sso login --sso-session org --use-device-code --no-browser >/dev/null

/usr/bin/time -f '%e %M' -o "$work/time" \
    "$awsso" configure sso --all-roles --sso-session org >"$work/stdout"

read -r elapsed rss_kib <"$work/time"
profiles=$(grep -c '^\[profile ' "$HOME/.aws/config")
marked=$(grep -c '^# written by awsso configure sso --all-roles$' "$HOME/.aws/config")
calls=$(( (accounts + page_size - 1) / page_size + accounts ))
python3 - "$accounts" "$roles" "$rate" "$calls" "$elapsed" "$rss_kib" "$profiles" "$marked" <<'PY'
import sys
accounts, roles, rate, calls = (int(v) for v in sys.argv[1:5])
elapsed, rss_kib = float(sys.argv[5]), int(sys.argv[6])
profiles, marked = int(sys.argv[7]), int(sys.argv[8])
bound = calls / rate
print(f"accounts={accounts} roles={roles} list_rate={rate}/s page_size=100")
print(f"profiles written: {profiles} ({marked} marked), expected {accounts * roles}")
print(f"list calls needed: {calls}; lower bound {bound:.1f} s")
print(f"populate: {elapsed:.1f} s = {elapsed / bound:.3f} x the bound; peak RSS {rss_kib / 1024:.1f} MiB")
if profiles != accounts * roles:
    sys.exit("not every profile was written")
PY

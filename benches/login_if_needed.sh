#!/usr/bin/env bash
# `awsso sso login --if-needed` with a valid cached token (the shell rc file case: no
# request, no runtime, no TLS), and `awsso configure export-credentials` from cached role
# credentials, against /bin/true and the AWS CLI merely starting (`aws --version`; it has no
# --if-needed, and every `aws sso login` opens a browser), in one hyperfine run.
#
#   benches/login_if_needed.sh [RUNS]      (default 200 runs of each)
source "$(dirname "$0")/common.sh"
runs=${1:-200}
"$bin/awsso-emulator" --port 0 --auto-approve >"$work/emulator.out" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -rf "$work"' EXIT
until [ -s "$work/emulator.out" ]; do sleep 0.05; done
url=$(head -1 "$work/emulator.out" | sed 's/^listening on //')
printf '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnly\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n' >"$HOME/.aws/config"
AWS_ENDPOINT_URL="$url" "$awsso" sso login --profile dev --use-device-code --no-browser >/dev/null
# Fill the role-credentials cache; after this neither command below makes a request.
AWS_ENDPOINT_URL="$url" "$awsso" configure export-credentials --profile dev >/dev/null
kill "$emulator"
echo "no-request commands from the caches (median of $runs):"
bench "$runs" \
    "/bin/true=/bin/true" \
    "awsso --version=$awsso --version" \
    "awsso sso login --if-needed=$awsso sso login --profile dev --if-needed" \
    "awsso configure export-credentials=$awsso configure export-credentials --profile dev" \
    "aws --version=$aws --version"

#!/usr/bin/env bash
# `awsso sso login --if-needed` with a valid cached token (the shell rc file case: no
# request, no runtime, no TLS), against /bin/true (a bare process start) and the AWS CLI
# merely starting (`aws --version`: it has no --if-needed, and every `aws sso login` opens a
# browser), in interleaved hyperfine rounds. `awsso --version` shows the start-up alone. Not part of the
# test command.
#
#   benches/login_if_needed.sh [RUNS]      (default 200 runs of each)
source "$(dirname "$0")/common.sh"
runs=${1:-200}
start_emulator
printf '[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n' >"$HOME/.aws/config"
AWS_ENDPOINT_URL="$url" "$awsso" sso login --profile dev --use-device-code --no-browser >/dev/null
# Nothing below may make a request: the emulator is gone.
stop_emulator
echo "sso login --if-needed with a valid cached token (median of $runs):"
bench "$runs" \
    "/bin/true=/bin/true" \
    "awsso --version=$awsso --version" \
    "awsso sso login --if-needed=$awsso sso login --profile dev --if-needed" \
    "aws --version=$aws --version"
readme_row "\`sso login --if-needed\` with a valid cached token (the shell rc file case: no request), median of $runs in interleaved hyperfine rounds with \`/bin/true\`, against the AWS CLI merely starting (\`aws --version\`; it has no such option)" \
    "\`benches/login_if_needed.sh\`" \
    "$(ms 'awsso sso login --if-needed') ($(ratio 'awsso sso login --if-needed')× \`/bin/true\`; \`awsso --version\` $(ratio 'awsso --version')×)" \
    "$(ms 'aws --version')" "1/$(times 'aws --version' 'awsso sso login --if-needed')"

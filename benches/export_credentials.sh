#!/usr/bin/env bash
# `awsso configure export-credentials --format process` answering from cached role
# credentials (the `credential_process` case: no request, no runtime, no TLS), against
# /bin/true (a bare process start) and the AWS CLI merely starting (`aws --version`, v1 from
# the test virtualenv: v1 has no export-credentials, and v2's needs at least its start-up),
# in interleaved hyperfine rounds. Not part of the test command.
#
#   benches/export_credentials.sh [RUNS]      (default 300 runs of each)
source "$(dirname "$0")/common.sh"
runs=${1:-300}
start_emulator
printf '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n' >"$HOME/.aws/config"
AWS_ENDPOINT_URL="$url" "$awsso" sso login --profile dev --use-device-code --no-browser >/dev/null
# The first export fetches and caches the role credentials; the timed ones read the cache.
AWS_ENDPOINT_URL="$url" "$awsso" configure export-credentials --profile dev >/dev/null
stop_emulator
echo "configure export-credentials from cached role credentials (median of $runs):"
bench "$runs" \
    "/bin/true=/bin/true" \
    "awsso configure export-credentials=$awsso configure export-credentials --profile dev --format process" \
    "aws --version=$aws --version"
readme_row "\`configure export-credentials --format process\` from cached role credentials (the \`credential_process\` case: no request), median of $runs in interleaved hyperfine rounds with \`/bin/true\` (a bare process start), against the AWS CLI merely starting (\`aws --version\`; v1 has no export-credentials)" \
    "\`benches/export_credentials.sh\`" \
    "$(ms 'awsso configure export-credentials') ($(ratio 'awsso configure export-credentials')× \`/bin/true\`)" \
    "$(ms 'aws --version')" "1/$(times 'aws --version' 'awsso configure export-credentials')"

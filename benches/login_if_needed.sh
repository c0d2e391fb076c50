#!/usr/bin/env bash
# Times `awsso sso login --if-needed` with a valid cached token (the shell rc file case: no
# request, no runtime, no TLS) as whole processes, and, in the same run, the AWS CLI merely
# starting (`aws --version`, v1 from the test virtualenv): the AWS CLI has no --if-needed,
# and every `aws sso login` opens a browser. Not part of the test command.
#
#   benches/login_if_needed.sh [RUNS]      (default 200 runs of awsso, 20 of aws)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
cargo build --release --quiet -p awsso -p awsso-emulator
[ -x .venv/bin/aws ] || { echo "no .venv: run scripts/test once" >&2; exit 1; }

home=$(mktemp -d)
out="$home/emulator.out"
target/release/awsso-emulator --port 0 --auto-approve >"$out" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true; rm -rf "$home"' EXIT
until [ -s "$out" ]; do sleep 0.05; done
url=$(head -1 "$out" | sed 's/^listening on //')
mkdir -p "$home/.aws"
printf '[profile dev]\nsso_session = corp\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n' >"$home/.aws/config"
HOME="$home" AWS_ENDPOINT_URL="$url" target/release/awsso sso login --profile dev --use-device-code --no-browser >/dev/null

python3 - "$home" "$runs" <<'PY'
import statistics, subprocess, sys, time
home, runs = sys.argv[1], int(sys.argv[2])
env = {"HOME": home, "PATH": "/usr/bin:/bin"}
def median_ms(cmd, n):
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000
awsso = median_ms(["target/release/awsso", "sso", "login", "--profile", "dev", "--if-needed"], runs)
aws = median_ms([".venv/bin/aws", "--version"], max(runs // 10, 5))
print(f"awsso sso login --if-needed (cached token): median {awsso:.2f} ms")
print(f"aws --version (start-up only):              median {aws:.1f} ms")
print(f"awsso/aws: 1/{aws / awsso:.0f}")
PY

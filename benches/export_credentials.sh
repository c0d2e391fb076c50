#!/usr/bin/env bash
# Times `awsso configure export-credentials --format process` answering from cached role
# credentials (the `credential_process` case: no request, no runtime, no TLS) as whole
# processes, in the same run as `/bin/true` (a bare process start) and the AWS CLI merely
# starting (`aws --version`, v1 from the test virtualenv: v1 has no export-credentials, and
# v2's needs at least its start-up). Runs alternate between the commands so that load on the
# machine falls on all of them. Not part of the test command.
#
#   benches/export_credentials.sh [RUNS]      (default 300 runs each, 20 of aws)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-300}
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
printf '[profile dev]\nsso_session = corp\nsso_account_id = 111122223333\nsso_role_name = ReadOnlyAccess\n[sso-session corp]\nsso_start_url = https://d-1234567890.awsapps.com/start\nsso_region = us-east-1\n' >"$home/.aws/config"
HOME="$home" AWS_ENDPOINT_URL="$url" target/release/awsso sso login --profile dev --use-device-code --no-browser >/dev/null
# The first export fetches and caches the role credentials; the timed ones read the cache.
HOME="$home" AWS_ENDPOINT_URL="$url" target/release/awsso configure export-credentials --profile dev >/dev/null

python3 - "$home" "$runs" <<'PY'
import statistics, subprocess, sys, time
home, runs = sys.argv[1], int(sys.argv[2])
env = {"HOME": home, "PATH": "/usr/bin:/bin"}
commands = {
    "true": ["/bin/true"],
    "awsso": ["target/release/awsso", "configure", "export-credentials", "--profile", "dev", "--format", "process"],
}
samples = {name: [] for name in commands}
for _ in range(runs):
    for name, cmd in commands.items():
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        samples[name].append(time.perf_counter() - start)
aws = []
for _ in range(max(runs // 15, 5)):
    start = time.perf_counter()
    subprocess.run([".venv/bin/aws", "--version"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    aws.append(time.perf_counter() - start)
median = lambda xs: statistics.median(xs) * 1000
t, a, c = median(samples["true"]), median(samples["awsso"]), median(aws)
print(f"/bin/true:                                         median {t:.2f} ms")
print(f"awsso configure export-credentials (cached role):  median {a:.2f} ms ({a / t:.2f}x /bin/true)")
print(f"aws --version (start-up only):                     median {c:.1f} ms")
print(f"awsso/aws: 1/{c / a:.0f}")
PY

#!/usr/bin/env bash
# Times `awsso sts get-caller-identity` against `aws sts get-caller-identity` (AWS CLI v1 from
# the test virtualenv) as whole processes, alternating run by run, in one throwaway HOME
# against the release emulator. Both tools read the same cached SSO token and role
# credentials, so each run makes exactly one HTTP call (STS), as a user's repeated call does.
#
#   benches/get_caller_identity.sh [RUNS]      (default 40 runs of each tool)
#
# Prints the median wall time of each, their ratio, and each one's peak RSS, measured by GNU
# time (`/usr/bin/time -f %M`; `apt-get install -y time`) in a separate pass: ru_maxrss of
# a child forked from Python counts Python's own pages before the exec. Builds release
# binaries first; creates .venv like scripts/test if missing.
# Not part of the test suite: benchmarks are run by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-40}

cargo build --release --quiet -p awsso -p awsso-emulator
awsso=$PWD/target/x86_64-unknown-linux-gnu/release/awsso
emulator=$PWD/target/x86_64-unknown-linux-gnu/release/awsso-emulator

venv=.venv
if [ ! -x "$venv/bin/python" ] || ! cmp -s requirements-test.txt "$venv/.requirements"; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r requirements-test.txt
    cp requirements-test.txt "$venv/.requirements"
fi
python=$PWD/$venv/bin/python
aws=$PWD/$venv/bin/aws

work=$(mktemp -d)
emulator_pid=
cleanup() {
    if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# A clean environment: nothing from the developer's AWS setup leaks in.
for name in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
export HOME=$work/home AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
mkdir -p "$HOME/.aws"

"$emulator" --auto-approve >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
for _ in $(seq 100); do
    grep -q '^listening on ' "$work/emulator.out" 2>/dev/null && break
    sleep 0.05
done
url=$(sed -n 's/^listening on //p' "$work/emulator.out")
[ -n "$url" ] || { echo "the emulator did not start:" >&2; cat "$work/emulator.err" >&2; exit 1; }
export AWS_ENDPOINT_URL=$url

cat >"$HOME/.aws/config" <<'EOF'
[profile bench]
sso_session = bench
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = us-east-1
output = json

[sso-session bench]
sso_start_url = https://bench.awsapps.com/start
sso_region = us-east-1
sso_registration_scopes = sso:account:access
EOF

# Log in (the emulator approves the device code itself) and fill the role-credentials cache.
"$awsso" sso login --profile bench --use-device-code --no-browser >/dev/null
"$awsso" sts get-caller-identity --profile bench >"$work/awsso.json"
"$aws" sts get-caller-identity --profile bench >"$work/aws.json"
cmp -s "$work/awsso.json" "$work/aws.json" || {
    echo "awsso and aws disagree:" >&2
    diff "$work/awsso.json" "$work/aws.json" >&2 || true
    exit 1
}

"$python" - "$runs" "$awsso" "$aws" "$work/rss" <<'EOF'
import os, statistics, subprocess, sys, time

runs, awsso, aws, rss_file = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
tools = {
    "awsso": [awsso, "sts", "get-caller-identity", "--profile", "bench"],
    "aws": [aws, "sts", "get-caller-identity", "--profile", "bench"],
}

def once(argv):
    start = time.perf_counter()
    code = subprocess.call(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if code != 0:
        sys.exit(f"{argv[0]} exited {code}")
    return elapsed

def peak_rss(argv):
    """KiB, from GNU time, whose own small process is what forks the tool."""
    if not os.access("/usr/bin/time", os.X_OK):
        return None
    once(["/usr/bin/time", "-f", "%M", "-o", rss_file] + argv)
    with open(rss_file) as f:
        return int(f.read().split()[-1])

for argv in tools.values():  # warm the page cache
    for _ in range(3):
        once(argv)
times = {name: [] for name in tools}
for _ in range(runs):  # alternate, so drift hits both alike
    for name, argv in tools.items():
        times[name].append(once(argv))
rss = {name: None for name in tools}
for _ in range(5):
    for name, argv in tools.items():
        peak = peak_rss(argv)
        if peak is not None:
            rss[name] = max(rss[name] or 0, peak)

median = {name: statistics.median(values) for name, values in times.items()}
print(f"runs: {runs} of each, alternating")
for name in tools:
    shown = "n/a (no /usr/bin/time)" if rss[name] is None else f"{rss[name] / 1024:6.1f} MiB"
    print(f"{name:6} sts get-caller-identity: median {median[name] * 1000:8.1f} ms   "
          f"min {min(times[name]) * 1000:8.1f} ms   peak RSS {shown}")
ratio = median["awsso"] / median["aws"]
print(f"awsso/aws wall time: {ratio:.4f} (1/{1 / ratio:.0f})")
EOF

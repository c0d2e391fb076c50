# Sourced by the start-up benchmarks (status.sh, complete_tab.sh, login_if_needed.sh): builds
# the release binaries, finds the AWS CLI of the test virtualenv, and times commands as
# whole processes with hyperfine in one run, so every figure is read against `/bin/true`
# (a bare process) and the AWS CLI measured at the same moment.
#
# Needs hyperfine (`apt-get install -y hyperfine`) and .venv (scripts/test creates it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v hyperfine >/dev/null || { echo "needs hyperfine: apt-get install -y hyperfine" >&2; exit 1; }
[ -x .venv/bin/aws ] || { echo "no .venv: run scripts/test once" >&2; exit 1; }
cargo build --release --quiet -p awsso -p awsso-emulator
# .cargo/config.toml builds for an explicit target (the static binary).
bin=${CARGO_TARGET_DIR:-$PWD/target}/x86_64-unknown-linux-gnu/release
awsso=$bin/awsso
aws=$PWD/.venv/bin/aws
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A clean environment: nothing from the developer's AWS setup leaks in.
for name in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
export HOME=$work/home AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME/.aws"

# bench RUNS NAME=COMMAND...: hyperfine without a shell (-N), 20 warm-up runs, then RUNS runs
# of each command, interleaved by hyperfine's order; prints each command's median and its
# ratio to the first one (give /bin/true first).
bench() {
    local runs=$1 json=$work/bench.json
    shift
    local names=() args=()
    for spec in "$@"; do
        names+=("${spec%%=*}")
        args+=(--command-name "${spec%%=*}" "${spec#*=}")
    done
    hyperfine -N --warmup 20 --runs "$runs" --style none --export-json "$json" "${args[@]}" >/dev/null 2>&1 ||
        { echo "hyperfine failed (a command exited non-zero?): ${names[*]}" >&2; exit 1; }
    python3 - "$json" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
width = max(len(r["command"]) for r in results)
for r in results:
    print(f'{r["command"]:<{width}}  median {r["median"] * 1000:8.2f} ms  {r["median"] / base:6.2f}x {results[0]["command"]}')
PY
}

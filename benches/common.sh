# Sourced by the start-up benchmarks (status.sh, complete_tab.sh, login_if_needed.sh,
# export_credentials.sh): builds the release binaries, finds the AWS CLI of the test
# virtualenv, and times commands as whole processes with hyperfine in one run, so every
# figure is read against `/bin/true` (a bare process) and the AWS CLI measured at the same
# moment. Each script ends by printing the README "Benchmarks" row(s) it feeds, dated.
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
emulator=
cleanup() {
    if [ -n "$emulator" ]; then kill "$emulator" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
# A clean environment: nothing from the developer's AWS setup leaks in.
for name in $(env | sed -n 's/^\(AWS_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
export HOME=$work/home AWS_EC2_METADATA_DISABLED=true
mkdir -p "$HOME/.aws"
results=$work/results.tsv
: >"$results"

# start_emulator: the release emulator on a free port, auto-approving logins; sets $url.
start_emulator() {
    "$bin/awsso-emulator" --port 0 --auto-approve >"$work/emulator.out" &
    emulator=$!
    until [ -s "$work/emulator.out" ]; do sleep 0.05; done
    url=$(head -1 "$work/emulator.out" | sed 's/^listening on //')
}

# stop_emulator: before the timed runs, so that a request would fail them.
stop_emulator() {
    kill "$emulator"
    wait "$emulator" 2>/dev/null || true
    emulator=
}

# bench RUNS NAME=COMMAND...: hyperfine without a shell (-N), RUNS runs of each command in
# rounds of 10 (each round one hyperfine run of all the commands, 3 warm-up runs each), so
# that the machine's drift falls on every command alike: on a shared VM /bin/true alone
# drifted by a third within one long block. Prints each command's median over all its runs
# and its ratio to the first command's (give /bin/true first), and records them for `ms`
# and `ratio` (a later run of a name replaces it).
bench() {
    local runs=$1 rounds=$(( ($1 + 9) / 10 )) round
    shift
    local names=() args=()
    for spec in "$@"; do
        names+=("${spec%%=*}")
        args+=(--command-name "${spec%%=*}" "${spec#*=}")
    done
    for round in $(seq 1 "$rounds"); do
        hyperfine -N --warmup 3 --runs 10 --style none --export-json "$work/bench-$round.json" "${args[@]}" >/dev/null 2>&1 ||
            { echo "hyperfine failed (a command exited non-zero?): ${names[*]}" >&2; exit 1; }
    done
    python3 - "$results" "$work"/bench-*.json <<'PY'
import json, statistics, sys
times = {}
order = []
for path in sys.argv[2:]:
    for r in json.load(open(path))["results"]:
        if r["command"] not in times:
            order.append(r["command"])
        times.setdefault(r["command"], []).extend(r["times"])
medians = {name: statistics.median(times[name]) for name in order}
base = medians[order[0]]
width = max(len(name) for name in order)
with open(sys.argv[1], "a") as out:
    for name in order:
        m = medians[name]
        print(f'{name:<{width}}  median {m * 1000:8.2f} ms  {m / base:6.2f}x {order[0]}  ({len(times[name])} runs)')
        out.write(f'{name}\t{m * 1000}\t{m / base}\n')
PY
    rm -f "$work"/bench-*.json
}

# The last recorded figures of NAME: `ms NAME` its median ("1.23 ms", "377 ms"), `ratio NAME`
# its ratio to the first command of its run ("1.10"), `times A B` A's median over B's ("229").
_field() { awk -F'\t' -v n="$1" -v f="$2" '$1 == n { v = $f } END { print v }' "$results"; }
ms() { python3 -c 'import sys; v = float(sys.argv[1]); print(f"{v:.2f} ms" if v < 100 else f"{v:.0f} ms")' "$(_field "$1" 2)"; }
ratio() { python3 -c 'import sys; print(f"{float(sys.argv[1]):.2f}")' "$(_field "$1" 3)"; }
times() { python3 -c 'import sys; print(f"{float(sys.argv[1]) / float(sys.argv[2]):.0f}")' "$(_field "$1" 2)" "$(_field "$2" 2)"; }

# readme_row CELL...: the README "Benchmarks" table row these figures feed; the first cell
# gets today's date.
readme_row() {
    local row="| $1, measured $(date -u +%F) |" cell
    shift
    for cell in "$@"; do row+=" $cell |"; done
    echo "README row: $row"
}

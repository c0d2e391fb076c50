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

# bench RUNS NAME=COMMAND...: hyperfine without a shell (-N), 20 warm-up runs, then RUNS runs
# of each command; prints each command's median and its ratio to the first one (give
# /bin/true first), and records them for `ms` and `ratio` (a later run of a name replaces it).
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
    python3 - "$json" "$results" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
base = results[0]["median"]
width = max(len(r["command"]) for r in results)
with open(sys.argv[2], "a") as out:
    for r in results:
        print(f'{r["command"]:<{width}}  median {r["median"] * 1000:8.2f} ms  {r["median"] / base:6.2f}x {results[0]["command"]}')
        out.write(f'{r["command"]}\t{r["median"] * 1000}\t{r["median"] / base}\n')
PY
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

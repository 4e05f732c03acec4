#!/usr/bin/env bash
# staged.sh - the speed a user feels, side by side in one run on the population that is up
# (`../shared/bench/population.sh up 5000 20 4`): the TUI's first full tree against htop's
# first frame (both started in tmux, timed until their process list is on screen), `tree`
# against `pstree -p`, `sockets` against `ss -tanpu`, and `snapshot` against the C floor
# `scanlb -f` (hyperfine). Prints a markdown table with the ratios.
#
#   RUNS=7 (first-frame runs per tool)   PROCSCOPE_BIN=target/release/procscope
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN="${PROCSCOPE_BIN:-target/release/procscope}"
RUNS="${RUNS:-7}"
SHARED="${SHARED:-../shared/bench}"
OUT="${TMPDIR:-/tmp}/procscope-staged"
mkdir -p "$OUT"
for t in tmux hyperfine htop pstree ss gcc; do
    command -v "$t" >/dev/null || { echo "staged.sh: $t is missing" >&2; exit 1; }
done
[ -x "$BIN" ] || cargo build --release --locked
SCANLB="$OUT/scanlb"
[ -x "$SCANLB" ] || gcc -O2 -pthread -o "$SCANLB" "$SHARED/scanlb.c"

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# Milliseconds from starting "$2" in a fresh 200x50 tmux until at least 20 process rows and,
# for procscope, a non-zero process count are on screen.
first_frame() {
    local name="$1" cmd="$2" want="$3"
    for _ in $(seq "$RUNS"); do
        tmux -L ff kill-server 2>/dev/null || true
        local start end
        start=$(date +%s%N)
        tmux -L ff new-session -d -s f -x 200 -y 50 "$cmd"
        while :; do
            local s
            s=$(tmux -L ff capture-pane -p -t f 2>/dev/null || true)
            if [ "$(grep -cE '^ *[0-9]+ ' <<<"$s")" -ge 20 ] && grep -qE "$want" <<<"$s"; then
                break
            fi
            sleep 0.005
        done
        end=$(date +%s%N)
        echo $(((end - start) / 1000000))
        tmux -L ff kill-server 2>/dev/null || true
        sleep 0.5
    done | median
}

procs=$(ls -d /proc/[0-9]* | wc -l)
tui=$(first_frame procscope "$BIN" ' [1-9][0-9]* procs ')
htop=$(first_frame htop "htop" 'PID')
echo "first frame over $RUNS runs: procscope $tui ms, htop $htop ms"

pair() {
    local name="$1" a="$2" b="$3"
    hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/$name.json" \
        -n "procscope" "$a" -n "peer" "$b" >/dev/null 2>&1
    python3 - "$OUT/$name.json" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
print(int(r["procscope"]["median"] * 1000), int(r["peer"]["median"] * 1000))
PY
}
read -r tree pstree < <(pair tree "$BIN tree" "pstree -p")
read -r sockets ss < <(pair sockets "$BIN sockets" "ss -tanpu")
read -r snap floor < <(pair snapshot "$BIN snapshot" "$SCANLB -f")
read -r secrets full < <(pair secrets "$BIN secrets" "$BIN snapshot")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<MD
$procs processes, $(nproc) cores, medians of $RUNS runs:

| procscope | ms | peer | ms | ratio | goal |
|---|---|---|---|---|---|
| TUI first full tree | $tui | htop first frame | $htop | $(ratio "$tui" "$htop") | ≤ 0.5 |
| \`tree\` | $tree | \`pstree -p\` | $pstree | $(ratio "$tree" "$pstree") | ≤ 0.5 |
| \`sockets\` | $sockets | \`ss -tanpu\` | $ss | $(ratio "$sockets" "$ss") | ≤ 0.6 |
| \`snapshot\` | $snap | \`scanlb -f\` | $floor | $(ratio "$snap" "$floor") | ≤ 1.0 |
| \`secrets\` | $secrets | \`snapshot\` | $full | $(ratio "$secrets" "$full") | ≤ 1.25 |
MD

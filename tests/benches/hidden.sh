#!/usr/bin/env bash
# hidden.sh - time `procscope hidden` (full pid range up to kernel/pid_max) next to unhide's
# quick tests, in the same run, with a process population up (../shared/bench/population.sh).
#
#   tests/benches/hidden.sh [N=5000]     (as root; release binary built first)
#
# Environment: RUNS (procscope runs, default 10), PEER_RUNS (unhide runs, default 3),
# POP (population.sh path), POP_STATE (default /tmp/procscope-pop-hidden), BIN.
# The population is always taken down on exit (exactly its recorded pids).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${BIN:-$ROOT/target/release/procscope}"
POP="${POP:-$ROOT/../../shared/bench/population.sh}"
[[ -f "$POP" ]] || POP=/work/shared/bench/population.sh
N="${1:-5000}"
RUNS="${RUNS:-10}"
PEER_RUNS="${PEER_RUNS:-3}"
export POP_STATE="${POP_STATE:-/tmp/procscope-pop-hidden}"

[[ -x "$BIN" ]] || { echo "build first: cargo build --release" >&2; exit 1; }
trap 'bash "$POP" down >/dev/null 2>&1 || true' EXIT
bash "$POP" up "$N" 20 4
echo "pid_max $(cat /proc/sys/kernel/pid_max), processes $(ls /proc | grep -c '^[0-9]'), load $(cut -d' ' -f1-3 /proc/loadavg)"
"$BIN" hidden

hyperfine -N -w 1 -r "$RUNS" \
    "$BIN hidden --json" \
    "$BIN hidden --json --threads 1" \
    "$BIN hidden --json --no-probe"
hyperfine -N -i -r "$PEER_RUNS" \
    "unhide quick" \
    "unhide-linux quick"

#!/usr/bin/env bash
# Resident memory of the real TUI binary on the live host: start it under tmux, wait for the
# first scan, press `r` N times (waiting for each scan), and print VmRSS and VmHWM (the peak)
# after the first scan, right after each refresh, and 3 s later (once freed pages are returned).
# Start a population first, e.g. `../shared/bench/population.sh up 10000 20 4`.
# usage: tests/benches/tui_memory.sh [BINARY] [REFRESHES]
set -euo pipefail
bin=${1:-target/release/procscope}
refreshes=${2:-5}
session=procscope-mem-$$
command -v tmux >/dev/null || { echo "tui_memory: needs tmux" >&2; exit 2; }
[ -x "$bin" ] || { echo "tui_memory: no binary at $bin (cargo build --release)" >&2; exit 2; }

cleanup() { tmux kill-session -t "$session" 2>/dev/null || true; }
trap cleanup EXIT
tmux new-session -d -s "$session" -x 120 -y 40 "exec $bin"
sleep 0.5
pid=$(tmux list-panes -t "$session" -F '#{pane_pid}')
[ "$(cat "/proc/$pid/comm")" = "procscope" ] || { echo "tui_memory: pane is not procscope" >&2; exit 1; }

mem() { awk '/^VmRSS/{r=$2} /^VmHWM/{h=$2} END{printf "RSS %4d MiB  peak %4d MiB", r/1024, h/1024}' "/proc/$pid/status"; }
idle() { # wait until the status bar no longer says a scan runs
    for _ in $(seq 1 120); do
        sleep 0.5
        tmux capture-pane -p -t "$session" | tail -1 | grep -q scanning || return 0
    done
    echo "tui_memory: scan did not finish" >&2; exit 1
}
status() { tmux capture-pane -p -t "$session" | tail -1 | sed 's/  */ /g'; }

idle
echo "first scan:      $(mem)   [$(status)]"
sleep 3
echo "  3 s later:     $(mem)"
for r in $(seq 1 "$refreshes"); do
    tmux send-keys -t "$session" r
    sleep 0.5
    idle
    echo "refresh $r:       $(mem)"
    sleep 3
    echo "  3 s later:     $(mem)"
done
tmux send-keys -t "$session" q

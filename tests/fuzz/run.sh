#!/usr/bin/env bash
# Run every fuzz target (tests/fuzz.rs) for about SECS seconds each (default 60), release build.
# Cases per target are calibrated from a short first run; any failure prints the minimal input
# (add it to `regressions` in tests/fuzz.rs).
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/../.."
targets=(fuzz_proc_files fuzz_net_tables fuzz_sock_diag_replies fuzz_snapshot_json fuzz_rules_yaml fuzz_search_queries)
cargo test --release --test fuzz --no-run -q
for t in "${targets[@]}"; do
    start=$(date +%s%N)
    FUZZ_CASES=200 cargo test --release -q --test fuzz "$t" -- --exact >/dev/null
    per=$(( ($(date +%s%N) - start) / 200 + 1 ))
    n=$(( secs * 1000000000 / per ))
    start=$(date +%s)
    FUZZ_CASES=$n cargo test --release -q --test fuzz "$t" -- --exact
    echo "$t: $n cases in $(( $(date +%s) - start )) s"
done

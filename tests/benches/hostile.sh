#!/usr/bin/env bash
# Time and peak RSS of procscope (release) on hostile snapshot files generated here:
# a 60,000- and a 200,000-level parent chain (`tree`, `tree --json`), a 2 GiB whitespace file,
# a gzip bomb of spaces, and 5 million empty process objects. Usage:
#   bash tests/benches/hostile.sh [BINARY]      (default target/release/procscope)
set -euo pipefail
bin=${1:-target/release/procscope}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
measure() { # label, args...
    local label=$1; shift
    /usr/bin/time -o "$dir/time" -f '%e s, %M KiB max RSS, exit %x' "$bin" "$@" >/dev/null 2>"$dir/err" || true
    printf '%-34s %s  | %s\n' "$label" "$(tail -1 "$dir/time")" "$(head -1 "$dir/err" | cut -c1-100)"
}
chain() { # n file
    python3 - "$1" "$2" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    f.write('{"format":"procscope-snapshot","schema":1,"meta":{"procscope_version":"x","source":"x","live":false,"taken_at":0,"hostname":null,"kernel":null,"boot_id":null,"boot_time":null,"ticks_per_second":100,"scan_ms":0,"masked":true,"self_pid":0},"processes":[')
    for p in range(1, n + 1):
        f.write(('' if p == 1 else ',') + json.dumps({"pid": p, "ppid": p - 1, "start_time": p, "started_at": None, "comm": "c", "state": "S", "cmdline": ["c"], "uid": {"real": 0, "effective": 0, "saved": 0, "fs": 0, "real_name": None, "effective_name": None}, "gid": {"real": 0, "effective": 0, "saved": 0, "fs": 0, "real_name": None, "effective_name": None}, "tracer_pid": 0, "cap_eff": None, "seccomp": 0, "nspid": [p], "kernel_thread": False, "exe": None, "cwd": None, "root": None, "threads": [], "environ": [], "fds": [], "fds_unresolved": 0, "namespaces": {}, "cgroups": [], "container": None, "namespaced": False, "unavailable": {}}))
    f.write('],"sockets":[],"netns":[],"stats":{"processes":0,"threads":0,"fds":0,"vanished":0,"denied_fields":0,"gone_fields":0,"missing_fields":0,"unparsable_fields":0,"unresolved_fds":0}}')
PY
}
for n in 60000 200000; do
    chain $n "$dir/chain$n.json"
    measure "tree, $n-level chain" --snapshot "$dir/chain$n.json" tree
    measure "tree --json, $n-level chain" --snapshot "$dir/chain$n.json" tree --json
done
head -c $((2 << 30)) /dev/zero | tr '\0' ' ' > "$dir/space.json"
measure "2 GiB of whitespace" --snapshot "$dir/space.json" tree
rm -f "$dir/space.json"
head -c $((1 << 30)) /dev/zero | tr '\0' ' ' | gzip -9 > "$dir/bomb.json.gz"
measure "gzip bomb ($(du -k "$dir/bomb.json.gz" | cut -f1) KiB -> 1 GiB)" --snapshot "$dir/bomb.json.gz" tree
python3 -c '
import sys
sys.stdout.write("{\"format\":\"procscope-snapshot\",\"schema\":1,\"processes\":[" + "{}," * 5000000 + "{}]}")' > "$dir/many.json"
measure "5M empty processes (15 MB)" --snapshot "$dir/many.json" tree

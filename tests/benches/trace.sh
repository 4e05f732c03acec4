#!/usr/bin/env bash
# Overhead of tracing: `ls -l` of a directory of 20,000 files untraced, under
# `procscope trace -f -c` and under `strace -f -c`, in one hyperfine run.
# Usage: tests/benches/trace.sh [PROCSCOPE_BINARY] [FILES]
set -euo pipefail
bin=${1:-target/release/procscope}
files=${2:-20000}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/d"
(cd "$dir/d" && seq 1 "$files" | xargs touch)
hyperfine --warmup 2 --runs 10 -N \
  "ls -l $dir/d" \
  "$bin trace -f -c -o /dev/null -- ls -l $dir/d" \
  "$bin trace -f -c -w -o /dev/null -- ls -l $dir/d" \
  "strace -f -c -o /dev/null ls -l $dir/d" \
  --export-markdown "$dir/result.md" >/dev/null
cat "$dir/result.md"

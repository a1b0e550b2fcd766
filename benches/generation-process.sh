#!/usr/bin/env bash
# Wall time of the whole `cargo xtask gen --check` process (issue 6, figure 1): process start,
# reading the spec, generating and formatting every file, comparing with the committed files.
# Builds xtask in release mode first, then runs the binary directly (no cargo in the timing),
# RUNS times after 2 warm-up runs, and prints the median. Uses hyperfine when installed
# (Debian: `apt-get install -y hyperfine`), else a plain loop.
#
#   benches/generation-process.sh          # 10 runs
#   RUNS=20 benches/generation-process.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-10}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/bench}
cargo build --quiet --release -p xtask
xtask=$CARGO_TARGET_DIR/release/xtask
"$xtask" gen --check

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

if command -v hyperfine >/dev/null; then
    json=$(mktemp)
    hyperfine --style basic --warmup 2 --runs "$RUNS" -N --export-json "$json" "$xtask gen --check"
    seconds=$(grep -o '"median": *[0-9.e+-]*' "$json" | head -n 1 | sed 's/.*: *//')
    rm -f "$json"
else
    for _ in 1 2; do "$xtask" gen --check >/dev/null; done
    times=()
    for ((run = 1; run <= RUNS; run++)); do
        start=$(date +%s.%N)
        "$xtask" gen --check >/dev/null
        end=$(date +%s.%N)
        times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')")
    done
    echo "runs (s): ${times[*]}"
    seconds=$(printf '%s\n' "${times[@]}" | median)
fi
awk -v s="$seconds" -v n="$RUNS" 'BEGIN { printf "xtask gen --check: median of %d runs %.0f ms (target < 500 ms)\n", n, s * 1000 }'

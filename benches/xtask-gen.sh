#!/usr/bin/env bash
# `cargo xtask gen` exactly as the README runs it (issue 15): cargo's freshness check, then the
# generator (built in release by the alias in .cargo/config.toml), writing the generated code.
# Builds first (not timed), then RUNS timed runs; prints the median wall time and the median
# CPU time (user + sys, which other sessions' load changes less), and the load average.
#
#   benches/xtask-gen.sh          # 10 runs
#   RUNS=20 benches/xtask-gen.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-10}
cargo xtask gen >/dev/null # the first build

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

walls=()
cpus=()
out=$(mktemp)
for ((run = 1; run <= RUNS; run++)); do
    /usr/bin/time -f '%e %U %S' -o "$out" cargo xtask gen >/dev/null
    read -r wall user sys <"$out"
    walls+=("$wall")
    cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')")
done
rm -f "$out"
echo "wall (s): ${walls[*]}"
echo "cpu (s):  ${cpus[*]}"
wall=$(printf '%s\n' "${walls[@]}" | median)
cpu=$(printf '%s\n' "${cpus[@]}" | median)
awk -v w="$wall" -v c="$cpu" -v n="$RUNS" -v load="$(cut -d' ' -f1-3 /proc/loadavg)" 'BEGIN {
    printf "cargo xtask gen: median of %d runs %.0f ms wall, %.0f ms CPU (target < 500 ms); load %s\n", n, w * 1000, c * 1000, load }'

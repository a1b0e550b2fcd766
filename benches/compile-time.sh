#!/usr/bin/env bash
# Compile time and peak compiler memory of the flywheel-client crate, dependencies already built
# (issue 6, figures 2 and 3). For each configuration: build once to warm up, then RUNS times touch
# the crate and time `CARGO_INCREMENTAL=0 cargo build -p flywheel-client ...`. Prints each run and
# the medians: wall time of the whole `cargo build`, wall and CPU (user+sys) time of the
# flywheel_client rustc process alone, and its maximum resident set size. Also counts the
# generated lines and bytes.
#
#   benches/compile-time.sh                      # every configuration, 5 runs each
#   RUNS=7 benches/compile-time.sh debug projects-debug
#
# Configurations: debug, release (all tag features, the default); projects-debug,
# projects-release (`--no-default-features --features projects`); runtime-debug (no tag
# feature: the hand-written runtime alone, for reference).
# Builds go to CARGO_TARGET_DIR (default target/bench), apart from the usual target folder, so
# the timings neither wait on nor invalidate other builds. Needs GNU time (`/usr/bin/time`;
# Debian: `apt-get install -y time`). Timings on a busy machine are noisy: compare the CPU
# times, which other processes disturb less than wall times.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

RUNS=${RUNS:-5}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target/bench}
export CARGO_INCREMENTAL=0
if [[ ! -x /usr/bin/time ]]; then
    echo "compile-time.sh needs GNU time at /usr/bin/time (Debian: apt-get install -y time)" >&2
    exit 1
fi
configs=("$@")
if [[ ${#configs[@]} -eq 0 ]]; then
    configs=(debug release projects-debug projects-release runtime-debug)
fi

# cargo runs every rustc through this wrapper; the flywheel_client one is measured. The
# wrapper stays in place for every build here, so it never changes a fingerprint.
mkdir -p "$CARGO_TARGET_DIR"
wrapper=$CARGO_TARGET_DIR/rustc-measure.sh
log=$CARGO_TARGET_DIR/rustc-measure.log
cat >"$wrapper" <<'WRAPPER'
#!/bin/sh
case " $* " in
*" --crate-name flywheel_client "*)
    if [ -n "${RUSTC_MEASURE_LOG:-}" ]; then
        exec /usr/bin/time -a -o "$RUSTC_MEASURE_LOG" -f '%e %U %S %M' "$@"
    fi ;;
esac
exec "$@"
WRAPPER
chmod +x "$wrapper"
export RUSTC_WRAPPER=$wrapper

flags_of() {
    case $1 in
    debug) echo "" ;;
    release) echo "--release" ;;
    projects-debug) echo "--no-default-features --features projects" ;;
    projects-release) echo "--release --no-default-features --features projects" ;;
    runtime-debug) echo "--no-default-features" ;;
    *)
        echo "unknown configuration $1" >&2
        exit 2
        ;;
    esac
}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

generated=flywheel-client/src/generated
read -r files lines bytes < <(find "$generated" -name '*.rs' -print0 |
    xargs -0 cat | wc -lc | awk -v n="$(find "$generated" -name '*.rs' | wc -l)" '{ print n, $1, $2 }')
echo "generated code: $files files, $lines lines, $bytes bytes ($generated)"
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(rustc --version)"
echo

summary=()
for config in "${configs[@]}"; do
    read -ra flags <<<"$(flags_of "$config")"
    echo "== $config: cargo build -p flywheel-client ${flags[*]}"
    cargo build --quiet -p flywheel-client "${flags[@]}"
    : >"$log"
    walls=()
    for ((run = 1; run <= RUNS; run++)); do
        touch flywheel-client/src/lib.rs
        start=$(date +%s.%N)
        RUSTC_MEASURE_LOG=$log cargo build --quiet -p flywheel-client "${flags[@]}"
        end=$(date +%s.%N)
        wall=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
        walls+=("$wall")
        read -r r_wall r_user r_sys r_rss < <(tail -n 1 "$log")
        printf '  run %d: cargo build %6.2f s | rustc wall %6.2f s, cpu %6.2f s, peak RSS %5d MiB | load %s\n' \
            "$run" "$wall" "$r_wall" "$(awk -v u="$r_user" -v s="$r_sys" 'BEGIN { print u + s }')" \
            $((r_rss / 1024)) "$(cut -d' ' -f1 /proc/loadavg)"
    done
    m_wall=$(printf '%s\n' "${walls[@]}" | median)
    m_rustc=$(awk '{ print $1 }' "$log" | median)
    m_cpu=$(awk '{ print $2 + $3 }' "$log" | median)
    m_rss=$(awk '{ print $4 }' "$log" | median)
    max_rss=$(awk '{ print $4 }' "$log" | sort -g | tail -n 1)
    min_wall=$(printf '%s\n' "${walls[@]}" | sort -g | head -n 1)
    max_wall=$(printf '%s\n' "${walls[@]}" | sort -g | tail -n 1)
    line=$(printf '%-17s cargo build median %6.2f s (min %.2f, max %.2f) | rustc wall %6.2f s, cpu %6.2f s | peak RSS median %d MiB, max %d MiB' \
        "$config" "$m_wall" "$min_wall" "$max_wall" "$m_rustc" "$m_cpu" $((m_rss / 1024)) $((max_rss / 1024)))
    echo "  median of $RUNS: $line"
    summary+=("$line")
    echo
done

echo "== medians of $RUNS runs"
printf '%s\n' "${summary[@]}"

#!/usr/bin/env bash
# Runs every benchmark and writes BENCHMARKS.md at the repository root (see itest/benchmarks/README.md).
#
#   bash itest/benchmarks/run.sh                 # build, then all measures
#   bash itest/benchmarks/run.sh --only P1,P4    # only these measures (their suites still build)
#   bash itest/benchmarks/run.sh --no-build      # reuse what the last build made
#
# Each suite (footprint, jmh, flows) is a run.sh that gets RESULTS and ONLY in its environment and writes
# $RESULTS/P<n>.md (one table row) and optionally $RESULTS/P<n>.notes.md. A missing or failing suite is
# noted in the table; the others still run.
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
only="P1,P2,P3,P4,P5,P6,P7,P8,P9"
build=yes
while [[ $# -gt 0 ]]; do
    case "$1" in
        -q|--only) only="$2"; shift 2 ;;
        --no-build) build=no; shift ;;
        *) echo "usage: $0 [--only P1,P4] [--no-build]" >&2; exit 2 ;;
    esac
done
export ONLY="$only"
export RESULTS="$here/target/results"
rm -rf "$RESULTS" && mkdir -p "$RESULTS"
started=$(date +%s)

if [[ $build == yes ]]; then
    echo "== build (mvn -B -q install -DskipTests)" >&2
    if ! (cd "$root" && mvn -B -q install -DskipTests) >"$here/target/build.log" 2>&1; then
        tail -n 30 "$here/target/build.log" >&2
        echo "build failed: see $here/target/build.log" >&2
        exit 1
    fi
fi

suite_notes=""
for suite in footprint jmh flows; do
    script="$here/$suite/run.sh"
    if [[ ! -f $script ]]; then
        suite_notes+="| – | suite \`$suite\` | not run: $suite/run.sh is missing | | | | n/a |"$'\n'
        continue
    fi
    echo "== suite $suite" >&2
    if ! bash "$script"; then
        suite_notes+="| – | suite \`$suite\` | failed (exit code $?): its measures below may be missing | | | | n/a |"$'\n'
    fi
done

# Machine and build facts, so a figure is never read without its context.
cpu=$(sed -n 's/^model name\s*:\s*//p' /proc/cpuinfo | head -1)
ram=$(awk '/MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
javav=$(java -version 2>&1 | head -2 | tr '\n' ' ')
mvnv=$(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g')
commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null)$(cd "$root" && git diff --quiet HEAD 2>/dev/null || echo " (with uncommitted changes)")
elapsed=$(( $(date +%s) - started ))

{
    echo "# Benchmarks"
    echo
    echo "Written by \`bash itest/benchmarks/run.sh\` (see [itest/benchmarks/README.md](itest/benchmarks/README.md)); do not edit by hand."
    echo "Every comparison ran side by side in this one run, alternating the two sides; figures are medians."
    echo
    echo "| Machine | |"
    echo "|---|---|"
    echo "| CPU | ${cpu:-?} |"
    echo "| nproc | $(nproc) |"
    echo "| RAM | $ram |"
    echo "| Kernel | $(uname -sr) |"
    echo "| Java | $javav |"
    echo "| Maven | $mvnv |"
    echo "| Load average at the end | $(cut -d' ' -f1-3 /proc/loadavg) |"
    echo "| Date | $(date -u '+%Y-%m-%d %H:%M UTC') |"
    echo "| Commit | $commit |"
    echo "| Run time | $((elapsed / 60)) min $((elapsed % 60)) s |"
    echo
    echo "| # | Measure | mfp-oauth | Compared with | Ratio | Target | Met |"
    echo "|---|---|---|---|---|---|---|"
    for n in 1 2 3 4 5 6 7 8 9; do
        [[ ",$ONLY," == *",P$n,"* ]] || continue
        if [[ -f $RESULTS/P$n.md ]]; then
            cat "$RESULTS/P$n.md"
        else
            echo "| P$n | (no result: its suite did not write one) | | | | | n/a |"
        fi
    done
    printf '%s' "$suite_notes"
    echo
    echo "## Notes"
    for n in 1 2 3 4 5 6 7 8 9; do
        if [[ -f $RESULTS/P$n.notes.md ]]; then
            echo
            cat "$RESULTS/P$n.notes.md"
        fi
    done
} >"$root/BENCHMARKS.md"
echo "wrote $root/BENCHMARKS.md in $((elapsed / 60)) min $((elapsed % 60)) s" >&2

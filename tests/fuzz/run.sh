#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every libFuzzer target of tests/fuzz for SECONDS each, from a copy of
# its seed corpus, and print its executions:
#   tests/fuzz/run.sh SECONDS [BUILDDIR]     (BUILDDIR default: build-fuzz)
# BUILDDIR must come from
#   CC=clang ./configure --builddir=build-fuzz --enable-sanitizers \
#       -Dfuzzing=true -Dtests=false && ninja -C build-fuzz
# One line per target, "PASS fuzz-X: ..." or "FAIL fuzz-X: ...", then a
# summary; a crash, leak, timeout (10 s per input) or out-of-memory fails
# the target and its input is kept in $FUZZ_ARTIFACTS (default
# BUILDDIR/fuzz-artifacts).  Exit status 1 if any target failed.
set -u
cd "$(dirname "$0")/../.."

secs=${1:?usage: tests/fuzz/run.sh SECONDS [BUILDDIR]}
build=${2:-build-fuzz}
artifacts=${FUZZ_ARTIFACTS:-$build/fuzz-artifacts}
targets="${FUZZ_TARGETS:-fuzz-qtest fuzz-rtas fuzz-hcall fuzz-qmp fuzz-props fuzz-migration}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts"
artifacts=$(cd "$artifacts" && pwd)

pass=0
fail=0
for t in $targets; do
    bin="$build/tests/fuzz/$t"
    if [ ! -x "$bin" ]; then
        echo "FAIL $t: $bin not built"
        fail=$((fail + 1))
        continue
    fi
    mkdir -p "$work/$t"
    cp tests/fuzz/corpus/"$t"/* "$work/$t/"
    # The targets write nothing outside guest memory; run them in $work so
    # that a stray relative path lands there.
    log="$artifacts/$t.log"
    (cd "$work" && ASAN_OPTIONS=detect_leaks=1 \
        UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1 \
        "$OLDPWD/$bin" -max_total_time="$secs" -timeout=10 \
        -rss_limit_mb=3072 -close_fd_mask=3 -print_final_stats=1 \
        -artifact_prefix="$artifacts/$t-" "$t") >"$log" 2>&1
    rc=$?
    runs=$(sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$log")
    n=${runs% *}
    s=${runs#* }
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corp=$(ls "$work/$t" | wc -l)
    if [ "$rc" -eq 0 ] && [ -n "$runs" ]; then
        echo "PASS $t: $n execs in $s s ($((n / (s > 0 ? s : 1))) execs/s), cov ${cov:-?}, corpus $corp"
        pass=$((pass + 1))
    else
        echo "FAIL $t: exit $rc, see $log"
        grep -E 'ERROR|SUMMARY|Test unit written' "$log" | head -5 | sed 's/^/    /'
        fail=$((fail + 1))
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ "$fail" -eq 0 ]

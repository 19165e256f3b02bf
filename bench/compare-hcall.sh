#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# bench-hcall of an older commit against this tree, run alternately so that
# neither gets the quiet moments alone; prints the best of N runs of each.
#   bench/compare-hcall.sh [OLD_COMMIT [RUNS]]    (default de3edd8, 5)
set -eu
old=${1:-de3edd8}
runs=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'git -C "$top" worktree remove --force "$work/old" >/dev/null 2>&1; rm -rf "$work"' EXIT

git -C "$top" worktree add -q --detach "$work/old" "$old"
(cd "$work/old" && ./configure --builddir=build >/dev/null &&
 ninja -C build bench/bench-hcall >/dev/null)
ninja -C "$top/build" bench/bench-hcall >/dev/null

i=0
while [ "$i" -lt "$runs" ]; do
    "$top/build/bench/bench-hcall" | tail -n 3 | sed 's/^/new /'
    "$work/old/build/bench/bench-hcall" | tail -n 3 | sed 's/^/old /'
    i=$((i + 1))
done > "$work/runs.txt"

awk -v old="$old" -v runs="$runs" '
    { v = $3 + 0; w = $4 + 0; k = $1 " " $2
      if (v > a[k]) a[k] = v; if (w > b[k]) b[k] = w }
    END {
        printf "bench-hcall, best of %d alternated runs: %s vs this tree (updates/s)\n", runs, old
        printf "%-9s %12s %12s %7s %12s %12s %7s\n", "hcall", "old bare", "new bare",
               "ratio", "old notif.", "new notif.", "ratio"
        n = split("put indirect stuff", h, " ")
        for (i = 1; i <= n; i++) {
            o = "old " h[i]; m = "new " h[i]
            printf "%-9s %12.3g %12.3g %7.2f %12.3g %12.3g %7.2f\n", h[i],
                   a[o], a[m], a[m] / a[o], b[o], b[m], b[m] / b[o]
        }
    }' "$work/runs.txt"

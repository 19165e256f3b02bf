#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fail when a file of the tree cites a document that is not in the tree.
#   tests/check-citations.sh [SOURCE_DIR]
# Facts go into docs/ (docs/specs/linux-interfaces.md for Linux, docs/user/
# and docs/devel/architecture.md for QEMU and our own decisions) and are cited
# from there.  Run by `meson test` (suite "style") and so by .ci/run.

src="${1:-$(dirname "$0")/..}"
cd "$src" || exit 1

# Names of documents that live outside the tree.
pattern='DESIGN\.md|STYLE\.md|kernel-interfaces|qemu-behaviour|qemu72-observed|vfio-in-vm|shared/'

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    files=$(git ls-files --cached --others --exclude-standard)
else
    files=$(find . -path './build*' -prune -o -path './.git' -prune -o \
                 -type f -print | sed 's|^\./||')
fi

status=0
for f in $files; do
    [ -f "$f" ] || continue
    [ "$f" = tests/check-citations.sh ] && continue
    hits=$(grep -nE "$pattern" "$f" 2>/dev/null)
    if [ -n "$hits" ]; then
        echo "$hits" | sed "s|^|$f:|"
        status=1
    fi
done
if [ "$status" -ne 0 ]; then
    echo "cite documents in docs/ instead (see docs/index.md)" >&2
fi
exit $status

#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch the x86-64 guest of the real-VFIO functional test into DIR (default
# build/functional): the Debian kernel that linux-image-amd64 points to and
# busybox-static, downloaded with apt-get download and extracted, never
# installed; then depmod and the uncompressed vmlinux (booted directly,
# docs/user/real-vfio.md).  Does nothing when DIR/ready names the same
# kernel already.  Exit 77 with one line saying why when something cannot
# be had (no apt, no network, missing host tools).
set -e

DIR=${1:-build/functional}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

skip() { echo "SKIP: $*" >&2; exit 77; }

for tool in apt-get apt-cache dpkg-deb depmod xz qemu-system-x86_64 cpio; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool is missing (run scripts/install-functional-deps.sh)"
done

# The versioned kernel package behind the meta package.
kpkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
       sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
[ -n "$kpkg" ] || skip "apt-cache knows no linux-image-amd64 (apt-get update?)"
kver=${kpkg#linux-image-}

if [ -f "$DIR/ready" ] && [ "$(cat "$DIR/ready")" = "$kver" ] &&
   [ -f "$DIR/vmlinux" ] && [ -x "$DIR/root/bin/busybox" ]; then
    exit 0
fi
rm -f "$DIR/ready"

mkdir -p "$DIR/debs"
(
    cd "$DIR/debs"
    for p in "$kpkg" busybox-static; do
        ls ${p}_*.deb >/dev/null 2>&1 && continue
        apt-get download -q "$p" >/dev/null 2>&1 ||
            skip "apt-get download $p failed (no network or no apt lists)"
    done
) || exit $?

rm -rf "$DIR/root"
mkdir -p "$DIR/root"
for deb in "$DIR"/debs/${kpkg}_*.deb "$DIR"/debs/busybox-static_*.deb; do
    dpkg-deb -x "$deb" "$DIR/root"
done
depmod -b "$DIR/root" "$kver"

# The bzImage carries the kernel as an xz stream: find its magic
# (fd 37 7a 58 5a 00) and decompress from there; xz stops at the stream's
# end and complains about the trailing bytes, hence the || true.
bz="$DIR/root/boot/vmlinuz-$kver"
off=$(grep -abo "$(printf '\3757zXZ')" "$bz" | head -1 | cut -d: -f1)
[ -n "$off" ] || skip "no xz stream in $bz"
tail -c +"$((off + 1))" "$bz" | xz -dc 2>/dev/null > "$DIR/vmlinux.tmp" || true
[ -s "$DIR/vmlinux.tmp" ] || skip "cannot decompress the kernel of $kpkg"
mv "$DIR/vmlinux.tmp" "$DIR/vmlinux"
echo "$kver" > "$DIR/ready"

#!/bin/sh
# build-deb.sh - build the aup-milter .deb from this source tree
#
# usage: sh contrib/debian/build-deb.sh [OUTDIR]      (default: build-deb/)
#
# Copies the tree (the files git knows, or the whole tree outside a git
# checkout, without build folders) into a temporary build folder, puts
# contrib/debian there as debian/, and runs dpkg-buildpackage -us -uc -b.
# The tree itself is not touched.  Needs the build packages:
#     sh contrib/install-deps.sh --build
# Prints the path of the .deb.
#
# SPDX-License-Identifier: MIT
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$TOP/build-deb}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/aup-deb.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
SRC=$WORK/aup-milter

command -v dpkg-buildpackage >/dev/null || {
	echo "build-deb: dpkg-buildpackage not found: sh contrib/install-deps.sh --build" >&2
	exit 1
}
mkdir -p "$SRC"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	# Tracked and new files, not what .gitignore leaves out (builds).
	git -C "$TOP" ls-files -z --cached --others --exclude-standard |
	    tar -C "$TOP" --null --no-recursion -T - -cf - |
	    tar -C "$SRC" -xf -
else
	tar -C "$TOP" --exclude='./build*' --exclude='./autom4te.cache' \
	    -cf - . | tar -C "$SRC" -xf -
fi
rm -rf "$SRC/debian"
cp -a "$SRC/contrib/debian" "$SRC/debian"
rm -f "$SRC/debian/build-deb.sh"
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -us -uc -b >"$WORK/build.log" 2>&1) || {
	tail -40 "$WORK/build.log" >&2
	echo "build-deb: dpkg-buildpackage failed" >&2
	exit 1
}
for deb in "$WORK"/*.deb; do
	case "$deb" in *-dbgsym_*) continue ;; esac
	mv "$deb" "$OUT/"
	echo "$OUT/$(basename "$deb")"
done

#!/bin/bash
# run-tests.sh - install what is missing, build, run the whole test suite
#
# usage: contrib/run-tests.sh        (as root on Debian 12)
#
# Installs the Debian packages (contrib/install-deps.sh), builds in place
# with autotools, runs `make check` (unit tests, miltertest protocol tests,
# end-to-end tests through a private Postfix on loopback, the shared sample
# school's cases when ../shared is present) and ends with one line:
# "N passed, N failed".  Exit status 0 only when nothing failed.
#
# Environment: SANITIZERS=1 builds with AddressSanitizer and
# UndefinedBehaviorSanitizer (./configure --enable-sanitizers) in
# build-asan/ and runs the suite there as well.
#
# SPDX-License-Identifier: MIT
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)

if [ "$(id -u)" -eq 0 ]; then
	sh contrib/install-deps.sh || { echo "0 passed, 1 failed"; exit 1; }
else
	echo "run-tests: not root: not installing packages (end-to-end tests need root)"
fi

# build DIR [configure options] - configure and build in DIR (VPATH)
build() {
	local dir=$1; shift
	mkdir -p "$dir" && cd "$dir" || return 1
	"$TOP/configure" -q "$@" && make -j"$(nproc)" >/dev/null
}

# summarize LOG - "passed failed" from automake's test-suite.log
summarize() {
	awk '/^# PASS:/ { p = $3 } /^# FAIL:/ { f += $3 } /^# ERROR:/ { f += $3 }
	    /^# XPASS:/ { f += $3 } END { printf "%d %d\n", p, f }' "$1"
}

# run_suite DIR - make check in a build folder; prints failures
run_suite() {
	(cd "$1" && make -j"$(nproc)" check >check.out 2>&1)
	grep -hE '^(FAIL|ERROR|XPASS):' "$1/check.out" | head -50
	[ -f "$1/test-suite.log" ] || { echo "run-tests: no test-suite.log in $1"; tail -30 "$1/check.out"; return 1; }
}

autoreconf -fi >/dev/null 2>&1 || { autoreconf -fi; echo "0 passed, 1 failed"; exit 1; }
if ! build "$TOP/build" --enable-werror; then
	echo "run-tests: the build failed"
	echo "0 passed, 1 failed"
	exit 1
fi
run_suite "$TOP/build"
read -r passed failed < <(summarize "$TOP/build/test-suite.log" 2>/dev/null || echo "0 1")
if [ "${SANITIZERS:-0}" = 1 ]; then
	if build "$TOP/build-asan" --enable-sanitizers; then
		run_suite "$TOP/build-asan"
		read -r p2 f2 < <(summarize "$TOP/build-asan/test-suite.log" 2>/dev/null || echo "0 1")
		passed=$((passed + p2)); failed=$((failed + f2))
	else
		echo "run-tests: the sanitizer build failed"
		failed=$((failed + 1))
	fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

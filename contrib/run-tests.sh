#!/bin/bash
# run-tests.sh - install what is missing, build, run the whole test suite
#
# usage: contrib/run-tests.sh        (as root on Debian 12)
#
# Installs the Debian packages (contrib/install-deps.sh), builds in place
# with autotools, runs `make check` (unit tests, miltertest protocol tests,
# end-to-end tests through a private Postfix on loopback, the shared sample
# school's cases when ../shared is present) and ends with one line:
# "N passed, N failed".  Exit status 0 only when nothing failed.  After
# the suite, `make check-leaks` greps everything its end-to-end tests'
# milters and Postfixes wrote (kept under build/tests/artefacts) for the
# safeguarding phrases and pupil values the tests send; it counts as one.
#
# Then, as CI does (SPEC 8), it runs the hostile-input gates, each counted
# in the same line: the protocol tests again with the daemon under
# valgrind memcheck (no errors, no definite leaks), the whole suite in an
# AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/,
# ./configure --enable-sanitizers), and each libFuzzer target for a short
# fixed time (tests/fuzz/run-fuzz.sh, clang; build-fuzz/).
#
# As root it also builds the Debian package from the tree, installs it
# with dpkg -i, checks it, and purges it again
# (tests/e2e/test_debian_package.sh; a few minutes), counted the same way.
#
# Environment: SANITIZERS=0 skips the sanitizer build, VALGRIND=0 the
# valgrind run, FUZZ_SECONDS=0 the fuzz runs (default 30 s per target),
# DEB=0 the package build and install.
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
	rm -rf "$1/tests/artefacts"	# the leak sweep reads this run's only
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
# sweep_leaks DIR - after the suite: no matched safeguarding phrase or
# pupil value in anything its tests' milters and Postfixes wrote
# (tests/sweep/sweep_leaks.py over DIR/tests/artefacts); one pass or fail
sweep_leaks() {
	local rc
	(cd "$1" && make check-leaks >check-leaks.out 2>&1)
	rc=$?
	tail -n 1 "$1/check-leaks.out" | sed 's/^/run-tests: /'
	if [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	elif grep -q '^sweep_leaks: no artefacts' "$1/check-leaks.out" &&
	    [ "$(id -u)" -ne 0 ]; then
		echo "run-tests: leak sweep skipped (no end-to-end test ran: not root)"
	else
		grep -E '^[^ ]+:[0-9]+: ' "$1/check-leaks.out" | head -20
		failed=$((failed + 1))
	fi
}

run_suite "$TOP/build"
read -r passed failed < <(summarize "$TOP/build/test-suite.log" 2>/dev/null || echo "0 1")
sweep_leaks "$TOP/build"

# The protocol tests with the daemon under valgrind memcheck.
if [ "${VALGRIND:-1}" = 1 ]; then
	if command -v valgrind >/dev/null 2>&1; then
		(cd "$TOP/build" && AUP_MILTER_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite" \
		    make check TESTS=tests/milter/test_miltertest.sh >check-valgrind.out 2>&1)
		read -r p2 f2 < <(summarize "$TOP/build/test-suite.log" 2>/dev/null || echo "0 1")
		[ "$f2" -eq 0 ] || grep -hE '^(not ok|#)' "$TOP/build/tests/milter/test_miltertest.log" | head -40
		echo "run-tests: protocol tests under valgrind: $p2 passed, $f2 failed"
		passed=$((passed + p2)); failed=$((failed + f2))
	else
		echo "run-tests: valgrind not found (apt-get install valgrind)"
		failed=$((failed + 1))
	fi
fi

if [ "${SANITIZERS:-1}" = 1 ]; then
	if build "$TOP/build-asan" --enable-sanitizers; then
		run_suite "$TOP/build-asan"
		read -r p2 f2 < <(summarize "$TOP/build-asan/test-suite.log" 2>/dev/null || echo "0 1")
		passed=$((passed + p2)); failed=$((failed + f2))
		echo "run-tests: sanitizer build: $p2 passed, $f2 failed"
	else
		echo "run-tests: the sanitizer build failed"
		failed=$((failed + 1))
	fi
fi

# The .deb: built with the documented command, installed, checked, purged.
if [ "${DEB:-1}" = 1 ] && [ "$(id -u)" -eq 0 ]; then
	bash "$TOP/tests/e2e/test_debian_package.sh" >"$TOP/build/check-deb.out" 2>&1
	p2=$(grep -c '^ok ' "$TOP/build/check-deb.out")
	f2=$(grep -c '^not ok ' "$TOP/build/check-deb.out")
	grep -q '^1\.\.[1-9]' "$TOP/build/check-deb.out" || grep -q '^1\.\.0 # SKIP' \
	    "$TOP/build/check-deb.out" || f2=$((f2 + 1))
	[ "$f2" -eq 0 ] || grep -E '^(not ok|#)' "$TOP/build/check-deb.out" | head -30
	echo "run-tests: Debian package: $p2 passed, $f2 failed$(grep -o ' # SKIP.*' \
	    "$TOP/build/check-deb.out" | head -n 1)"
	passed=$((passed + p2)); failed=$((failed + f2))
fi

# Each libFuzzer target for a short fixed time: a crash, leak or timeout fails.
if [ "${FUZZ_SECONDS:-30}" -gt 0 ]; then
	mkdir -p "$TOP/build-fuzz"
	for target in analysis conf csv pipeline; do
		if TMPDIR=$TOP/build-fuzz sh "$TOP/tests/fuzz/run-fuzz.sh" \
		    "$target" "${FUZZ_SECONDS:-30}" >"$TOP/build-fuzz/$target.out" 2>&1; then
			passed=$((passed + 1))
			echo "run-tests: fuzz $target: ok ($(grep -o 'exec/s: [0-9]*' \
			    "$TOP/build-fuzz/$target.out" | tail -n 1))"
		else
			failed=$((failed + 1))
			echo "run-tests: fuzz $target: FAILED (build-fuzz/$target.out):"
			grep -E -A 12 '^==[0-9]+==ERROR|^SUMMARY|Test unit written|error:' \
			    "$TOP/build-fuzz/$target.out" | head -40
		fi
	done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

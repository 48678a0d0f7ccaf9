# miltertest.sh - start the test daemon for miltertest protocol tests
#
# mt_require - set MT to miltertest, or skip the whole test
# mt_start DIR [WRAPPER] - start tests/aup-milter-test -f with
#   DIR/aup-milter.conf (under WRAPPER when given, e.g. valgrind; its
#   log in DIR/milter.log), set PID, and wait for DIR/aup.sock (60 s
#   under a wrapper, 10 s otherwise); bail out when it does not come
# Sourced after tap.sh.

mt_require() {
	MT=${MILTERTEST:-$(command -v miltertest || true)}
	[ -n "$MT" ] && [ -x "$MT" ] ||
	    skip_all "miltertest not installed (apt-get install miltertest)"
}

mt_start() {
	# shellcheck disable=SC2086 # the wrapper is a command and its options
	${2-} "$top_builddir/tests/aup-milter-test" -f -c "$1/aup-milter.conf" \
	    > "$1/milter.log" 2>&1 &
	PID=$!
	# A wrapper such as valgrind starts the daemon 20-50 times slower.
	for _ in $(seq 1 $([ -n "${2-}" ] && echo 600 || echo 100)); do
		[ -S "$1/aup.sock" ] && return 0
		sleep 0.1
	done
	bail_out "the milter did not start: $(cat "$1/milter.log")"
}

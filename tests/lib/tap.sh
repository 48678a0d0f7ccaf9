# tests/lib/tap.sh - TAP helpers for shell tests run by automake's tap-driver.sh.
#
# Source it from a POSIX sh or bash test script:
#     . "$top_srcdir/tests/lib/tap.sh"
#     plan 3                       # or call done_testing at the end
#     some_command; ok $? "some_command accepts a valid file"
#     is "$got" "250" "an accepted message gets a 250 reply"
#     like "$reply" '^550[- ]5\.7\.1' "the reply carries the 5.7.1 code"
#     done_testing
#
# Test names are behaviour sentences.  diag writes to stderr (tap-driver
# copies it into the .log file).  Every assertion returns 0 on pass and 1 on
# failure, so a test can react (e.g. skip what depends on it).  Nothing here
# uses set -e; the helpers are safe under set -u.  All names this file defines
# start with tap_ or _tap_, apart from the assertion functions themselves.

_tap_n=0		# assertions run so far
_tap_failed=0		# assertions that failed
_tap_planned=''		# the number given to plan, empty until then

# plan - announce how many assertions will run (print "1..N")
plan()
{
	_tap_planned=$1
	printf '1..%s\n' "$1"
}

# skip_all - skip the whole script with a reason and exit 0 ("1..0 # SKIP")
skip_all()
{
	printf '1..0 # SKIP %s\n' "$*"
	exit 0
}

# diag - print each argument as diagnostic lines prefixed with "# ", to stderr
diag()
{
	printf '%s\n' "$@" | sed 's/^/# /' >&2
}

# _tap_result - print one "ok"/"not ok" line; $1 = 0 for pass, $2 = name
_tap_result()
{
	_tap_n=$((_tap_n + 1))
	if [ "$1" = 0 ]; then
		printf 'ok %d - %s\n' "$_tap_n" "$2"
		return 0
	fi
	_tap_failed=$((_tap_failed + 1))
	printf 'not ok %d - %s\n' "$_tap_n" "$2"
	return 1
}

# ok - pass when STATUS (an exit status, usually $?) is 0: ok STATUS "name"
ok()
{
	case $1 in
	''|*[!0-9]*)
		_tap_result 1 "$2"
		diag "ok: the status '$1' is not a number (write: cmd; ok \$? \"name\")"
		return 1 ;;
	esac
	_tap_result "$1" "$2" && return 0
	diag "  failed: $2 (status $1)"
	return 1
}

# is - pass when two strings are equal: is "got" "want" "name"
is()
{
	if [ "$1" = "$2" ]; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "  failed: $3" "       got: '$1'" "  expected: '$2'"
	return 1
}

# isnt - pass when two strings differ: isnt "got" "unwanted" "name"
isnt()
{
	if [ "$1" != "$2" ]; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "  failed: $3" "       got: '$1'" "  expected anything else"
	return 1
}

# _tap_match - true when some line of $1 matches the extended regex $2
_tap_match()
{
	printf '%s\n' "$1" | grep -E -q -e "$2"
}

# like - pass when some line of GOT matches the ERE: like "got" 'regex' "name"
like()
{
	if _tap_match "$1" "$2"; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "  failed: $3" "       got: '$1'" "  expected a line matching: $2"
	return 1
}

# unlike - pass when no line of GOT matches the ERE: unlike "got" 'regex' "name"
unlike()
{
	if ! _tap_match "$1" "$2"; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "  failed: $3" "       got: '$1'" "  expected no line matching: $2"
	return 1
}

# like_file - pass when some line of FILE matches the ERE: like_file FILE 'regex' "name"
like_file()
{
	if [ -r "$1" ] && grep -E -q -e "$2" "$1"; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "  failed: $3" "  expected a line of $1 matching: $2"
	[ -r "$1" ] && diag "  last lines of $1:" "$(tail -n 20 "$1")"
	return 1
}

# unlike_file - pass when no line of FILE matches the ERE (a missing file passes)
unlike_file()
{
	if ! { [ -r "$1" ] && grep -E -q -e "$2" "$1"; }; then
		_tap_result 0 "$3"
		return 0
	fi
	_tap_result 1 "$3"
	diag "  failed: $3" "  expected no line of $1 matching: $2" \
	    "  but found: $(grep -E -m 3 -e "$2" "$1")"
	return 1
}

# pass - record a passing assertion: pass "name"
pass()
{
	_tap_result 0 "$1"
}

# fail - record a failing assertion, with optional diagnostics: fail "name" [diag...]
fail()
{
	_tap_result 1 "$1"
	shift
	[ $# -gt 0 ] && diag "$@"
	return 1
}

# skip - record COUNT (default 1) skipped assertions: skip "reason" [COUNT]
skip()
{
	_tap_k=${2:-1}
	while [ "$_tap_k" -gt 0 ]; do
		_tap_n=$((_tap_n + 1))
		printf 'ok %d # skip %s\n' "$_tap_n" "$1"
		_tap_k=$((_tap_k - 1))
	done
}

# bail_out - stop the whole test run now: bail_out "reason" (exits 255; counts
# as a failure, so pf_stop keeps the temporary directory for inspection)
bail_out()
{
	_tap_failed=$((_tap_failed + 1))
	printf 'Bail out! %s\n' "$*"
	exit 255
}

# tap_failed_count - print how many assertions have failed so far
tap_failed_count()
{
	printf '%d\n' "$_tap_failed"
}

# done_testing - print the plan if plan was not called, check the count, and
# exit: 0 when every assertion passed, 1 otherwise
done_testing()
{
	if [ -z "$_tap_planned" ]; then
		printf '1..%d\n' "$_tap_n"
	elif [ "$_tap_planned" != "$_tap_n" ]; then
		diag "planned $_tap_planned assertions but ran $_tap_n"
		exit 1
	fi
	[ "$_tap_failed" -eq 0 ] || exit 1
	exit 0
}

#!/bin/bash
# test_postfix_console - the console in a real browser
# (tests/e2e/test_console.py) against messages a real Postfix handed to
# the real aup-milter.
#
# This wrapper starts the private Postfix (tests/lib/postfix.sh: smtpd on
# a loopback port, relayhost = smtp-sink) with the milter socket the
# Python test's aup-milter will listen on, and hands the instance to the
# test in the environment: CONSOLE_DIR (the test's folder, reachable by
# user postfix), PF_PORT, PF_CONF, PF_LOG and PF_SINK_DIR.  The test
# sends its messages to PF_PORT, so they are held by aup-milter behind
# Postfix; the console's sendmail_path is Postfix's own sendmail(1) for
# this instance (behind a recorder), so a release goes through pickup,
# the milter again (non_smtpd_milters, which accepts the release mark
# once) and on to the sink.  Postfix is stopped by pf_start's trap.
# CONSOLE_TEST names another test of tests/e2e to run the same way
# (test_postfix_console_schools.sh).
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v python3 >/dev/null 2>&1 || skip_all "python3 not installed"

T=$(pf_mktemp) || bail_out "no temporary directory"
CONSOLE_DIR=$T/console
mkdir -p "$CONSOLE_DIR" && chmod 755 "$CONSOLE_DIR" ||
    bail_out "cannot make $CONSOLE_DIR"
trap 'rm -rf "$T"' EXIT		# until pf_start installs its own trap
pf_start "$T" "unix:$CONSOLE_DIR/aup.sock" ||
    bail_out "the private Postfix did not start"
export CONSOLE_DIR PF_PORT PF_CONF PF_LOG PF_SINK_DIR
python3 "$top_srcdir/tests/e2e/${CONSOLE_TEST:-test_console.py}"
rc=$?
[ "$rc" = 0 ] || _tap_failed=1	# pf_stop keeps the folder
exit "$rc"

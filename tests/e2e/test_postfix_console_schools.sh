#!/bin/bash
# test_postfix_console_schools - the console of a service of two schools
# in a real browser (tests/e2e/test_console_schools.py) against messages
# a real Postfix handed to the test milter: a school's DSL never sees the
# other school's message, by list, by direct URL or by report; the
# service's staff see both.  The private Postfix is started as for
# test_console.py, by test_postfix_console.sh.
CONSOLE_TEST=test_console_schools.py
export CONSOLE_TEST
exec bash "$top_srcdir/tests/e2e/test_postfix_console.sh"

# yardstick-lib.sh - the yardstick's setting for the scripts beside it
#
# Sourced by compare-builds.sh and scaling.sh, with $top set to the top
# of the source tree and $me to the script's name: exports the
# yardstick's configuration with all policies on (contrib/bench/
# yardstick-aup, as ../shared/bench/run-peers.sh with AUP_POLICIES=all),
# sources ../shared/bench/lib.sh (start_aup, stop_aup, BIN_DIR, CORPUS,
# AUP_SOCK, PIDDIR), builds its tools and writes its corpus if they are
# not there yet, and defines field() and restart_aup().
#
# Environment: AUP_TMP [/tmp/aup-bench-root] (daemon state, the corpus,
# the yardstick's binaries), SHARED_BENCH [../shared/bench].
#
# SPDX-License-Identifier: MIT
export AUP_POLICIES=all AUP_BUILD="$top/contrib/bench/yardstick-aup"
export AUP_TMP=${AUP_TMP:-/tmp/aup-bench-root}
BENCH_DIR=${SHARED_BENCH:-$top/../shared/bench}
[ -f "$BENCH_DIR/lib.sh" ] || { echo "$me: no yardstick in $BENCH_DIR" >&2; exit 2; }
. "$BENCH_DIR/lib.sh"
ensure_built
ensure_corpus

# field NAME LINE - one field of a milterload RESULT line
field() { echo "$2" | sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

# restart_aup BUILD - a fresh daemon of BUILD, warmed with 200 messages
restart_aup() {
	stop_aup || true
	export AUP_MILTER="$1"
	start_aup
	"$BIN_DIR/milterload" -s "$AUP_SOCK" -d "$CORPUS" -c 4 -t 0 -n 200 \
	    -l warm >/dev/null
}

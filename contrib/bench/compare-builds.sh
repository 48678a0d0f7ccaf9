#!/bin/sh
# compare-builds.sh - aup-milter builds side by side at two concurrencies
#
# usage: contrib/bench/compare-builds.sh [-r ROUNDS] [-t SECS] [-c "4 16"]
#            BUILD_OR_WRAPPER ...
#
# Each argument is an aup-milter binary, or a script that sets something
# (an environment variable, a tunable) and execs one.  Every round starts
# each of them afresh with the yardstick's configuration, all policies on
# (contrib/bench/yardstick-aup, as ../shared/bench/run-peers.sh with
# AUP_POLICIES=all), warms it with 200 messages, then replays the
# yardstick's corpus through milterload at each concurrency for SECS
# seconds.  The order of the builds rotates every round and the order of
# the concurrencies flips, so none is always first or last: on a shared
# machine whose speed drifts by a tenth within minutes, only figures taken
# interleaved like this compare.
#
# Prints one line a measurement (one with any tempfail or error is marked
# INVALID: it is not a throughput figure) and, at the end, the yardstick's
# own table (../shared/bench/summarize.py: median and min-max msgs/s, p50
# and p99 of each build at each concurrency; its "ratio to null" column
# reads 1, as no no-op filter runs here).
#
# Environment: AUP_TMP [/tmp/aup-bench-root] (daemon state, the corpus,
# the yardstick's binaries), SHARED_BENCH [../shared/bench].
#
# SPDX-License-Identifier: MIT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
ROUNDS=3
SECS=8
CONCS="4 16"
while getopts r:t:c: o; do
	case $o in
	r) ROUNDS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	c) CONCS=$OPTARG ;;
	*) echo "usage: $0 [-r rounds] [-t secs] [-c concs] BUILD ..." >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || { echo "usage: $0 [-r rounds] [-t secs] [-c concs] BUILD ..." >&2; exit 2; }
for b in "$@"; do
	[ -x "$b" ] || { echo "compare-builds: $b is not executable" >&2; exit 2; }
done
me=compare-builds
. "$here/yardstick-lib.sh"
raw=$(mktemp)
trap 'stop_aup || true; rm -f "$raw"' EXIT INT TERM

round=1
while [ "$round" -le "$ROUNDS" ]; do
	builds=$(echo "$@" | awk -v k="$round" \
	    '{ for (i = 0; i < NF; i++) printf "%s ", $(((i + k - 1) % NF) + 1) }')
	concs=$CONCS
	[ $((round % 2)) = 0 ] && concs=$(echo "$CONCS" | awk \
	    '{ for (i = NF; i > 0; i--) printf "%s ", $i }')
	for b in $builds; do
		restart_aup "$b"
		for c in $concs; do
			line=$("$BIN_DIR/milterload" -s "$AUP_SOCK" -d "$CORPUS" \
			    -c "$c" -t "$SECS" -w 1 -l "$b")
			bad=$(( $(field tempfail "$line") + $(field error "$line") ))
			mark=''
			if [ "$bad" -gt 0 ]; then
				mark=" INVALID: $bad tempfail/error"
			else
				echo "run=$round $line" >>"$raw"
			fi
			echo "round=$round build=$b conc=$c" \
			    "mps=$(field mps "$line") p99_ms=$(field p99_ms "$line")$mark"
		done
	done
	round=$((round + 1))
done
echo
python3 "$BENCH_DIR/summarize.py" "$raw"

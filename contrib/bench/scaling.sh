#!/bin/sh
# scaling.sh - what a message costs aup-milter at two concurrencies, paired
#
# usage: contrib/bench/scaling.sh [-b BLOCKS] [-t SECS] [-c "A B"] [BUILD]
#
# Starts one aup-milter (BUILD, default build/aup-milter, or a wrapper
# script that execs one) with the yardstick's configuration, all policies
# on (contrib/bench/yardstick-aup, as ../shared/bench/run-peers.sh with
# AUP_POLICIES=all), warms it with 200 messages, then replays the
# yardstick's corpus in BLOCKS blocks of four slices of SECS seconds, at
# the concurrencies A and B (default 4 and 16) in the order A B B A.  For
# every slice it prints msgs/s, p99, the daemon's CPU time per message
# (user and system, from /proc/PID/stat) and the share of the machine's
# CPU left idle (/proc/stat: idle and iowait).
#
# Why: on a shared machine whose speed drifts by a tenth and more within
# minutes, figures taken minutes apart (the yardstick's rounds) do not
# tell a few per cent apart.  Within a block the two concurrencies share
# the same minute, so the drift largely cancels out of the block's ratio
# B/A; the summary gives the median and range of those ratios over the
# blocks, for msgs/s and for CPU time per message.
#
# A slice with any tempfail or error verdict is marked INVALID and its
# block is left out of the summary.  Environment: AUP_TMP
# [/tmp/aup-bench-root], SHARED_BENCH [../shared/bench].
#
# SPDX-License-Identifier: MIT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
BLOCKS=10
SECS=4
CONCS="4 16"
usage() {
	echo "usage: $0 [-b blocks] [-t secs] [-c \"A B\"] [BUILD]" >&2
	exit 2
}
while getopts b:t:c: o; do
	case $o in
	b) BLOCKS=$OPTARG ;;
	t) SECS=$OPTARG ;;
	c) CONCS=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
build=${1:-$top/build/aup-milter}
[ -x "$build" ] || { echo "scaling: $build is not executable" >&2; exit 2; }
set -- $CONCS
[ $# = 2 ] || usage
conc_a=$1
conc_b=$2
me=scaling
. "$here/yardstick-lib.sh"
slices=$(mktemp)
trap 'stop_aup || true; rm -f "$slices"' EXIT INT TERM

# cpu_ticks - the daemon's user and system clock ticks
cpu_ticks() { awk '{ print $14, $15 }' "/proc/$pid/stat"; }
# machine_ticks - the machine's idle (idle + iowait) and total ticks
machine_ticks() {
	awk '/^cpu / { print $5 + $6, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' \
	    /proc/stat
}

restart_aup "$build"
pid=$(cat "$PIDDIR/aup.pid")
hz=$(getconf CLK_TCK)
block=1
while [ "$block" -le "$BLOCKS" ]; do
	for c in $conc_a $conc_b $conc_b $conc_a; do
		set -- $(cpu_ticks) $(machine_ticks)
		line=$("$BIN_DIR/milterload" -s "$AUP_SOCK" -d "$CORPUS" \
		    -c "$c" -t "$SECS" -w 0 -l "conc$c")
		set -- "$@" $(cpu_ticks) $(machine_ticks)
		msgs=$(field msgs "$line")
		bad=$(( $(field tempfail "$line") + $(field error "$line") ))
		echo "$block $c $msgs $(field mps "$line") $(field p99_ms "$line")" \
		    "$(( $5 - $1 )) $(( $6 - $2 )) $(( $7 - $3 )) $(( $8 - $4 ))" \
		    "$bad" >>"$slices"
	done
	block=$((block + 1))
done
awk -v hz="$hz" -v a="$conc_a" -v b="$conc_b" '
function ms(ticks, n) { return n > 0 ? ticks * 1000 / hz / n : 0 }
{
	blk = $1; c = $2; n = $3
	printf "block=%d conc=%d mps=%s p99_ms=%s cpu_ms_per_msg=%.3f" \
	    " user=%.3f sys=%.3f idle=%.1f%%%s\n", blk, c, $4, $5,
	    ms($6 + $7, n), ms($6, n), ms($7, n),
	    ($9 > 0 ? 100 * $8 / $9 : 0), ($10 > 0 ? " INVALID" : "")
	if ($10 > 0) bad[blk] = 1
	k = blk SUBSEP c
	mps[k] += $4; cpu[k] += ms($6 + $7, n); slices[k]++
	if (blk > last) last = blk
}
END {
	for (i = 1; i <= last; i++) {
		if (bad[i] || !slices[i, a] || !slices[i, b]) continue
		m++
		rm[m] = (mps[i, b] / slices[i, b]) / (mps[i, a] / slices[i, a])
		rc[m] = (cpu[i, b] / slices[i, b]) / (cpu[i, a] / slices[i, a])
	}
	if (m == 0) { print "no valid block"; exit 1 }
	printf "\n%d valid blocks of %d; ratio of %d to %d within a block:\n",
	    m, last, b, a
	report("msgs/s", rm, m)
	report("CPU ms a message", rc, m)
}
function report(what, r, n,    i, j, t, med) {
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && r[j - 1] > r[j]; j--) {
			t = r[j]; r[j] = r[j - 1]; r[j - 1] = t
		}
	med = n % 2 ? r[(n + 1) / 2] : (r[n / 2] + r[n / 2 + 1]) / 2
	printf "  %-17s median %.3f (%+.1f %%), range %.3f-%.3f\n", what,
	    med, 100 * (med - 1), r[1], r[n]
}' "$slices"

#!/bin/bash
# test_layers.sh - the layer rules hold for the source tree, and the
# checker names file, line and rule for each kind of breach (TAP)
#
# SPDX-License-Identifier: MIT
set -u
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
check="python3 $top/tests/layout/check-layers.py"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
not_ok() { n=$((n + 1)); echo "not ok $n - $1"; }

echo "1..4"

# 1. the real tree
if out=$($check "$top" 2>&1); then
	ok "every #include in milter/ and policies/ follows the layer rules"
else
	not_ok "every #include in milter/ and policies/ follows the layer rules"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

# A tree with one file per kind of breach, each on a known line.
mk() {	# mk PATH LINE... - write a source file
	local path=$tmp/bad/$1; shift
	mkdir -p "$(dirname "$path")"
	printf '%s\n' "$@" >"$path"
}
mk milter/analysis/leak.c '/* x */' '#include "engine/msg.h"'
mk policies/greedy.c '#include "util/xalloc.h"' '#include "config/conf.h"'
mk milter/store/hold.c '#include "store/qindex.h"' '' '#include "policies/pupil_data/roster.h"'
mk milter/engine/wire.c '#include <libmilter/mfapi.h>'
mk milter/daemon/peek.c '#include "analysis/analysis_int.h"'
mk milter/util/bare.c '#include "xalloc.h"'
want=(
	'milter/analysis/leak.c:2: includes engine/msg.h: analysis/ may include only analysis/ and util/'
	'policies/greedy.c:2: includes config/conf.h: policies/ may include'
	'milter/store/hold.c:3: includes policies/pupil_data/roster.h: store/ may include store/, engine/, config/, util/ and analysis/analysis.h, never a policy'
	'milter/engine/wire.c:1: includes libmilter/mfapi.h: only daemon/ may include <libmilter/...>'
	'milter/daemon/peek.c:1: includes analysis/analysis_int.h: front ends may include'
	'milter/util/bare.c:1: includes xalloc.h: include a project header by its folder'
)

# 2. every breach is found, with file:line and the rule
out=$($check "$tmp/bad" 2>&1); rc=$?
missing=0
for w in "${want[@]}"; do
	grep -qF "$w" <<<"$out" || { echo "# not reported: $w"; missing=1; }
done
if [ $rc -eq 1 ] && [ $missing -eq 0 ]; then
	ok "a wrong include fails the check, naming file:line and the rule"
else
	not_ok "a wrong include fails the check, naming file:line and the rule (exit $rc)"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

# 3. nothing else is reported
extra=$(grep -vcF -f <(printf '%s\n' "${want[@]}") <<<"$out")
if [ "$extra" -eq 0 ]; then
	ok "only the breaches are reported ($(wc -l <<<"$out") lines)"
else
	not_ok "only the breaches are reported"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

# 4. what the rules allow passes
mk2() { local path=$tmp/good/$1; shift; mkdir -p "$(dirname "$path")"; printf '%s\n' "$@" >"$path"; }
mk2 milter/analysis/a.c '#include "analysis/analysis_int.h"' '#include "util/xalloc.h"' '#include <stdio.h>'
mk2 policies/p.c '#include "policies/policy.h"' '#include "analysis/analysis.h"' '#include "config/school.h"' '#include "engine/roles.h"'
mk2 milter/daemon/d.c '#include <libmilter/mfapi.h>' '#include "store/qindex.h"' '#include "policies/registry.h"'
mk2 milter/store/s.c '#include "engine/engine.h"' '#include "config/conf.h"'
if out=$($check "$tmp/good" 2>&1); then
	ok "allowed includes pass (a policy on the policy interface, libmilter in daemon/)"
else
	not_ok "allowed includes pass"
	printf '%s\n' "$out" | sed 's/^/# /'
fi

#!/bin/sh
# check-man-keys.sh - the manual pages name everything a user can use
#
# usage: man/check-man-keys.sh [AUP_MILTER [CONF_PAGE]]
# Prints TAP; fails when something is missing from its page:
#   - every key `aup-milter -d` prints, in aup-milter.conf(5): a .TP
#     entry ".B key" (a mention elsewhere does not count) in the section
#     of that name, or in a policy's ".SS "[name]"" subsection;
#   - every template in conf/templates/ in aup-milter.conf(5) (".B
#     NAME.txt"), and every {variable} those templates use;
#   - every policy (a policy section of `aup-milter -d`) in aup-milter(8),
#     as a ".B name" line;
#   - every command and subcommand in `aupctl`'s usage, in aupctl(8) as
#     ".SS command" or a ".B command ..." entry (for example .SS
#     "quarantine list"), and every --option of those usages as
#     "\-\-option".
# Environment: top_srcdir, top_builddir (as make check sets them), AUPCTL.
set -eu
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-$top_srcdir}
prog=${1:-$top_builddir/aup-milter}
page=${2:-$top_srcdir/man/aup-milter.conf.5}
daemon_page=$top_srcdir/man/aup-milter.8
aupctl_page=$top_srcdir/man/aupctl.8
aupctl=${AUPCTL:-$top_builddir/aupctl}
templates=$top_srcdir/conf/templates
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# report OK NAME - one TAP result line (numbered at the end)
report() {
	if [ "$1" = 0 ]; then
		printf 'ok - %s\n' "$2" >>"$out"
	else
		printf 'not ok - %s\n' "$2" >>"$out"
	fi
}

# check PAGE ERE NAME - report whether a line of the page matches
check() {
	if grep -E -q -e "$2" "$1"; then
		report 0 "$3"
	else
		report 1 "$3"
	fi
}

# ere TEXT - TEXT with the characters special in an ERE escaped
ere() {
	printf '%s\n' "$1" | sed 's/[][\.*^$+?(){}|/-]/\\&/g'
}

# Keys of aup-milter -d, section by section.
"$prog" -d | awk -v page="$page" '
	BEGIN {
		while ((getline line < page) > 0) {
			if (line ~ /^\.SH "SECTION \[/) {
				sec = line
				sub(/^\.SH "SECTION \[/, "", sec)
				sub(/\]".*/, "", sec)
			} else if (line ~ /^\.SS "\[/) {
				sec = line
				sub(/^\.SS "\[/, "", sec)
				sub(/\]".*/, "", sec)
			} else if (line ~ /^\.SH "POLICY SECTIONS"/) {
				sec = "*policy*"
			} else if (line ~ /^\.SH / && line !~ /SECTION/) {
				sec = ""
			} else if (sec != "" && line ~ /^\.B [a-z_]+$/ &&
			    prev ~ /^\.TP/) {
				k = line
				sub(/^\.B /, "", k)
				doc[sec, k] = 1
			}
			prev = line
		}
	}
	/^\[/ { sec = $0; gsub(/[\[\]]/, "", sec); policy = sec !~ /^(milter|school|directory|notify|console)$/; next }
	/^;?[a-z_]+ = / {
		k = $0
		sub(/^;/, "", k)
		sub(/ = .*/, "", k)
		ok = doc[sec, k] || (policy && doc["*policy*", k])
		printf "%s - [%s] %s is in aup-milter.conf(5)\n", ok ? "ok" : "not ok", sec, k
	}
' >>"$out"

# Policies in aup-milter(8): the sections of aup-milter -d with an action.
for p in $("$prog" -d | awk '/^\[/ { sec = $0; gsub(/[][]/, "", sec) }
    /^;?action = / { print sec }'); do
	check "$daemon_page" "^\\.B $(ere "$p")\$" \
	    "policy $p is in aup-milter(8)"
done

# Templates and their variables in aup-milter.conf(5).
for t in "$templates"/*.txt; do
	name=$(basename "$t")
	check "$page" "^\\.B $(ere "$name")\$" \
	    "template $name is in aup-milter.conf(5)"
done
for v in $(grep -h -v '^#' "$templates"/*.txt | grep -o '{[a-z_0-9]*}' |
    sort -u); do
	check "$page" "$(ere "$v")" \
	    "template variable $v is in aup-milter.conf(5)"
done

# aupctl commands, subcommands and options in aupctl(8).
# The usage, and each command's own usage (aupctl COMMAND with nothing
# after it prints it).
usage=$("$aupctl" 2>&1 || true)
for c in $(printf '%s\n' "$usage" | sed -n 's/^.*aupctl \[-c FILE\] \([a-z]*\).*$/\1/p' |
    grep -v -x test | sort -u); do
	usage=$(printf '%s\n' "$usage"; "$aupctl" "$c" 2>&1 || true)
done
for cmd in $(printf '%s\n' "$usage" | sed -n 's/^.*aupctl \[-c FILE\] //p' |
    sed 's/\[[^]]*\]//g' | awk '{
	if ($1 == "test") { print $1; next }
	rest = substr($0, length($1) + 2)
	n = split(rest, parts, /[|]/)
	for (i = 1; i <= n; i++) {
		sub(/^ +/, "", parts[i])
		split(parts[i], w, / /)
		if (w[1] ~ /^[a-z]+$/) print $1 "_" w[1]
	}
    }' | sort -u); do
	c=$(printf '%s' "$cmd" | tr _ ' ')
	check "$aupctl_page" "^\\.(SS|B) \"?$(ere "$c")(\"| |\$)" \
	    "aupctl $c is in aupctl(8)"
done
for o in $(printf '%s\n' "$usage" | grep -o -e '--[a-z][a-z-]*' | sort -u); do
	check "$aupctl_page" "$(printf '%s' "$o" | sed 's/-/\\\\-/g')" \
	    "aupctl option $o is in aupctl(8)"
done

awk '{ sub(/ - /, " " NR " - "); print } /^not ok/ { bad++ }
	END { printf "1..%d\n", NR; exit bad > 0 }' "$out"

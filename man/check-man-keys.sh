#!/bin/sh
# check-man-keys.sh - every key `aup-milter -d` prints is in aup-milter.conf(5)
#
# usage: man/check-man-keys.sh [AUP_MILTER [MANPAGE]]
# Prints TAP.  A key counts as documented when the page has a line
# ".B key" (a .TP entry) in the section of that name, or in a policy's
# ".SS "[name]"" subsection.
set -eu
top_srcdir=${top_srcdir:-$(dirname "$0")/..}
top_builddir=${top_builddir:-$top_srcdir}
prog=${1:-$top_builddir/aup-milter}
page=${2:-$top_srcdir/man/aup-milter.conf.5}

"$prog" -d | awk -v page="$page" '
	# Read the manual: which keys each section documents.
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
			} else if (sec != "" && line ~ /^\.B [a-z_]+$/) {
				k = line
				sub(/^\.B /, "", k)
				doc[sec, k] = 1
			}
		}
		n = 0
	}
	/^\[/ { sec = $0; gsub(/[\[\]]/, "", sec); policy = sec !~ /^(milter|school|directory|notify)$/; next }
	/^;?[a-z_]+ = / {
		k = $0
		sub(/^;/, "", k)
		sub(/ = .*/, "", k)
		n++
		ok = doc[sec, k] || (policy && doc["*policy*", k])
		printf "%s %d - [%s] %s\n", ok ? "ok" : "not ok", n, sec, k
		if (!ok) bad++
	}
	END { printf "1..%d\n", n; exit bad > 0 }
'

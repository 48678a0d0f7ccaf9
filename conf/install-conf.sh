#!/bin/sh
# install-conf.sh - install the sample school without touching the school's own files
#
# usage: install-conf.sh DESTDIR_CONFDIR SRCDIR [--private FILE...] [--public FILE...]
#
# Called by "make install" (conf/conf.am).  Each FILE is a path relative
# to SRCDIR (conf/aup-milter.conf, conf/templates/bulk-bcc.txt, ...) and
# goes to DESTDIR_CONFDIR, keeping the part after "conf/".
#
#   - A file that is not there yet is installed.
#   - A file that is there already is the school's (edited configuration,
#     MIS exports, reworded replies) and is never overwritten: the new
#     sample goes beside it as FILE.sample, to compare at leisure.
#   - --public files are 0644.  --private files (parents, pupils,
#     exemptions: personal data) are 0640 and, when run as root and the
#     group aup-milter exists, root:aup-milter, so the filter's user can
#     read them and other local users cannot.  Without the group they
#     stay 0640 root:root and a note says how to fix it, because then the
#     filter (running as aup-milter) cannot read them.
#
# SPDX-License-Identifier: MIT
set -eu

[ $# -ge 2 ] || { echo "usage: $0 CONFDIR SRCDIR [--private|--public FILE...]" >&2; exit 2; }
confdir=$1 srcdir=$2
shift 2
GROUP=aup-milter
mode=0644
private=no
nogroup=""

say() {
	printf 'install-conf: %s\n' "$*"
}

# group_of_private - the group private files get, or "" to leave it
group_of_private() {
	[ "$(id -u)" -eq 0 ] || return 0
	if getent group "$GROUP" >/dev/null 2>&1; then
		echo "$GROUP"
	fi
}
pgroup=$(group_of_private)

# install_one SRC DEST - install, or install beside as .sample
install_one() {
	src=$1 dest=$2
	mkdir -p "$(dirname "$dest")"
	if [ -e "$dest" ]; then
		target=$dest.sample
		say "keeping $dest (yours); the new sample is $target"
	else
		target=$dest
	fi
	cp "$src" "$target.tmp$$"
	chmod "$mode" "$target.tmp$$"
	if [ "$private" = yes ] && [ -n "$pgroup" ]; then
		chgrp "$pgroup" "$target.tmp$$"
	elif [ "$private" = yes ] && [ "$(id -u)" -eq 0 ]; then
		nogroup="$nogroup $target"
	fi
	mv -f "$target.tmp$$" "$target"
}

for arg in "$@"; do
	case "$arg" in
	--private) mode=0640; private=yes; continue ;;
	--public) mode=0644; private=no; continue ;;
	esac
	install_one "$srcdir/$arg" "$confdir/${arg#conf/}"
done

if [ -n "$nogroup" ]; then
	say "the group $GROUP does not exist, so these files are 0640"
	say "root:root and the filter's user cannot read them:$nogroup"
	say "create the user and group (sh contrib/install-deps.sh --with-user),"
	say "then: chgrp $GROUP$nogroup"
fi

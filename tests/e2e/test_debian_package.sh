#!/bin/bash
# test_debian_package - the .deb builds from the tree with the documented
# command, installs with dpkg -i, creates the user, folders and units,
# keeps an edited configuration over a second dpkg -i, ships no build or
# test tool; then it is purged and the host left as it was found.
#
# usage: tests/e2e/test_debian_package.sh     (as root; prints TAP)
# Run by contrib/run-tests.sh (DEB=0 skips it), not by make check: it
# builds the whole package (a few minutes) and installs it on this host.
# Skipped when aup-milter is already installed here (a real gateway).
#
# SPDX-License-Identifier: MIT
set -u
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/lib/tap.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root (dpkg -i)"
command -v dpkg-buildpackage >/dev/null && command -v dh >/dev/null ||
    skip_all "no dpkg-buildpackage/debhelper (sh contrib/install-deps.sh --build)"
status=$(dpkg-query -W -f='${db:Status-Status}' aup-milter 2>/dev/null || true)
[ "$status" = not-installed ] || [ -z "$status" ] ||
    skip_all "aup-milter is installed on this host ($status): not touching it"

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-deb-test.XXXXXX")
had_user=no; getent passwd aup-milter >/dev/null && had_user=yes
had_group=no; getent group aup-milter >/dev/null && had_group=yes
had_spool=no; [ -e /var/spool/postfix/aup-milter ] && had_spool=yes

# cleanup - purge the package and undo what it did to this host
cleanup() {
	dpkg -P aup-milter >/dev/null 2>&1
	if [ "$had_user" = no ] && getent passwd aup-milter >/dev/null; then
		userdel aup-milter 2>/dev/null
	fi
	if [ "$had_group" = no ] && getent group aup-milter >/dev/null; then
		groupdel aup-milter 2>/dev/null
	fi
	[ "$had_spool" = yes ] || rmdir /var/spool/postfix/aup-milter 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT

# 1. the documented command, from the tree
deb=$(sh "$top_srcdir/contrib/debian/build-deb.sh" "$T/out" 2>"$T/build.err" | tail -n 1)
ok "$([ -f "$deb" ]; echo $?)" "contrib/debian/build-deb.sh builds a .deb ($(basename "${deb:-none}"))"
[ -f "$deb" ] || { sed 's/^/# /' "$T/build.err"; done_testing; }

# 2. what it needs and what it ships
depends=$(dpkg-deb -f "$deb" Depends)
unlike "$depends" '(-dev|gcc|clang|valgrind|cmocka|miltertest|swaks|qpdf|mingw|build-essential)' \
    "Depends names only runtime libraries"
listing=$(dpkg-deb -c "$deb" | awk '{print $6}')
unlike "$listing" '(test|fuzz|valgrind|cmocka|miltertest|swaks|\.o$|\.a$|\.h$)' \
    "the package ships no build or test tool"

# 3. install
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$T/install.log" 2>&1; rc=$?
is "$rc" 0 "dpkg -i installs it" || sed 's/^/# /' "$T/install.log"
ok "$(getent passwd aup-milter >/dev/null; echo $?)" "the system user aup-milter exists"
is "$(getent passwd aup-milter | cut -d: -f6)" /var/lib/aup-milter "its home is /var/lib/aup-milter"
for d in /run/aup-milter /var/lib/aup-milter /var/lib/aup-milter/quarantine /var/log/aup-milter; do
	is "$(stat -c '%U:%G %a' "$d" 2>&1)" 'aup-milter:aup-milter 750' "$d exists, aup-milter's, 0750"
done
if [ -d /var/spool/postfix ]; then
	is "$(stat -c '%U:%G' /var/spool/postfix/aup-milter 2>&1)" aup-milter:aup-milter \
	    "the socket folder inside Postfix's chroot exists"
	like "$(id -nG postfix)" '(^| )aup-milter( |$)' "postfix is in the aup-milter group (the socket)"
fi
for u in aup-milter.service aup-milter-expire.timer aup-milter-expire.service \
    aup-milter-digest.timer aup-milter-digest.service; do
	ok "$([ -f "/lib/systemd/system/$u" ]; echo $?)" "unit $u is installed"
done
ok "$([ -f /usr/lib/sysusers.d/aup-milter.conf ]; echo $?)" "the user is declared in sysusers.d"
ok "$([ -f /usr/lib/tmpfiles.d/aup-milter.conf ]; echo $?)" "the folders are declared in tmpfiles.d"
conffiles=$(dpkg-query --control-show aup-milter conffiles 2>/dev/null ||
    cat /var/lib/dpkg/info/aup-milter.conffiles)
like "$conffiles" '/etc/aup-milter/aup-milter.conf' "the configuration is a conffile"
like "$conffiles" '/etc/aup-milter/pupils.csv' "the data files are conffiles"
like "$conffiles" '/etc/aup-milter/templates/parent-contact.txt' "the templates are conffiles"
is "$(stat -c '%U:%G %a' /etc/aup-milter/pupils.csv)" 'root:aup-milter 640' "the roster is 0640 root:aup-milter"
is "$(stat -c '%U:%G %a' /var/lib/aup-milter/release.key)" 'root:aup-milter 640' \
    "the release key is 0640 root:aup-milter"
out=$(runuser -u aup-milter -- /usr/sbin/aup-milter -t -c /etc/aup-milter/aup-milter.conf 2>&1); rc=$?
is "$rc" 0 "the filter's user can check the installed configuration" || diag "$out"
unlike "$out" 'every user of this server' "no installed data file is world-readable"
like "$(/usr/sbin/aup-milter -n -c /etc/aup-milter/aup-milter.conf)" 'mode = monitor' \
    "the installed configuration starts in monitor mode"

# 4. the school edits its configuration; the same package again
sed -i 's/^mode = .*/mode = enforce/' /etc/aup-milter/aup-milter.conf
echo 'Ann,ann.mum@school-parent.example' >> /etc/aup-milter/parents.csv
sum=$(cat /etc/aup-milter/aup-milter.conf /etc/aup-milter/parents.csv | sha256sum)
DEBIAN_FRONTEND=noninteractive dpkg -i "$deb" >"$T/install2.log" 2>&1; rc=$?
is "$rc" 0 "dpkg -i of the same package over an edited configuration succeeds" ||
    sed 's/^/# /' "$T/install2.log"
is "$(cat /etc/aup-milter/aup-milter.conf /etc/aup-milter/parents.csv | sha256sum)" "$sum" \
    "the edited configuration and parents file are kept"
is "$(stat -c '%U:%G %a' /etc/aup-milter/pupils.csv)" 'root:aup-milter 640' "the roster stays 0640 root:aup-milter"

# 5. nothing of the build or the tests on the installed system
installed=$(dpkg -L aup-milter)
unlike "$installed" '(test|fuzz|valgrind|cmocka|miltertest|swaks|/include/)' "dpkg -L lists no build or test tool"

# 6. purge
dpkg -P aup-milter >/dev/null 2>&1; rc=$?
is "$rc" 0 "dpkg -P removes it"
ok "$([ ! -e /etc/aup-milter ] && [ ! -e /var/lib/aup-milter ]; echo $?)" \
    "purge leaves no /etc/aup-milter or /var/lib/aup-milter"
done_testing

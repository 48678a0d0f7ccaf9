#!/bin/sh
# install-deps.sh - install what aup-milter needs (Debian 12)
#
# usage: sh contrib/install-deps.sh [--runtime] [--build] [--test]
#                                   [--with-user] [--dry-run]
#
# Run as root.  Safe to run again: packages that are already installed
# are not touched, and apt is not run at all when nothing is missing.
#
#   --runtime     the libraries the filter runs with (a mail gateway
#                 needs only these; the .deb depends on the same)
#   --build       compilers, headers and the Debian packaging tools
#                 (to build from source and to build the .deb)
#   --test        what the test suite uses: cmocka, miltertest, Postfix,
#                 swaks, fixture tools, valgrind, clang for the fuzzers,
#                 and the Sendmail packages (downloaded only)
#   (none)        all three groups, as CI needs
#   --with-user   also create the system user and group "aup-milter"
#                 (home /var/lib/aup-milter, no login shell, no home made)
#   --dry-run     say what would be done, change nothing
#
# Postfix (test group) is installed with "No configuration": its main.cf is not written
# and it is not set up to receive mail.  On a host whose MTA is Sendmail
# (or Exim), Postfix is left out, because installing it would remove that
# MTA: the end-to-end tests through Postfix are then skipped.  apt is run
# with --no-remove, so it never removes a package.  Nothing else on the
# system is configured.
#
# The Sendmail end-to-end test runs a real Sendmail from a private folder
# (it conflicts with Postfix, so it is not installed): the sendmail-bin
# and sendmail-cf packages are only downloaded, into $SENDMAIL_DEBS.
#
# SPDX-License-Identifier: MIT
set -eu

RUNTIME_PACKAGES="
libmilter1.0.1 libspf2-2 libpcre2-8-0 libmagic1 libgmime-3.0-0
libarchive13 libinih1 libsqlite3-0 libpq5 libcsv3 libjson-c5 zlib1g libdeflate0 libnettle8
libcurl4 libsodium23 libmicrohttpd12
"
BUILD_PACKAGES="
build-essential autoconf automake pkg-config
libmilter-dev libspf2-dev libpcre2-dev libmagic-dev libgmime-3.0-dev
libarchive-dev libinih-dev libsqlite3-dev libpq-dev libcsv-dev
libjson-c-dev zlib1g-dev libdeflate-dev nettle-dev libcurl4-openssl-dev
libmicrohttpd-dev libsodium-dev
debhelper dpkg-dev fakeroot
"
TEST_PACKAGES="
libcmocka-dev miltertest postgresql postfix swaks libnet-ssleay-perl file python3
sasl2-bin liblockfile1 libwrap0 m4
zip unzip p7zip-full qpdf openssl gnupg python3-cryptography
python3-msoffcrypto-tool genisoimage
clang libclang-rt-14-dev sqlite3 gcc-mingw-w64-x86-64 valgrind
chromium chromium-driver python3-selenium
"
PACKAGES=""
WITH_TEST=yes

LISTS_DIR=/var/lib/apt/lists
SENDMAIL_DEBS=${AUP_SENDMAIL_DEBS:-/var/cache/aup-milter/sendmail-debs}
MAX_LIST_AGE_MIN=1440		# apt-get update when the lists are older
WITH_USER=no
DRY_RUN=no

say() {
	printf 'install-deps: %s\n' "$*"
}

die() {
	printf 'install-deps: %s\n' "$*" >&2
	exit 1
}

# run - print a command, then run it (or only print it with --dry-run)
run() {
	say "+ $*"
	if [ "$DRY_RUN" = no ]; then
		"$@"
	fi
}

usage() {
	echo "usage: $0 [--runtime] [--build] [--test] [--with-user] [--dry-run]" >&2
	exit 2
}

# missing_packages - the names in $PACKAGES that are not installed
missing_packages() {
	for p in $PACKAGES; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" \
		    2>/dev/null || true)
		if [ "$status" != installed ]; then
			echo "$p"
		fi
	done
}

# lists_are_fresh - true when apt's package lists exist and are < 1 day old
lists_are_fresh() {
	[ -n "$(find "$LISTS_DIR" -maxdepth 1 -name '*_Packages*' \
	    -mmin -"$MAX_LIST_AGE_MIN" -print -quit 2>/dev/null)" ]
}

# preseed_postfix - answer Postfix's install question: "No configuration"
preseed_postfix() {
	say "pre-seeding debconf: postfix/main_mailer_type = No configuration"
	if [ "$DRY_RUN" = no ]; then
		echo "postfix postfix/main_mailer_type select No configuration" |
		    debconf-set-selections
	fi
}

# other_mta - the installed MTA package that Postfix would replace, if any
other_mta() {
	for p in sendmail-bin exim4-daemon-light exim4-daemon-heavy opensmtpd; do
		status=$(dpkg-query -W -f='${db:Status-Status}' "$p" \
		    2>/dev/null || true)
		if [ "$status" = installed ]; then
			echo "$p"
			return 0
		fi
	done
}

# keep_other_mta - leave Postfix out when another MTA serves this host
keep_other_mta() {
	mta=$(other_mta)
	[ -n "$mta" ] || return 0
	say "$mta is installed: Postfix is left out (installing it would" \
	    "remove $mta); the tests through Postfix will be skipped"
	PACKAGES=$(echo "$PACKAGES" | tr ' ' '\n' | grep -v -x postfix |
	    tr '\n' ' ')
}

# lists_update - apt-get update unless the lists are less than a day old
lists_update() {
	if lists_are_fresh; then
		say "package lists are less than a day old; no apt-get update"
	else
		run apt-get update
	fi
}

# download_sendmail - the Sendmail packages for the Sendmail test, unpacked
# there from $SENDMAIL_DEBS (never installed)
download_sendmail() {
	if ls "$SENDMAIL_DEBS"/sendmail-bin_*.deb \
	    "$SENDMAIL_DEBS"/sendmail-cf_*.deb >/dev/null 2>&1; then
		say "Sendmail packages already in $SENDMAIL_DEBS"
		return 0
	fi
	run mkdir -p "$SENDMAIL_DEBS"
	lists_update
	# apt's download sandbox user must be able to write there.
	if [ "$DRY_RUN" = no ] && getent passwd _apt >/dev/null; then
		chown _apt "$SENDMAIL_DEBS"
	fi
	say "+ (cd $SENDMAIL_DEBS && apt-get download sendmail-bin sendmail-cf)"
	if [ "$DRY_RUN" = no ]; then
		(cd "$SENDMAIL_DEBS" && apt-get download sendmail-bin sendmail-cf) ||
		    die "could not download the Sendmail packages"
	fi
}

install_packages() {
	keep_other_mta
	missing=$(missing_packages | tr '\n' ' ')
	if [ -z "$missing" ]; then
		say "all $(echo "$PACKAGES" | wc -w) packages are already" \
		    "installed; apt not run"
		return 0
	fi
	say "missing packages: $missing"
	case " $missing " in
	*" postfix "*) preseed_postfix ;;
	esac
	lists_update
	# $missing is a list of words on purpose.
	# shellcheck disable=SC2086
	run apt-get install -y --no-remove $missing
	if [ "$DRY_RUN" = no ]; then
		still=$(missing_packages | tr '\n' ' ')
		[ -z "$still" ] || die "still not installed: $still"
		say "installed: $missing"
	fi
}

# create_user - system user and group aup-milter (only with --with-user)
create_user() {
	if getent passwd aup-milter >/dev/null; then
		say "user aup-milter already exists; not changed"
		return 0
	fi
	if getent group aup-milter >/dev/null; then
		# The group exists already (made by hand): join it.
		run adduser --system --ingroup aup-milter --no-create-home \
		    --home /var/lib/aup-milter aup-milter
	else
		run adduser --system --group --no-create-home \
		    --home /var/lib/aup-milter aup-milter
	fi
	if [ "$DRY_RUN" = no ]; then
		say "created user aup-milter ($(id aup-milter))"
	fi
	say "to let Postfix use a unix socket: adduser postfix aup-milter"
}

GROUPS_ASKED=""
for arg in "$@"; do
	case "$arg" in
	--runtime) GROUPS_ASKED="$GROUPS_ASKED $RUNTIME_PACKAGES" ;;
	--build) GROUPS_ASKED="$GROUPS_ASKED $BUILD_PACKAGES" ;;
	--test) GROUPS_ASKED="$GROUPS_ASKED $TEST_PACKAGES"; TEST_ASKED=yes ;;
	--with-user) WITH_USER=yes ;;
	--dry-run) DRY_RUN=yes ;;
	-h|--help) usage ;;
	*) usage ;;
	esac
done
if [ -n "$GROUPS_ASKED" ]; then
	PACKAGES=$GROUPS_ASKED
	WITH_TEST=${TEST_ASKED:-no}
else
	PACKAGES="$RUNTIME_PACKAGES $BUILD_PACKAGES $TEST_PACKAGES"
fi

[ "$(id -u)" -eq 0 ] || [ "$DRY_RUN" = yes ] || die "run me as root"
command -v dpkg-query >/dev/null || die "this script is for Debian"

export DEBIAN_FRONTEND=noninteractive
install_packages
if [ "$WITH_TEST" = yes ]; then
	download_sendmail
fi
if [ "$WITH_USER" = yes ]; then
	create_user
fi
say "done"

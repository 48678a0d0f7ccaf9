# tests/lib/sendmail.sh - a real Sendmail 8 from a private root, for
# end-to-end tests (bash; source after tap.sh and postfix.sh, whose sink,
# send and stop helpers it reuses).
#
# Postfix stays the host's MTA: Debian's sendmail-bin conflicts with it,
# so its .deb files (downloaded by contrib/install-deps.sh into
# $SM_DEBS) are unpacked with dpkg-deb -x under the test's folder and
# Sendmail runs from there with its own sendmail.cf (-C), queue, SASL
# database and port on 127.0.0.1, in the foreground (-bD).  It runs in
# its own mount and UTS namespaces (unshare, root only): there its host
# name is mx.school.test, /etc/hosts names it (otherwise Sendmail sleeps
# a minute for every start on a host whose name does not resolve) and
# the test's SASL folder is mounted on /usr/lib/sasl2, where Cyrus SASL
# looks for Sendmail.conf (Sendmail clears SASL_CONF_PATH from its
# environment).  Nothing of this is visible outside the namespace.
#
# Layout under $PF_ROOT (the directory given to sm_start):
#   sendmail/root/      the unpacked packages
#   sendmail/etc/       test.mc, sendmail.cf, hosts, local-host-names
#   sendmail/sasl/      Sendmail.conf and sasldb2 (one login)
#   sendmail/mqueue/    the queue ($PF_QUEUE: pf_stop ends what runs there)
#   sink/, send/        as for postfix.sh
#
# Functions: sm_check_prereqs (sets PF_WHY), sm_start DIR SOCKET LOGIN
# PASSWORD (SOCKET in libmilter's form, local:/path; sets PF_PORT for
# pf_send, SM_PID), sm_mc (print the milter lines of test.mc).  Send with
# pf_send ... -- --auth PLAIN --auth-user LOGIN --auth-password PASSWORD.

SM_DEBS=${AUP_SENDMAIL_DEBS:-/var/cache/aup-milter/sendmail-debs}

# sm_check_prereqs - return 0 when everything sm_start needs is here; else set PF_WHY and return 1
sm_check_prereqs()
{
	local prog
	pf_check_prereqs || return 1
	for prog in dpkg-deb m4 unshare mount saslpasswd2 hostname; do
		if ! command -v "$prog" >/dev/null 2>&1; then
			PF_WHY="$prog not found (contrib/install-deps.sh installs what is needed)"
			return 1
		fi
	done
	if ! ls "$SM_DEBS"/sendmail-bin_*.deb "$SM_DEBS"/sendmail-cf_*.deb \
	    >/dev/null 2>&1; then
		PF_WHY="no sendmail-bin and sendmail-cf .deb in $SM_DEBS (contrib/install-deps.sh downloads them)"
		return 1
	fi
	if [ ! -d /usr/lib/sasl2 ]; then
		PF_WHY='/usr/lib/sasl2 missing (Debian package libsasl2-2)'
		return 1
	fi
	if ! unshare --uts --mount true 2>/dev/null; then
		PF_WHY='unshare --uts --mount is not allowed here'
		return 1
	fi
	return 0
}

# _sm_unpack - unpack the Sendmail packages into $SM_ROOT
_sm_unpack()
{
	local deb
	mkdir -p "$SM_ROOT" || return 1
	for deb in "$SM_DEBS"/*.deb; do
		dpkg-deb -x "$deb" "$SM_ROOT" || return 1
	done
	SM_BIN=$SM_ROOT/usr/libexec/sendmail/sendmail
	# Our own copy: without set-group-id the loader honours
	# LD_LIBRARY_PATH (libraries unpacked from the cache, if any).
	chmod 0755 "$SM_BIN" && [ -x "$SM_BIN" ]
}

# _sm_sasl - Sendmail.conf and a sasldb with one login: _sm_sasl LOGIN PASSWORD
_sm_sasl()
{
	local user=${1%@*} realm=${1#*@}
	mkdir -p "$SM_DIR/sasl" || return 1
	cat >"$SM_DIR/sasl/Sendmail.conf" <<EOT
pwcheck_method: auxprop
auxprop_plugin: sasldb
mech_list: PLAIN LOGIN
sasldb_path: $SM_DIR/sasl/sasldb2
EOT
	printf '%s' "$2" | saslpasswd2 -p -c -f "$SM_DIR/sasl/sasldb2" \
	    -u "$realm" "$user" || return 1
	chmod 0600 "$SM_DIR/sasl/sasldb2"
}

# sm_mc - print the lines of test.mc that an administrator copies (the milter)
sm_mc()
{
	cat <<EOT
INPUT_MAIL_FILTER(\`aup-milter', \`S=$SM_SOCKET, F=T, T=C:30s;S:30s;R:2m;E:10m')dnl
define(\`confMILTER_MACROS_CONNECT', \`j, _, {daemon_name}, {if_name}, {if_addr}, {client_addr}')dnl
define(\`confMILTER_MACROS_ENVFROM', \`i, {auth_type}, {auth_authen}, {auth_ssf}, {auth_author}, {mail_mailer}, {mail_host}, {mail_addr}')dnl
define(\`confMILTER_MACROS_EOM', \`{msg_id}, i')dnl
EOT
}

# _sm_config - write test.mc and build sendmail.cf with m4
_sm_config()
{
	local etc=$SM_DIR/etc cf=$SM_ROOT/usr/share/sendmail/cf
	mkdir -p "$etc" "$PF_QUEUE" && chmod 0700 "$PF_QUEUE" || return 1
	printf '127.0.0.1 mx.school.test mx localhost\n::1 mx.school.test mx localhost\n' \
	    >"$etc/hosts"
	: >"$etc/local-host-names"
	printf 'hosts files\n' >"$etc/service.switch"
	{
		cat <<EOT
divert(-1)
Private test instance written by tests/lib/sendmail.sh; not for production.
divert(0)dnl
include(\`$cf/m4/cf.m4')dnl
VERSIONID(\`aup-milter tests')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`mx.school.test')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confSERVICE_SWITCH_FILE', \`$etc/service.switch')dnl
define(\`confHOSTS_FILE', \`$etc/hosts')dnl
define(\`QUEUE_DIR', \`$PF_QUEUE')dnl
define(\`confPID_FILE', \`$SM_DIR/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM_DIR/statistics')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`confCW_FILE', \`-o $etc/local-host-names')dnl
define(\`confHELP_FILE', \`')dnl
define(\`confTO_IDENT', \`0s')dnl
dnl The test's folder is under /tmp, which everyone may write to (with the
dnl sticky bit): without this Sendmail calls the milter socket unsafe and
dnl exits.  /run/aup-milter (the package's socket) needs no such line.
define(\`confDONT_BLAME_SENDMAIL', \`TrustStickyBit')dnl
define(\`confTO_QUEUEWARN', \`')dnl
define(\`SMART_HOST', \`esmtp:[127.0.0.1]')dnl
define(\`ESMTP_MAILER_ARGS', \`TCP \$h $PF_SINK_PORT')dnl
define(\`confAUTH_MECHANISMS', \`PLAIN LOGIN')dnl
TRUST_AUTH_MECH(\`PLAIN LOGIN')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`promiscuous_relay')dnl
FEATURE(\`accept_unresolvable_domains')dnl
DAEMON_OPTIONS(\`Port=$PF_PORT, Addr=127.0.0.1, Name=MTA')dnl
EOT
		sm_mc
		printf 'MAILER(`smtp'"'"')dnl\n'
	} >"$etc/test.mc"
	m4 -D_CF_DIR_="$cf/" "$etc/test.mc" >"$etc/sendmail.cf" 2>"$etc/m4.err" ||
	    { _pf_diag "m4 failed:" "$(cat "$etc/m4.err")"; return 1; }
}

# shellcheck disable=SC2034 # PF_* and SM_* are read by postfix.sh and the test
# sm_start - unpack, configure and start Sendmail: sm_start DIR SOCKET LOGIN PASSWORD
sm_start()
{
	local dir=$1
	SM_SOCKET=$2
	sm_check_prereqs || { _pf_diag "sm_start: $PF_WHY"; return 1; }
	mkdir -p "$dir" && chmod 755 "$dir" || return 1
	PF_ROOT=$dir
	SM_DIR=$dir/sendmail
	SM_ROOT=$SM_DIR/root
	PF_QUEUE=$SM_DIR/mqueue
	PF_CONF=$SM_DIR/etc
	PF_LOG=$dir/sendmail.out
	PF_SINK_DIR=$dir/sink
	mkdir -p "$PF_SINK_DIR" "$dir/send" && chown nobody "$PF_SINK_DIR" ||
	    return 1
	: >>"$dir/pids"
	if [ -z "${PF_NO_TRAP:-}" ]; then
		trap '_pf_trap EXIT' EXIT
		trap '_pf_trap HUP' HUP
		trap '_pf_trap INT' INT
		trap '_pf_trap TERM' TERM
	fi
	_pf_start_sink || return 1
	PF_PORT=$(pf_free_port) || return 1
	_sm_unpack || { _pf_diag "sm_start: cannot unpack $SM_DEBS"; return 1; }
	_sm_sasl "$3" "$4" || { _pf_diag "sm_start: saslpasswd2 failed"; return 1; }
	_sm_config || return 1
	# shellcheck disable=SC2016 # expanded by the namespace's shell
	pf_spawn sendmail unshare --uts --mount sh -c '
		hostname mx.school.test &&
		mount --bind "$1/etc/hosts" /etc/hosts &&
		mount --bind "$1/sasl" /usr/lib/sasl2 || exit 1
		exec env LD_LIBRARY_PATH="$2/usr/lib/x86_64-linux-gnu" "$3" \
		    -C "$1/etc/sendmail.cf" -bD -d0.1' _ "$SM_DIR" "$SM_ROOT" "$SM_BIN" ||
	    return 1
	SM_PID=$PF_SPAWN_PID
	if ! _pf_wait 20 _pf_smtp_answers "$PF_PORT"; then
		_pf_diag "sm_start: Sendmail does not answer on $PF_PORT:" \
		    "$(tail -n 10 "$dir/sendmail.out")"
		return 1
	fi
	return 0
}

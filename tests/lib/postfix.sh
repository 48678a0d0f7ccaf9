# tests/lib/postfix.sh - a private Postfix on loopback for end-to-end tests.
#
# Source it from a bash test script (after tests/lib/tap.sh, whose diag it
# uses when present).  Everything lives under one temporary directory: the
# Postfix config, queue, data directory and log, the smtp-sink dumps, the
# SMTP transcripts and the output of the processes the test starts.  Nothing
# touches /etc/postfix, the system queue or port 25; all ports are free
# loopback ports picked at start, so two tests can run at the same time.
# Must run as root (Postfix's master needs it); see tests/lib/README.
#
# Layout under $PF_ROOT (the directory given to pf_start):
#   postfix/etc/{main.cf,master.cf,sasl/smtpd.conf}   config_directory
#   postfix/spool/                                    queue_directory
#   postfix/data/                                     data_directory
#   postfix/maillog                                   maillog_file ($PF_LOG)
#   sink/                      one smtp-sink dump file per delivered transaction
#   send/                      swaks transcripts, one per pf_send
#   NAME.out                   stdout+stderr of processes started by pf_spawn
#
# Facts this harness relies on (checked on Debian 12, Postfix 3.7.11):
# - XCLIENT LOGIN=user sets the milter macros {auth_authen}=user and
#   {auth_type}=XCLIENT even with smtpd_sasl_auth_enable = no.  SASL stays
#   off by default, so no SASL back end is needed; pass the extra line
#   "smtpd_sasl_auth_enable = yes" to pf_start to test with AUTH advertised
#   (needs libsasl2-modules: without a mechanism smtpd dies with "fatal: no
#   SASL authentication mechanisms").
# - smtp-sink creates its dump file at MAIL and closes it before it answers
#   the final "."; pf_sink_files therefore lists only files the sink no
#   longer has open (read from /proc/PID/fd).
# - swaks rewrites DATA (tokens such as %DATE%, a literal backslash-n becomes
#   a newline) unless run with --no-data-fixup; pf_send therefore converts
#   the .eml to CRLF, dot-stuffs it and adds the final dot itself.

PF_TIMEOUT=${PF_TIMEOUT:-30}		# default wait limit, seconds
PF_SWAKS_TIMEOUT=${PF_SWAKS_TIMEOUT:-40}	# swaks per-reply timeout, seconds
PF_STOP_GRACE=${PF_STOP_GRACE:-10}	# seconds between SIGTERM and SIGKILL
PF_KEEP=${PF_KEEP:-}			# non-empty: never delete $PF_ROOT
# artefacts_keep (tests/lib/artefacts.sh): what pf_stop keeps for the sweep
. "$(dirname "${BASH_SOURCE[0]}")/artefacts.sh"
PF_ROOT=''
PF_WHY=''
# Postfix's commands live in /usr/sbin, which a non-login PATH may lack.
case ":$PATH:" in
*:/usr/sbin:*)	;;
*)		PATH=$PATH:/usr/sbin:/sbin ;;
esac

# _pf_diag - print diagnostics through tap.sh's diag, or to stderr
_pf_diag()
{
	if command -v diag >/dev/null 2>&1; then
		diag "$@"
	else
		printf '# %s\n' "$@" >&2
	fi
}

# _pf_now - print the time in tenths of a second since the epoch
_pf_now()
{
	local t
	t=$(date +%s%N)
	printf '%s\n' "$((t / 100000000))"
}

# _pf_wait - run a command every 0.1 s until it succeeds or SECONDS pass: _pf_wait SECONDS CMD...
_pf_wait()
{
	local limit=$(( $(_pf_now) + ${1:-$PF_TIMEOUT} * 10 ))
	shift
	while ! "$@"; do
		[ "$(_pf_now)" -ge "$limit" ] && return 1
		sleep 0.1
	done
	return 0
}

# pf_check_prereqs - return 0 when root, postfix, smtp-sink, swaks and perl exist; else set PF_WHY and return 1
pf_check_prereqs()
{
	local prog
	PF_WHY=''
	if [ "$(id -u)" != 0 ]; then
		PF_WHY='the private Postfix instance needs root'
		return 1
	fi
	for prog in postfix postconf postqueue smtp-sink perl setpriv \
	    "${SWAKS:-swaks}"; do
		if ! command -v "$prog" >/dev/null 2>&1 &&
		    ! [ -x "/usr/sbin/$prog" ]; then
			PF_WHY="$prog not found (Debian packages: postfix swaks)"
			return 1
		fi
	done
	if ! id postfix >/dev/null 2>&1 ||
	    ! getent group postdrop >/dev/null 2>&1; then
		PF_WHY='user postfix or group postdrop missing (install postfix)'
		return 1
	fi
	return 0
}

# pf_mktemp - create a fresh directory usable by pf_start and print its path
pf_mktemp()
{
	local d
	d=$(mktemp -d "${TMPDIR:-/tmp}/aup-e2e.XXXXXXXX") || return 1
	chmod 755 "$d" || return 1
	printf '%s\n' "$d"
}

# pf_free_port - print a TCP port on 127.0.0.1 that nothing listens on now
pf_free_port()
{
	perl -MIO::Socket::INET -e '
		my $s = IO::Socket::INET->new(Listen => 1, LocalAddr => "127.0.0.1",
		    LocalPort => 0, Proto => "tcp", ReuseAddr => 0) or exit 1;
		print $s->sockport, "\n";'
}

# _pf_tcp_open - true when 127.0.0.1:PORT accepts a TCP connection
_pf_tcp_open()
{
	# shellcheck disable=SC2016 # $1 is expanded by the child bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# _pf_smtp_answers - true when smtpd on 127.0.0.1:PORT sends any SMTP greeting within 10 s
_pf_smtp_answers()
{
	# shellcheck disable=SC2016 # $1 is expanded by the child bash
	timeout 10 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		IFS= read -r line <&3 || exit 1
		printf "QUIT\r\n" >&3
		case $line in [2-5][0-9][0-9]*) exit 0 ;; esac
		exit 1' _ "$1" 2>/dev/null
}

# _pf_alive - true when process PID exists and is not a zombie
_pf_alive()
{
	local state
	[ -r "/proc/$1/stat" ] || return 1
	state=$(sed 's/^.*) \(.\).*/\1/' "/proc/$1/stat" 2>/dev/null) || return 1
	[ -n "$state" ] && [ "$state" != Z ]
}

# _pf_dead - true when no process in the argument list is alive
_pf_dead()
{
	local p
	for p in "$@"; do
		_pf_alive "$p" && return 1
	done
	return 0
}

# _pf_socket_ready - true when a milter socket (unix:/path, /path, inet:host:port or inet:port@host) accepts connections
_pf_socket_ready()
{
	local spec=$1 port
	case $spec in
	unix:*|local:*)	[ -S "${spec#*:}" ] ;;
	/*)		[ -S "$spec" ] ;;
	inet:*@*)	port=${spec#inet:}; port=${port%@*}; _pf_tcp_open "$port" ;;
	inet:*:*)	port=${spec##*:}; _pf_tcp_open "$port" ;;
	*)		return 1 ;;
	esac
}

# pf_wait_socket - wait until a milter socket accepts connections: pf_wait_socket SPEC [TIMEOUT]
pf_wait_socket()
{
	_pf_wait "${2:-$PF_TIMEOUT}" _pf_socket_ready "$1" && return 0
	_pf_diag "pf_wait_socket: $1 not ready after ${2:-$PF_TIMEOUT}s"
	return 1
}

# pf_spawn - start a background process that pf_stop will end: pf_spawn NAME CMD [ARGS...]
# Output goes to $PF_ROOT/NAME.out; the pid is left in PF_SPAWN_PID.
# Start the real program (or exec it): pf_stop signals this pid only.
pf_spawn()
{
	local name=$1
	shift
	if [ -z "$PF_ROOT" ]; then
		_pf_diag "pf_spawn: call pf_start first"
		return 1
	fi
	"$@" </dev/null >"$PF_ROOT/$name.out" 2>&1 &
	PF_SPAWN_PID=$!
	printf '%s %s\n' "$PF_SPAWN_PID" "$name" >>"$PF_ROOT/pids"
	return 0
}

# _pf_write_config - write main.cf, master.cf and sasl/smtpd.conf for this instance
_pf_write_config()
{
	local etc=$PF_CONF milter=$1
	mkdir -p "$etc/sasl" || return 1
	# Only used when a test turns smtpd_sasl_auth_enable on.
	cat >"$etc/sasl/smtpd.conf" <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $etc/sasl/sasldb2
mech_list: PLAIN LOGIN
EOF
	cat >"$etc/main.cf" <<EOF
# Private test instance written by tests/lib/postfix.sh; not for production.
compatibility_level = 3.6
config_directory = $etc
queue_directory = $PF_QUEUE
data_directory = $PF_ROOT/postfix/data
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.school.test
mydomain = school.test
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
local_recipient_maps =
# Loopback only and everything goes to the sink, so relay for any client
# address and any domain (inbound "outside" mail needs no relay_domains).
# One transport and a high recipient limit: one message = one sink file.
smtp_destination_recipient_limit = 1000
alias_maps =
alias_database =
biff = no
append_dot_mydomain = no
relayhost = [127.0.0.1]:$PF_SINK_PORT
smtp_dns_support_level = disabled
mynetworks = 127.0.0.0/8 192.0.2.0/24 198.51.100.0/24 203.0.113.0/24 10.0.0.0/8
smtpd_authorized_xclient_hosts = 127.0.0.0/8
# static:OK relays for every client; Postfix refuses to start smtpd unless
# reject_unauth_destination (or similar) is listed, although never reached.
smtpd_relay_restrictions = permit_mynetworks, permit_sasl_authenticated, check_client_access static:OK, reject_unauth_destination
smtpd_sasl_auth_enable = no
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $etc/sasl
smtpd_milters = $milter
non_smtpd_milters = $milter
milter_default_action = tempfail
milter_protocol = 6
milter_connect_timeout = 10s
milter_command_timeout = 15s
milter_content_timeout = 30s
milter_connect_macros = j {daemon_name} {daemon_addr} {daemon_port} v _ {client_addr} {client_name} {client_port}
milter_mail_macros = i {auth_type} {auth_authen} {auth_author} {mail_addr} {mail_host} {mail_mailer}
maillog_file = $PF_LOG
maillog_file_prefixes = $PF_ROOT
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
EOF
	_pf_write_master || return 1
	return 0
}

# _pf_write_master - write master.cf: smtpd on $PF_PORT, submission on $PF_SUBMISSION_PORT, probe on $PF_PROBE_PORT
_pf_write_master()
{
	# chroot column n everywhere: unix: milter paths are plain paths.
	cat >"$PF_CONF/master.cf" <<EOF
# service type  private unpriv  chroot  wakeup  maxproc command + args
127.0.0.1:$PF_PORT inet n - n - - smtpd
127.0.0.1:$PF_SUBMISSION_PORT inet n - n - - smtpd
  -o syslog_name=postfix/submission
  -o milter_macro_daemon_name=ORIGINATING
# Used only by pf_start/pf_reload to see that smtpd starts; no milter.
127.0.0.1:$PF_PROBE_PORT inet n - n - - smtpd
  -o syslog_name=postfix/probe
  -o smtpd_milters=
pickup    unix  n       -       n       1       1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
EOF
}

# _pf_start_sink - start smtp-sink on a free port, retrying a few ports
_pf_start_sink()
{
	local try
	for try in 1 2 3 4 5; do
		PF_SINK_PORT=$(pf_free_port) || return 1
		smtp-sink -u nobody -h sink.test -d "$PF_SINK_DIR/%Y%m%d%H%M%S." \
		    "127.0.0.1:$PF_SINK_PORT" 100 </dev/null \
		    >"$PF_ROOT/smtp-sink.out" 2>&1 &
		PF_SINK_PID=$!
		if _pf_wait 5 _pf_tcp_open "$PF_SINK_PORT" &&
		    _pf_alive "$PF_SINK_PID"; then
			return 0
		fi
		kill -KILL "$PF_SINK_PID" 2>/dev/null
		wait "$PF_SINK_PID" 2>/dev/null
	done
	_pf_diag "smtp-sink did not start:" "$(cat "$PF_ROOT/smtp-sink.out")"
	return 1
}

# _pf_pick_ports - choose free ports for smtpd, submission and the probe listener
_pf_pick_ports()
{
	PF_PORT=$(pf_free_port) && PF_SUBMISSION_PORT=$(pf_free_port) &&
	    PF_PROBE_PORT=$(pf_free_port) || return 1
	# The kernel may hand out the same free port twice in a row.
	[ "$PF_PORT" != "$PF_SUBMISSION_PORT" ] &&
	    [ "$PF_PORT" != "$PF_PROBE_PORT" ] &&
	    [ "$PF_SUBMISSION_PORT" != "$PF_PROBE_PORT" ] && return 0
	_pf_pick_ports
}

# _pf_master_pid - print the pid of this instance's master, if it runs
_pf_master_pid()
{
	local pid
	[ -r "$PF_QUEUE/pid/master.pid" ] || return 1
	pid=$(tr -d ' \n' <"$PF_QUEUE/pid/master.pid")
	[ -n "$pid" ] && _pf_alive "$pid" || return 1
	printf '%s\n' "$pid"
}

# _pf_trap - the EXIT/signal handler installed by pf_start
_pf_trap()
{
	local sig=$1
	pf_stop
	case $sig in
	EXIT)	;;
	HUP)	trap - EXIT; exit 129 ;;
	INT)	trap - EXIT; exit 130 ;;
	*)	trap - EXIT; exit 143 ;;
	esac
}

# pf_start - start smtp-sink and a private Postfix: pf_start DIR MILTER [main.cf lines...]
# DIR: empty or new directory (see pf_mktemp).  MILTER: Postfix syntax,
# unix:/path or inet:127.0.0.1:PORT ("" for no milter).  Extra arguments are
# main.cf settings "name = value", applied with postconf -e after the
# defaults.  Sets PF_ROOT PF_CONF PF_QUEUE PF_LOG PF_SINK_DIR PF_PORT
# PF_SUBMISSION_PORT PF_SINK_PORT PF_SINK_PID.  Installs an EXIT/INT/TERM/HUP
# trap that calls pf_stop (set PF_NO_TRAP=1 to manage that yourself).
pf_start()
{
	local dir=$1 milter=${2:-} line try out
	shift 2 || { _pf_diag "usage: pf_start DIR MILTER [main.cf lines...]"; return 1; }
	pf_check_prereqs || { _pf_diag "pf_start: $PF_WHY"; return 1; }
	case $dir in
	/*)	;;
	*)	_pf_diag "pf_start: DIR must be absolute: $dir"; return 1 ;;
	esac
	case "$dir$milter" in
	*[[:space:]]*) _pf_diag "pf_start: no white space in DIR or MILTER"; return 1 ;;
	esac
	if [ -e "$dir/postfix" ]; then
		_pf_diag "pf_start: $dir/postfix exists (one instance per DIR)"
		return 1
	fi
	mkdir -p "$dir" && chmod 755 "$dir" || return 1
	# Postfix daemons run as user postfix: they must reach the milter socket.
	if ! setpriv --reuid=postfix --regid=postfix --clear-groups \
	    test -x "$dir"; then
		_pf_diag "pf_start: user postfix cannot enter $dir; use pf_mktemp"
		return 1
	fi
	PF_ROOT=$dir
	PF_CONF=$dir/postfix/etc
	PF_QUEUE=$dir/postfix/spool
	PF_LOG=$dir/postfix/maillog
	PF_SINK_DIR=$dir/sink
	mkdir -p "$PF_CONF" "$PF_QUEUE" "$dir/postfix/data" "$PF_SINK_DIR" \
	    "$dir/send" || return 1
	: >>"$dir/pids"
	chown postfix "$dir/postfix/data" && chown nobody "$PF_SINK_DIR" ||
	    return 1
	if [ -z "${PF_NO_TRAP:-}" ]; then
		trap '_pf_trap EXIT' EXIT
		trap '_pf_trap HUP' HUP
		trap '_pf_trap INT' INT
		trap '_pf_trap TERM' TERM
	fi

	_pf_start_sink || return 1
	_pf_pick_ports || return 1
	_pf_write_config "$milter" || return 1
	for line in "$@"; do
		case $line in
		*=*)	;;
		*)	_pf_diag "pf_start: not a main.cf setting: $line"; return 1 ;;
		esac
		out=$(postconf -c "$PF_CONF" -e "$line" 2>&1) || {
			_pf_diag "pf_start: postconf -e failed for: $line" "$out"
			return 1
		}
	done

	# "postfix start" runs master -w, which returns only when the master
	# holds its listening sockets, or fails (e.g. a port was taken).
	# shellcheck disable=SC2034 # try only counts the attempts
	for try in 1 2 3; do
		if postfix -c "$PF_CONF" start >"$PF_ROOT/postfix/start.out" 2>&1
		then
			# A greeting proves smtpd starts with this config (a
			# bad setting makes smtpd die, and clients hang).
			_pf_wait 10 _pf_master_pid >/dev/null &&
			    _pf_smtp_answers "$PF_PROBE_PORT" && return 0
			break
		fi
		if ! grep -q 'bind.*Address already in use' "$PF_LOG" \
		    "$PF_ROOT/postfix/start.out" 2>/dev/null; then
			break
		fi
		postfix -c "$PF_CONF" stop >/dev/null 2>&1
		_pf_pick_ports && _pf_write_master || return 1
	done
	_pf_diag "pf_start: postfix did not start:" \
	    "$(cat "$PF_ROOT/postfix/start.out" 2>/dev/null)" \
	    "$(tail -n 20 "$PF_LOG" 2>/dev/null)"
	return 1
}

# pf_postfix - run the postfix command for this instance: pf_postfix ARGS...
pf_postfix()
{
	postfix -c "$PF_CONF" "$@"
}

# pf_postconf - run postconf for this instance: pf_postconf ARGS...
pf_postconf()
{
	postconf -c "$PF_CONF" "$@"
}

# pf_reload - apply main.cf settings and reload: pf_reload ["name = value"...]
pf_reload()
{
	local line
	for line in "$@"; do
		postconf -c "$PF_CONF" -e "$line" || return 1
	done
	postfix -c "$PF_CONF" reload >/dev/null 2>&1 || return 1
	_pf_smtp_answers "$PF_PROBE_PORT" && return 0
	_pf_diag "pf_reload: smtpd does not answer:" "$(tail -n 10 "$PF_LOG")"
	return 1
}

# _pf_kill_wait - SIGTERM the pids, wait up to PF_STOP_GRACE s, then SIGKILL
_pf_kill_wait()
{
	local p
	[ $# -gt 0 ] || return 0
	for p in "$@"; do
		kill -TERM "$p" 2>/dev/null
	done
	if ! _pf_wait "$PF_STOP_GRACE" _pf_dead "$@"; then
		for p in "$@"; do
			_pf_alive "$p" && _pf_diag "pf_stop: pid $p ignored SIGTERM; killing it"
			kill -KILL "$p" 2>/dev/null
		done
		_pf_wait 5 _pf_dead "$@"
	fi
	return 0
}

# _pf_queue_pids - print pids of processes whose cwd is this instance's queue (Postfix daemons)
_pf_queue_pids()
{
	local d cwd
	for d in /proc/[0-9]*; do
		cwd=$(readlink "$d/cwd" 2>/dev/null) || continue
		case $cwd in
		"$PF_QUEUE"|"$PF_QUEUE"/*) printf '%s\n' "${d#/proc/}" ;;
		esac
	done
}

# _pf_no_queue_pids - true when no Postfix daemon of this instance is left
_pf_no_queue_pids()
{
	[ -z "$(_pf_queue_pids)" ]
}

# pf_stop - stop Postfix, the sink and every pf_spawn process, then delete
# $PF_ROOT (kept when PF_KEEP is set or a TAP assertion failed).  Safe to call
# twice and from traps.
pf_stop()
{
	local pids='' pid name master failed=0
	[ -n "$PF_ROOT" ] || return 0
	# Signal everything first, so the waits overlap.
	if [ -r "$PF_ROOT/pids" ]; then
		while read -r pid name; do
			_pf_alive "$pid" && pids="$pids $pid"
		done <"$PF_ROOT/pids"
	fi
	[ -n "${PF_SINK_PID:-}" ] && _pf_alive "$PF_SINK_PID" &&
	    pids="$pids $PF_SINK_PID"
	if master=$(_pf_master_pid); then
		postfix -c "$PF_CONF" stop >/dev/null 2>&1 ||
		    kill -TERM "$master" 2>/dev/null
	fi
	# shellcheck disable=SC2086
	_pf_kill_wait $pids
	if [ -n "${master:-}" ] && ! _pf_wait 10 _pf_dead "$master"; then
		kill -KILL "$master" 2>/dev/null
	fi
	if ! _pf_wait 10 _pf_no_queue_pids; then
		# shellcheck disable=SC2046
		kill -KILL $(_pf_queue_pids) 2>/dev/null
		_pf_wait 5 _pf_no_queue_pids
	fi
	# Reap our own children (sink, spawned processes).
	for pid in $pids; do
		wait "$pid" 2>/dev/null
	done
	[ "${_tap_failed:-0}" -gt 0 ] && failed=1
	artefacts_keep "$PF_ROOT"	# for the suite's leak sweep
	if [ -n "$PF_KEEP" ] || [ "$failed" = 1 ]; then
		_pf_diag "pf_stop: kept $PF_ROOT (maillog: $PF_LOG)"
	else
		rm -rf "$PF_ROOT"
	fi
	PF_ROOT=''
	PF_SINK_PID=''
	return 0
}

# pf_tls_certs - make a test CA and certificates with openssl: pf_tls_certs DIR CLIENT_CN
# In DIR: ca.crt (the CA Postfix trusts), server.{crt,key} (mx.school.test),
# client.{crt,key} (CLIENT_CN, signed by the CA) and lookalike.{crt,key}
# (CLIENT_CN again, self-signed: a certificate anyone can make).  Sets the
# array PF_TLS_MAIN to the main.cf lines that make smtpd offer STARTTLS,
# ask every client for a certificate (smtpd_tls_ask_ccert) and verify it
# against ca.crt; pass "${PF_TLS_MAIN[@]}" to pf_start.  Send with a
# certificate through pf_send -- --tls --tls-cert DIR/client.crt
# --tls-key DIR/client.key.
pf_tls_certs()
{
	local dir=$1 cn=$2 name
	local -a ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
	mkdir -p "$dir" || return 1
	(
		cd "$dir" || exit 1
		openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 2 \
		    -subj "/O=aup-milter tests/CN=Test Connector CA" || exit 1
		for name in server client; do
			if [ "$name" = server ]; then
				set -- mx.school.test serverAuth
			else
				set -- "$cn" clientAuth
			fi
			openssl req "${ec[@]}" -keyout "$name.key" -out "$name.csr" \
			    -subj "/CN=$1" || exit 1
			printf 'extendedKeyUsage = %s\n' "$2" >"$name.ext"
			openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key \
			    -CAcreateserial -days 2 -extfile "$name.ext" \
			    -out "$name.crt" || exit 1
		done
		openssl req -x509 "${ec[@]}" -keyout lookalike.key \
		    -out lookalike.crt -days 2 -subj "/CN=$cn" || exit 1
		chmod 600 ./*.key
	) >"$dir/openssl.out" 2>&1 || {
		_pf_diag "pf_tls_certs: openssl failed:" "$(tail -n 5 "$dir/openssl.out")"
		return 1
	}
	PF_TLS_MAIN=(
	    "smtpd_tls_cert_file = $dir/server.crt"
	    "smtpd_tls_key_file = $dir/server.key"
	    "smtpd_tls_security_level = may"
	    "smtpd_tls_ask_ccert = yes"
	    "smtpd_tls_CAfile = $dir/ca.crt"
	    "smtpd_tls_loglevel = 1"
	    "smtpd_tls_received_header = yes")
	return 0
}

# _pf_data_file - write FILE as SMTP DATA (CRLF, dot-stuffed, final dot without CRLF) to OUT
_pf_data_file()
{
	perl -ne 's/\r?\n\z//; s/^\./../; print "$_\r\n"; END { print "." }' \
	    "$1" >"$2"
}

# _pf_final_reply - print the last server reply before QUIT in a swaks transcript
# (swaks marks lines read inside TLS "<~ " and errors there "<~* ")
_pf_final_reply()
{
	awk '
	/^ [-~]> QUIT/ { exit }
	/^<([-~]  |\*\* |~\* )[0-9][0-9][0-9]/ {
		line = substr($0, 5)
		if (done) { block = ""; done = 0 }
		block = block line "\n"
		if (substr(line, 4, 1) != "-") done = 1
	}
	END { printf "%s", block }' "$1"
}

# shellcheck disable=SC2034 # PF_* results are read by the calling test
# pf_send - send an .eml with swaks to the private Postfix and record the reply.
#   pf_send -f FROM -t RCPT [-t RCPT...] -d FILE.eml [-a ADDR] [-l LOGIN]
#           [-n NAME] [-h HELO] [-s] [-- extra swaks options]
# -a/-l/-n are sent as XCLIENT ADDR=/LOGIN=/NAME= (NAME defaults to
# [UNAVAILABLE] when -a is given, so Postfix shows the client as "unknown");
# -h is the EHLO name (default client.test); -s uses the submission port
# ({daemon_name}=ORIGINATING); -f "" sends MAIL FROM:<>.  -t may hold a
# comma-separated list.  Sets PF_CODE (final reply code, e.g. 250/550/451),
# PF_REPLY (the final reply, all lines as the client saw them, e.g.
# "550-5.7.1 ...\n550 5.7.1 ..."), PF_QUEUE_ID (from "queued as"),
# PF_TRANSCRIPT (file with the whole swaks transcript) and PF_SWAKS_RC.
# Returns 0 for a 2xx final reply, 1 for 4xx/5xx, 2 when there was no reply.
pf_send()
{
	local from='' to='' data='' addr='' login='' name='' helo=client.test
	local port=${PF_PORT:-} opt OPTIND=1 swaks=${SWAKS:-}
	local -a args
	PF_CODE='' PF_REPLY='' PF_QUEUE_ID='' PF_TRANSCRIPT='' PF_SWAKS_RC=''
	while getopts 'f:t:d:a:l:n:h:s' opt; do
		case $opt in
		f)	from=$OPTARG ;;
		t)	to=${to:+$to,}$OPTARG ;;
		d)	data=$OPTARG ;;
		a)	addr=$OPTARG ;;
		l)	login=$OPTARG ;;
		n)	name=$OPTARG ;;
		h)	helo=$OPTARG ;;
		s)	port=${PF_SUBMISSION_PORT:-} ;;
		*)	_pf_diag "pf_send: unknown option"; return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ "${1:-}" = -- ] && shift
	if [ -z "$PF_ROOT" ] || [ -z "$port" ]; then
		_pf_diag "pf_send: call pf_start first"
		return 2
	fi
	if [ -z "$to" ] || [ -z "$data" ] || [ ! -r "$data" ]; then
		_pf_diag "pf_send: need -t RCPT and a readable -d FILE (got '$data')"
		return 2
	fi
	[ -n "$swaks" ] || swaks=$(command -v swaks)
	PF_TRANSCRIPT=$(mktemp "$PF_ROOT/send/swaks.XXXXXX") || return 2
	_pf_data_file "$data" "$PF_TRANSCRIPT.data" || return 2
	# Empty values would make swaks prompt on stdin: only pass set ones.
	args=(--config --server 127.0.0.1 --port "$port"
	    --from "${from:-<>}" --to "$to" --helo "$helo"
	    --data "@$PF_TRANSCRIPT.data" --no-data-fixup --suppress-data
	    --timeout "$PF_SWAKS_TIMEOUT")
	[ -n "$addr" ] && args+=(--xclient-addr "$addr")
	[ -n "$addr" ] && [ -z "$name" ] && name='[UNAVAILABLE]'
	[ -n "$name" ] && args+=(--xclient-name "$name")
	[ -n "$login" ] && args+=(--xclient-login "$login")
	(
		# No SWAKS_OPT_* from the caller's environment.
		for opt in $(compgen -e); do
			case $opt in SWAKS_OPT_*) unset "$opt" ;; esac
		done
		exec timeout $((PF_SWAKS_TIMEOUT * 3)) "$swaks" "${args[@]}" "$@"
	) </dev/null >"$PF_TRANSCRIPT" 2>&1
	PF_SWAKS_RC=$?
	PF_REPLY=$(_pf_final_reply "$PF_TRANSCRIPT")
	PF_CODE=${PF_REPLY:0:3}
	PF_QUEUE_ID=$(printf '%s\n' "$PF_REPLY" |
	    sed -n 's/.*queued as \([0-9A-Za-z]*\).*/\1/p' | head -n 1)
	case $PF_CODE in
	2??)	return 0 ;;
	[45]??)	return 1 ;;
	esac
	_pf_diag "pf_send: no SMTP reply (swaks exit $PF_SWAKS_RC); transcript:" \
	    "$(tail -n 15 "$PF_TRANSCRIPT")"
	return 2
}

# pf_sendmail - inject a message with Postfix sendmail(1) (pickup, non_smtpd_milters):
#   pf_sendmail FROM FILE RCPT...
pf_sendmail()
{
	local from=$1 file=$2
	shift 2
	sendmail -C "$PF_CONF" -i -f "$from" -- "$@" <"$file"
}

# _pf_sink_open_files - print the sink dump files smtp-sink still has open
_pf_sink_open_files()
{
	local fd
	[ -n "${PF_SINK_PID:-}" ] || return 0
	for fd in "/proc/$PF_SINK_PID/fd/"*; do
		readlink "$fd" 2>/dev/null
	done
}

# pf_sink_files - print the complete sink dump files, oldest first, one path per line
pf_sink_files()
{
	local f open
	[ -n "$PF_ROOT" ] || return 1
	open=$(_pf_sink_open_files)
	# Names come from our own template (digits, dot, hex): ls is safe here.
	for f in $(cd "$PF_SINK_DIR" && ls -1tr); do
		case "
$open
" in
		*"
$PF_SINK_DIR/$f
"*)	continue ;;
		esac
		printf '%s\n' "$PF_SINK_DIR/$f"
	done
}

# pf_sink_count - print how many complete sink dump files there are
pf_sink_count()
{
	pf_sink_files | grep -c .
}

# _pf_sink_has - true when at least COUNT complete dump files exist
_pf_sink_has()
{
	[ "$(pf_sink_count)" -ge "$1" ]
}

# pf_wait_delivered - wait until COUNT transactions reached the sink: pf_wait_delivered COUNT [TIMEOUT]
pf_wait_delivered()
{
	_pf_wait "${2:-$PF_TIMEOUT}" _pf_sink_has "$1" && return 0
	_pf_diag "pf_wait_delivered: $(pf_sink_count) of $1 after ${2:-$PF_TIMEOUT}s" \
	    "$(postqueue -c "$PF_CONF" -p 2>&1 | tail -n 10)" \
	    "$(tail -n 10 "$PF_LOG")"
	return 1
}

# pf_sink_rcpts - print the envelope recipients of a dump file, one per line: pf_sink_rcpts FILE
pf_sink_rcpts()
{
	awk '/^Received: /{ exit }
	/^X-Rcpt-Args: / {
		a = substr($0, 14); sub(/ .*/, "", a)
		gsub(/^<|>$/, "", a); print a
	}' "$1"
}

# pf_sink_sender - print the envelope sender of a dump file (empty for <>): pf_sink_sender FILE
pf_sink_sender()
{
	awk '/^Received: /{ exit }
	/^X-Mail-Args: / {
		a = substr($0, 14); sub(/ .*/, "", a)
		gsub(/^<|>$/, "", a); print a
	}' "$1"
}

# pf_sink_message - print the message of a dump file without smtp-sink's own lines: pf_sink_message FILE
pf_sink_message()
{
	awk '
	state == 0 && /^X-[A-Za-z-]+: / { next }
	state == 0 && /^Received: / { state = 1; next }
	state == 1 && /^[ \t]/ { next }
	{ state = 2; if (have) print held; held = $0; have = 1 }
	END { if (have && held != "") print held }' "$1"
}

# pf_sink_header - print each value of header NAME in a dump file, unfolded: pf_sink_header FILE NAME
pf_sink_header()
{
	pf_sink_message "$1" | awk -v want="$2" '
	BEGIN { want = tolower(want) }
	/^$/ { exit }
	/^[ \t]/ { if (cur) { sub(/^[ \t]+/, " "); val = val $0 }; next }
	{
		if (cur) print val
		cur = 0
		i = index($0, ":")
		if (i > 0 && tolower(substr($0, 1, i - 1)) == want) {
			cur = 1; val = substr($0, i + 1); sub(/^[ \t]+/, "", val)
		}
	}
	END { if (cur) print val }'
}

# pf_queue_count - print how many messages are queued (optionally in one queue: active deferred hold incoming maildrop)
pf_queue_count()
{
	if [ -n "${1:-}" ]; then
		postqueue -c "$PF_CONF" -j 2>/dev/null |
		    grep -c "\"queue_name\": *\"$1\""
	else
		postqueue -c "$PF_CONF" -j 2>/dev/null | grep -c .
	fi
}

# _pf_queue_empty - true when nothing but held mail is queued
_pf_queue_empty()
{
	[ "$(postqueue -c "$PF_CONF" -j 2>/dev/null |
	    grep -v -c '"queue_name": *"hold"')" = 0 ]
}

# pf_wait_queue_empty - wait until no message is queued (the hold queue does not count): pf_wait_queue_empty [TIMEOUT]
pf_wait_queue_empty()
{
	_pf_wait "${1:-$PF_TIMEOUT}" _pf_queue_empty && return 0
	_pf_diag "pf_wait_queue_empty: queue not empty after ${1:-$PF_TIMEOUT}s" \
	    "$(postqueue -c "$PF_CONF" -p 2>&1 | tail -n 10)"
	return 1
}

# pf_flush - ask Postfix to deliver deferred mail now (postqueue -f)
pf_flush()
{
	postqueue -c "$PF_CONF" -f
}

# pf_log - print the Postfix maillog of this instance
pf_log()
{
	cat "$PF_LOG"
}

# _pf_log_has - true when a line of the maillog matches the ERE
_pf_log_has()
{
	grep -E -q -e "$1" "$PF_LOG" 2>/dev/null
}

# pf_wait_log - wait until a maillog line matches the ERE: pf_wait_log REGEX [TIMEOUT]
pf_wait_log()
{
	_pf_wait "${2:-$PF_TIMEOUT}" _pf_log_has "$1" && return 0
	_pf_diag "pf_wait_log: no line matching '$1' after ${2:-$PF_TIMEOUT}s" \
	    "$(tail -n 10 "$PF_LOG")"
	return 1
}

# pf_wait_file_match - wait until a line of FILE matches the ERE: pf_wait_file_match FILE REGEX [TIMEOUT]
pf_wait_file_match()
{
	_pf_wait "${3:-$PF_TIMEOUT}" grep -E -q -e "$2" "$1" 2>/dev/null &&
	    return 0
	_pf_diag "pf_wait_file_match: no line of $1 matching '$2' after ${3:-$PF_TIMEOUT}s"
	return 1
}

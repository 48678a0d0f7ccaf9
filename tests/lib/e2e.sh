# e2e.sh - helpers shared by the end-to-end tests (bash; after tap.sh,
# postfix.sh and school.sh)

# e2e_start_milter DIR PROGRAM - run PROGRAM -f -c DIR/aup-milter.conf as
# a private-Postfix companion; sets E2E_PID; waits for the socket
e2e_start_milter() {
	pf_spawn aup "$2" -f -c "$1/aup-milter.conf" || return 1
	E2E_PID=$PF_SPAWN_PID
	pf_wait_socket "unix:$1/aup.sock" 10
}

# e2e_reload DIR ERE - SIGUSR1 the milter and wait for one more line
# matching ERE in its output
e2e_reload() {
	local before
	before=$(grep -cE "$2" "$PF_ROOT/aup.out")
	kill -USR1 "$E2E_PID"
	for _ in $(seq 1 100); do
		[ "$(grep -cE "$2" "$PF_ROOT/aup.out")" -gt "$before" ] && return 0
		sleep 0.1
	done
	return 1
}

# e2e_msg FILE SUBJECT FROM TO [EXTRA-HEADER-LINES] - write a CRLF message
e2e_msg() {
	{
		printf 'From: %s\r\nTo: %s\r\nSubject: %s\r\n' "$3" "$4" "$2"
		printf 'Message-ID: <%s.%s@testwood.example>\r\n' "$(basename "$1")" "$$"
		printf 'Date: Mon, 23 Nov 2026 09:00:00 +0000\r\n'
		[ -n "${5-}" ] && printf '%s\r\n' "$5" | sed 's/$/\r/; s/\r\r$/\r/'
		printf '\r\nHello from the Testwood end-to-end test.\r\n'
	} > "$1"
}

# e2e_sink_since N - the dump files after the first N
e2e_sink_since() {
	pf_sink_files | tail -n "+$(($1 + 1))"
}

# e2e_outcome N - what happened to the last message sent after the sink
# held N files: reject | tempfail | quarantine | rewrite | flag | accept
# (as the client and the sink saw it; uses PF_CODE and the event log)
e2e_outcome() {
	local f
	case $PF_CODE in
	5??) echo reject; return ;;
	4??) echo tempfail; return ;;
	esac
	if pf_wait_delivered $(($1 + 1)) 20 2>/dev/null; then
		f=$(e2e_sink_since "$1" | tail -n 1)
		if [ -n "$(pf_sink_header "$f" X-AUP-Flag)" ]; then echo flag
		elif [ -n "$(pf_sink_header "$f" X-AUP-Rewritten)" ] ||
		    pf_sink_header "$f" Subject | grep -q '^\[checked\]'; then echo rewrite
		else echo accept
		fi
	else
		echo quarantine
	fi
}

# school.sh - write the test school (Testwood Primary) for shell tests
#
# school_write DIR SOCKET [EXTRA_INI]: DIR/aup-milter.conf with the milter
# listening on SOCKET (libmilter syntax), its event log, quarantine and
# spool under DIR, parents.csv, exemptions.csv, and the test policies'
# templates (the shipped ones are built in).  Prints nothing.
# The same school as tests/unit/testutil.c, so unit, protocol and
# end-to-end tests speak about the same people.
#
# Run as root (as CI runs the suite), the configuration names
# [milter] user = $(school_user) (aup-milter refuses to start as root
# without one) and DIR, its quarantine and spool are given to that user,
# so the milter can write its event log, release key and socket there.

# school_user - the unprivileged account the test milter runs as when
# started by root: postfix (whose daemons must reach the socket), or
# nobody where Postfix is not installed
school_user() {
	if id -u postfix >/dev/null 2>&1; then echo postfix; else echo nobody; fi
}

# school_own DIR... - as root, give folders to school_user (else nothing)
school_own() {
	[ "$(id -u)" = 0 ] || return 0
	chown "$(school_user):$(id -gn "$(school_user)")" "$@"
}

# school_user_line - "user = ..." when run as root, else nothing
school_user_line() {
	[ "$(id -u)" = 0 ] && echo "user = $(school_user)"
	return 0
}

# school_write - the configuration and data files
school_write() {
	_sw_dir=$1 _sw_sock=$2 _sw_extra=${3-}
	mkdir -p "$_sw_dir/templates" "$_sw_dir/quarantine" "$_sw_dir/spool"
	school_own "$_sw_dir" "$_sw_dir/quarantine" "$_sw_dir/spool"
	cat > "$_sw_dir/parents.csv" <<'EOT'
Pupil,Email
Ann,mum.ann@gmail.com
Ben,ben.dad@btinternet.com; ben.mum@outlook.com
Cat,cats.carer@homemail.example
Dan,dan.mum@yahoo.co.uk
EOT
	cat > "$_sw_dir/exemptions.csv" <<'EOT'
sender,policy,recipient,expires,approved_by,note
senco@testwood.example,parent-contact,*,2099-12-31,head@testwood.example,SENCo
EOT
	cat > "$_sw_dir/templates/test-verdict.txt" <<'EOT'
Refused: the test asked for {word}.
Ask {office} for help. Ref: {ref}
EOT
	cat > "$_sw_dir/templates/test-second.txt" <<'EOT'
Second test: {word}. Ref: {ref}
EOT
	cat > "$_sw_dir/aup-milter.conf" <<EOT
[milter]
$(school_user_line)
socket = $_sw_sock
event_log = $_sw_dir/events.jsonl
quarantine_dir = $_sw_dir/quarantine
spool_dir = $_sw_dir/spool
templates = templates
trusted_networks = 127.0.0.0/8, 10.9.0.0/16
[school]
name = Testwood Primary
domains = testwood.example, pupils.testwood.example
office = office@testwood.example
office_senders = head@testwood.example
pupils = *@pupils.testwood.example
dsl = dsl@testwood.example
policy_url = https://testwood.example/aup
[directory]
parents = parents.csv
exemptions = exemptions.csv
$_sw_extra
EOT
}

# school_service DIR SOCKET [EXTRA] - after school_write: DIR/aup-milter.conf
# for a service of many schools (`[milter] schools = schools`, a main file
# with no school of its own) with EXTRA appended (more [milter] keys
# first, then other sections); DIR/schools made
school_service() {
	mkdir -p "$1/schools"
	cat > "$1/aup-milter.conf" <<EOT
[milter]
$(school_user_line)
socket = $2
group = postfix
event_log = $1/events.jsonl
quarantine_dir = $1/quarantine
spool_dir = $1/spool
templates = templates
trusted_networks = 127.0.0.0/8, 10.9.0.0/16
schools = schools
${3-}
EOT
}

# school_file DIR ID NAME DOMAIN [PARENT [EXTRA_INI]] - DIR/schools/ID.conf:
# school NAME with DOMAIN, office@ and dsl@ DOMAIN, and a parents file
# (mode 0640, the milter user's) naming PARENT as Pip's parent (no rows
# without PARENT)
school_file() {
	{
		printf 'Pupil,Email\n'
		[ -n "${5-}" ] && printf 'Pip,%s\n' "$5"
	} > "$1/schools/$2-parents.csv"
	chmod 640 "$1/schools/$2-parents.csv"
	school_own "$1/schools/$2-parents.csv"	# read again at a reload
	cat > "$1/schools/$2.conf" <<EOT
[school]
name = $3
domains = $4
office = office@$4
dsl = dsl@$4
[directory]
parents = $2-parents.csv
${6-}
EOT
}

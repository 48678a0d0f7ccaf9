# tests/lib/postgres.sh - a private PostgreSQL for the store's tests
#
#     . "$top_srcdir/tests/lib/postgres.sh"
#     pg_check_prereqs || skip_all "$PG_WHY"
#     pg_start "$T" || bail_out "PostgreSQL did not start"
#     ... "$PG_DSN" ...      # libpq connection string of database "aup"
#     pg_stop_server; pg_start_server   # an outage in the middle of a test
#     pg_cleanup             # (from the caller's EXIT trap) stop, remove
#
# Debian's binaries (/usr/lib/postgresql/N/bin: initdb, pg_ctl) make a
# cluster in DIR/pg as an unprivileged account (the suite runs as root in
# CI; initdb refuses root): postgres when it exists, else nobody.  It
# listens only on a Unix socket in DIR/pg (no TCP), with trust
# authentication for the role "aup", fsync off unless PG_FSYNC=on (a
# test cluster; the benchmark turns it on).  The
# folder is made for the account and removed by pg_cleanup.  POSIX sh.

PG_WHY=''
PG_BIN=''
PG_DIR=''
PG_DSN=''
PG_USER=''

# pg_check_prereqs - are the server binaries here? (PG_WHY says why not)
pg_check_prereqs()
{
	for _pg_b in /usr/lib/postgresql/*/bin; do
		if [ -x "$_pg_b/initdb" ] && [ -x "$_pg_b/pg_ctl" ]; then
			PG_BIN=$_pg_b
		fi
	done
	if [ -z "$PG_BIN" ]; then
		PG_WHY="the PostgreSQL server binaries are not installed (apt-get install postgresql)"
		return 1
	fi
	if [ "$(id -u)" = 0 ]; then
		if id postgres >/dev/null 2>&1; then PG_USER=postgres
		else PG_USER=nobody; fi
	fi
	return 0
}

# _pg_as - run a command as the cluster's account
_pg_as()
{
	if [ -n "$PG_USER" ]; then
		setpriv --reuid="$PG_USER" --regid="$(id -g "$PG_USER")" \
		    --clear-groups -- "$@"
	else
		"$@"
	fi
}

# pg_start_server - start the cluster made by pg_start (again)
pg_start_server()
{
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" \
	    -w -t 60 -o "-k $PG_DIR -c listen_addresses= -c fsync=${PG_FSYNC:-off}" \
	    start >/dev/null
}

# pg_stop_server - stop it (fast: sessions are ended)
pg_stop_server()
{
	_pg_as "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 60 -m fast stop \
	    >/dev/null 2>&1
}

# pg_psql - run SQL in the test database: pg_psql "SELECT ..."
pg_psql()
{
	"$PG_BIN/psql" -X -A -t -q -d "$PG_DSN" -c "$1"
}

# pg_start DIR - a new cluster and database "aup" under DIR/pg
pg_start()
{
	PG_DIR=$1/pg
	mkdir -p "$PG_DIR" || return 1
	chmod 755 "$PG_DIR"
	[ -n "$PG_USER" ] && chown "$PG_USER" "$PG_DIR"
	_pg_as "$PG_BIN/initdb" -D "$PG_DIR/data" -U aup -A trust -E UTF8 \
	    --no-sync >"$PG_DIR/initdb.log" 2>&1 || return 1
	pg_start_server || return 1
	_pg_as "$PG_BIN/createdb" -h "$PG_DIR" -U aup aup || return 1
	PG_DSN="host=$PG_DIR user=aup dbname=aup"
	export PG_DSN
}

# pg_cleanup - stop the cluster and remove its folder
pg_cleanup()
{
	[ -n "$PG_DIR" ] && [ -d "$PG_DIR/data" ] || return 0
	pg_stop_server
	rm -rf "$PG_DIR"
	PG_DIR=''
}

#!/bin/bash
# try-it.sh - run aup-milter on the sample school behind a private Postfix
#
# usage: contrib/try-it.sh        (as root on Debian 12; Ctrl-C stops it)
#
# Installs the Debian packages (contrib/install-deps.sh), builds in
# build/, starts a private Postfix on 127.0.0.1 (configuration, queue and
# log under a temporary folder; next hop a local smtp-sink that keeps
# every message it receives), and runs aup-milter in the foreground on a
# copy of conf/aup-milter.conf.  It prints swaks lines to try, and where
# delivered mail, the event log and the quarantine are.  Nothing outside
# the temporary folder is configured; the system's own Postfix (if any) is
# not touched.
#
# SPDX-License-Identifier: MIT
set -u
cd "$(dirname "$0")/.." || exit 2
TOP=$(pwd)
[ "$(id -u)" -eq 0 ] || { echo "try-it: run as root (a private Postfix needs root)" >&2; exit 1; }

sh contrib/install-deps.sh || exit 1
autoreconf -fi >/dev/null 2>&1 || autoreconf -fi || exit 1
mkdir -p build && (cd build && { [ -f Makefile ] || "$TOP/configure" -q; } &&
    make -j"$(nproc)" >/dev/null) || { echo "try-it: the build failed" >&2; exit 1; }

top_srcdir=$TOP
. "$TOP/tests/lib/postfix.sh"
pf_check_prereqs || { echo "try-it: $PF_WHY" >&2; exit 1; }
T=$(pf_mktemp) || exit 1
S=$T/school
mkdir -p "$S" && chmod 755 "$S"

# The sample school in the temporary folder: its data files and reply
# templates copied beside the configuration (which names them relative to
# itself), and every path the milter writes moved in there too.
cp "$TOP"/conf/*.csv "$S/" && cp -r "$TOP/conf/templates" "$S/templates" &&
    cp -r "$TOP/conf/safeguarding" "$S/safeguarding" || exit 1
chmod 0640 "$S"/*.csv	# personal data: not readable by other users
# Releases go through the private Postfix's own sendmail(1); notices by
# SMTP to its smtpd ([notify] relay, set once its port is known).
printf '#!/bin/sh\nexec /usr/sbin/sendmail -C "%s" "$@"\n' "$T/postfix/etc" > "$S/sendmail"
chmod 755 "$S/sendmail"
# The installed sample starts in monitor mode; the demonstration enforces.
sed -e "s|^socket = .*|socket = unix:$S/aup.sock|" \
    -e "s|^mode = .*|mode = enforce|" \
    -e "s|^event_log = .*|event_log = $S/events.jsonl|" \
    -e "s|^quarantine_dir = .*|quarantine_dir = $S/quarantine|" \
    -e "s|^release_secret = .*|release_secret = $S/release.key|" \
    -e "s|^sendmail_path = .*|sendmail_path = $S/sendmail|" \
    -e "s|^user = .*|user = nobody|" \
    -e "s|^group = .*|group = postfix|" \
    -e "s|^trusted_networks = .*|trusted_networks = 127.0.0.0/8, ::1, 10.20.0.0/16|" \
    "$TOP/conf/aup-milter.conf" > "$S/aup-milter.conf"
# Started as root, aup-milter runs as [milter] user (it refuses to
# start without one): here nobody, group postfix (whose daemons reach
# the socket), owning the folder it writes to.
chown -R nobody:postfix "$S" || exit 1
"$TOP/build/aup-milter" -t -c "$S/aup-milter.conf" || exit 1

pf_start "$T" "unix:$S/aup.sock" || { echo "try-it: Postfix did not start" >&2; exit 1; }
sed -i "s|^relay = .*|relay = 127.0.0.1:$PF_PORT|" "$S/aup-milter.conf"
cat <<EOT

aup-milter is starting on the sample school (Oakfield Primary School).
Private Postfix: 127.0.0.1:$PF_PORT   delivered mail: $T/sink/
Event log: $S/events.jsonl           quarantine: $S/quarantine/

Try, in another terminal:

  # a teacher writes to a parent: refused, with the explanation
  swaks --server 127.0.0.1:$PF_PORT --xclient-addr 10.20.4.43 \\
        --xclient-login j.patel@oakfield-primary.example \\
        --from j.patel@oakfield-primary.example --to helen.ashworth@gmail.com

  # the office writes to two parents, both visible in To: delivered, moved to Bcc
  # (in school hours, Mon-Fri 07:30-18:00 Europe/London; out of hours the
  # working-hours policy keeps it for the school day and tells the office when)
  swaks --server 127.0.0.1:$PF_PORT --xclient-addr 10.20.2.10 \\
        --xclient-login office@oakfield-primary.example \\
        --from office@oakfield-primary.example \\
        --to helen.ashworth@gmail.com,mark.ashworth@btinternet.com \\
        --header 'To: helen.ashworth@gmail.com, mark.ashworth@btinternet.com'
  ls $T/sink/

  # what the milter would do with any message file, without sending it
  $TOP/build/aupctl -c $S/aup-milter.conf test --from j.patel@oakfield-primary.example \\
        --rcpt helen.ashworth@gmail.com --auth j.patel@oakfield-primary.example FILE.eml

Ctrl-C stops aup-milter and the private Postfix.

EOT
"$TOP/build/aup-milter" -f -c "$S/aup-milter.conf"

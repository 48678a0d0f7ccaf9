#!/bin/bash
# test_install - "make install" twice over an edited configuration keeps
# every edit (the new samples go beside as .sample), and the data files
# with personal data are never world-readable.
#
# SPDX-License-Identifier: MIT
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/artefacts.sh"

# mk - make in the build folder, not as part of the make that runs us
mk() {
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
	    make -s --no-print-directory -C "$top_builddir" "$@"
}

T=$(mktemp -d "${TMPDIR:-/tmp}/aup-install.XXXXXX")
trap 'artefacts_keep "$T"; rm -rf "$T"' EXIT
confdir=$(mk print-aupconfdir 2>/dev/null)
[ -n "$confdir" ] || bail_out "cannot ask the build for aupconfdir"
E=$T$confdir

install_tree() {
	mk install DESTDIR="$T" \
	    systemdunitdir=/lib/systemd/system >"$T/install.log" 2>&1
}

mode_of() { stat -c %a "$1"; }

install_tree; rc=$?
is "$rc" 0 "make install into an empty DESTDIR succeeds"
ok "$([ -f "$E/aup-milter.conf" ]; echo $?)" "the sample configuration is installed"
like "$(grep '^mode' "$E/aup-milter.conf")" '^mode = monitor' \
    "the installed sample starts in monitor mode"
for f in parents.csv pupils.csv exemptions.csv; do
	is "$(mode_of "$E/$f")" 640 "$f is installed 0640 (not world-readable)"
done
is "$(mode_of "$E/aup-milter.conf")" 644 "the configuration is 0644"
ok "$([ -f "$E/templates/parent-contact.txt" ]; echo $?)" "the reply templates are installed"
if [ "$(id -u)" -eq 0 ] && getent group aup-milter >/dev/null; then
	is "$(stat -c %G "$E/pupils.csv")" aup-milter "as root, the roster's group is aup-milter"
elif [ "$(id -u)" -eq 0 ]; then
	like "$(cat "$T/install.log")" 'group aup-milter does not exist' \
	    "as root without the group, install says the filter cannot read the data files"
fi

# The school edits everything, then installs again (an upgrade).
sed -i 's/^mode = monitor.*/mode = enforce/' "$E/aup-milter.conf"
echo 'Pupil,Email' > "$E/parents.csv"
echo 'Ann,ann.mum@school-parent.example' >> "$E/parents.csv"
echo 'Our own words. {ref}' > "$E/templates/bulk-bcc.txt"
chmod 0600 "$E/pupils.csv"
before=$(cat "$E/aup-milter.conf" "$E/parents.csv" "$E/templates/bulk-bcc.txt" | sha256sum)

install_tree; rc=$?
is "$rc" 0 "make install over an edited configuration succeeds"
install_tree; rc=$?
is "$rc" 0 "and a third time"
after=$(cat "$E/aup-milter.conf" "$E/parents.csv" "$E/templates/bulk-bcc.txt" | sha256sum)
is "$after" "$before" "every edit is kept (configuration, parents file, template)"
is "$(grep '^mode' "$E/aup-milter.conf")" 'mode = enforce' "the edited mode is kept"
is "$(mode_of "$E/pupils.csv")" 600 "the school's own permissions are kept"
ok "$([ -f "$E/aup-milter.conf.sample" ]; echo $?)" "the new sample configuration is beside it as .sample"
like "$(grep '^mode' "$E/aup-milter.conf.sample")" '^mode = monitor' "the .sample is the new sample"
is "$(mode_of "$E/parents.csv.sample")" 640 "a sample data file is 0640 too"
like "$(cat "$T/install.log")" "keeping $E/aup-milter.conf \\(yours\\)" "install says which files it kept"
world=$(find "$E" -name '*.csv*' -perm -o=r)
is "$world" "" "no data file is world-readable after two installs"

# Uninstall removes the samples and what was never edited, keeps the rest.
mk uninstall DESTDIR="$T" \
    systemdunitdir=/lib/systemd/system >/dev/null 2>&1
ok "$([ -f "$E/aup-milter.conf" ]; echo $?)" "uninstall keeps the edited configuration"
ok "$([ ! -e "$E/aup-milter.conf.sample" ]; echo $?)" "uninstall removes the .sample files"
ok "$([ ! -e "$E/exemptions.csv" ]; echo $?)" "uninstall removes a data file that is still the sample"
# The Postfix lines a school pastes in cannot stop its mail: every active
# milter line names aup-milter and nothing else.
snippet=$top_srcdir/contrib/postfix/main.cf.snippet
active=$(grep -E '^[a-z_]*milters *=' "$snippet")
like "$active" '^smtpd_milters = unix:/aup-milter/aup-milter.sock' \
    "the snippet's active smtpd_milters names aup-milter"
unlike "$(grep -v '^#' "$snippet")" 'inet:localhost:8891|opendkim' \
    "no active line of the snippet names a milter that may not exist"
# install-deps.sh never installs Postfix where Sendmail is the mail
# server: a dpkg-query that reports sendmail-bin installed, nothing else.
mkdir -p "$T/fakebin"
cat > "$T/fakebin/dpkg-query" <<'EOT'
#!/bin/sh
for a; do last=$a; done
[ "$last" = sendmail-bin ] && { printf installed; exit 0; }
printf not-installed
EOT
chmod +x "$T/fakebin/dpkg-query"
out=$(PATH="$T/fakebin:$PATH" sh "$top_srcdir/contrib/install-deps.sh" --dry-run --test 2>&1)
like "$out" 'sendmail-bin is installed: Postfix is left out' "install-deps.sh says it leaves Postfix out on a Sendmail host"
unlike "$(grep 'apt-get install' <<<"$out")" ' postfix( |$)' "and does not install it"
like "$(grep 'apt-get install' <<<"$out")" ' swaks' "but installs the other test packages"
out=$(PATH="$T/fakebin:$PATH" sh "$top_srcdir/contrib/install-deps.sh" --dry-run --runtime 2>&1)
unlike "$(grep 'apt-get install' <<<"$out")" 'gcc|valgrind|-dev |cmocka' \
    "the runtime group has no compiler, headers or test tools"
done_testing

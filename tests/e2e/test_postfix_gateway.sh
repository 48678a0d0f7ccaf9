#!/bin/bash
# test_postfix_gateway - aup-milter as the outbound gateway of a school
# whose mailboxes live in Microsoft 365 or Google Workspace: the service
# relays the school's mail with no SMTP login, presenting its connector
# certificate, to a Postfix that asks for client certificates
# (smtpd_tls_ask_ccert) and verifies them against the CA it trusts.
#   - a teacher's message to a parent through the connector is refused
#     by parent-contact, with the text the teacher would see
#   - the same message from a client with no certificate, or with a
#     self-signed certificate of the same name, is judged inbound (and
#     refused as a forged school sender, never as parent contact)
#   - mail from outside to the school through the same connector stays
#     inbound: SPF is checked and the message delivered
#   - aupctl test --cert-subject gives the same verdicts
set -u
. "$top_srcdir/tests/lib/tap.sh"
. "$top_srcdir/tests/lib/postfix.sh"
. "$top_srcdir/tests/lib/school.sh"
. "$top_srcdir/tests/lib/e2e.sh"

pf_check_prereqs || skip_all "$PF_WHY"
command -v openssl >/dev/null || skip_all "openssl not found (Debian package: openssl)"
T=$(pf_mktemp) || bail_out "no temporary directory"
S=$T/school
CN=outbound.connector.example
mkdir -p "$S" && chmod 755 "$S"
pf_tls_certs "$T/tls" "$CN" || bail_out "no test certificates"
cat > "$S/local-records.txt" <<'EOR'
testwood.example TXT "v=spf1 ip4:192.0.2.25 -all"
otherschool.example TXT "v=spf1 ip4:198.51.100.0/24 -all"
EOR
school_write "$S" "unix:$S/aup.sock" "[milter]
group = postfix
trusted_clients = subject:$CN
[sender-auth]
local_records = local-records.txt"
pf_start "$T" "unix:$S/aup.sock" "${PF_TLS_MAIN[@]}" ||
    bail_out "the private Postfix did not start"
e2e_start_milter "$S" "$top_builddir/aup-milter" ||
    bail_out "aup-milter did not start: $(cat "$T/aup.out")"

# last_event KEY... - fields of the newest message event
last_event() {
	python3 - "$S/events.jsonl" "$@" <<'EOP'
import json, sys
events = [e for e in map(json.loads, open(sys.argv[1])) if e.get("event") == "message"]
e = events[-1] if events else {}
pol = {p["name"]: p["result"] for p in e.get("policies", [])}
print(" ".join(str(pol.get(k[1:], "-")) if k.startswith("@") else str(e.get(k, "-"))
               for k in sys.argv[2:]))
EOP
}

# connector_send CERT FILE FROM RCPT - send as the service from an address
# outside trusted_networks; CERT is client, lookalike or none
connector_send() {
	local -a tls=()
	[ "$1" != none ] && tls=(--tls --tls-cert "$T/tls/$1.crt" --tls-key "$T/tls/$1.key")
	[ "$1" = none ] && tls=(--tls)
	pf_send -a 52.100.7.9 -f "$3" -t "$4" -d "$2" -- "${tls[@]}"
}

e2e_msg "$T/pc.eml" "Ann's reading" "Teacher One <t.one@testwood.example>" mum.ann@gmail.com

# 1. through the connector: outbound, and parent-contact refuses it
connector_send client "$T/pc.eml" t.one@testwood.example mum.ann@gmail.com
is "$PF_CODE" 550 "a teacher's message to a parent through the connector is refused"
like "$PF_REPLY" '^550-5\.7\.1 Not sent: staff may not email parents or carers directly\.$' \
    "the teacher sees the parent-contact explanation"
like "$PF_REPLY" 'forward your message to office@testwood\.example' \
    "the reply names the office address to use instead"
is "$(last_event direction @parent-contact @sender-auth)" "outbound reject pass" \
    "the event log says outbound, refused by parent-contact"
like "$(pf_log)" "Trusted TLS connection established from unknown\[52\.100\.7\.9\]|Trusted TLS connection established" \
    "Postfix verified the connector's certificate"

# 2. no certificate: inbound, so never parent-contact
connector_send none "$T/pc.eml" t.one@testwood.example mum.ann@gmail.com
is "$(last_event direction @parent-contact)" "inbound pass" \
    "the same message without a certificate is judged inbound"
unlike "$PF_REPLY" 'staff may not email parents' "it is not refused as parent contact"
is "$PF_CODE $(last_event @sender-auth)" "550 reject" \
    "it is refused by sender-auth: a school address sent from outside"

# 3. a self-signed certificate with the connector's name: not verified,
#    so Postfix passes no subject and the message is inbound
connector_send lookalike "$T/pc.eml" t.one@testwood.example mum.ann@gmail.com
is "$(last_event direction @parent-contact)" "inbound pass" \
    "a self-signed look-alike certificate does not make the message outbound"

# 4. another customer of the same service writes to a teacher: the
#    certificate matches but the mail is for the school from outside
n=$(pf_sink_count)
e2e_msg "$T/in.eml" "Joint sports day" "Bursar <bursar@otherschool.example>" t.one@testwood.example
pf_send -a 198.51.100.40 -f bursar@otherschool.example -t t.one@testwood.example \
    -d "$T/in.eml" -- --tls --tls-cert "$T/tls/client.crt" --tls-key "$T/tls/client.key"
is "$PF_CODE" 250 "mail from outside through the connector is accepted"
is "$(last_event direction @sender-auth)" "inbound pass" "and judged inbound"
pf_wait_delivered $((n + 1)) 30
f=$(e2e_sink_since "$n" | tail -n 1)
like "$(pf_sink_header "$f" Received-SPF)" '^pass ' "its SPF was checked (Received-SPF: pass)"

# 5. aupctl test --cert-subject: the same two verdicts offline
verdict() {
	"$top_builddir/aupctl" -c "$S/aup-milter.conf" test --from t.one@testwood.example \
	    --rcpt mum.ann@gmail.com --client-ip 52.100.7.9 "$@" "$T/pc.eml" |
	    python3 -c 'import json,sys; v = json.load(sys.stdin)
print(v["action"], {p["name"]: p["result"] for p in v["policies"]}["parent-contact"])'
}
is "$(verdict --cert-subject "$CN")" "reject reject" \
    "aupctl test --cert-subject refuses the message by parent-contact"
is "$(verdict)" "reject pass" "without --cert-subject parent-contact passes it"
done_testing

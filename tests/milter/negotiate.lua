-- The filter asks for header edits and leading spaces, nothing it cannot use.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
assert(mt.test_action(conn, SMFIF_ADDHDRS), "filter should add headers")
assert(mt.test_action(conn, SMFIF_CHGHDRS), "filter should change headers")
assert(not mt.test_action(conn, SMFIF_CHGBODY), "filter must not change bodies")
assert(not mt.test_action(conn, SMFIF_DELRCPT), "filter must not delete recipients")
assert(mt.test_option(conn, SMFIP_HDR_LEADSPC), "filter should ask for leading spaces")
mt.disconnect(conn)
-- The MTA need not wait for a reply to connect, HELO, each header, end of
-- headers or a body chunk (nothing is decided there); MAIL and RCPT keep
-- theirs (a recipient of another school is tempfailed at RCPT).
local conn2 = lib.connect("10.9.1.3")
for _, f in ipairs({ SMFIP_NR_CONN, SMFIP_NR_HELO, SMFIP_NR_HDR,
    SMFIP_NR_EOH, SMFIP_NR_BODY }) do
	assert(mt.test_option(conn2, f), "filter should not make the MTA wait at " .. f)
end
assert(not mt.test_option(conn2, SMFIP_NR_MAIL), "MAIL keeps its reply")
assert(not mt.test_option(conn2, SMFIP_NR_RCPT), "RCPT keeps its reply")
mt.disconnect(conn2)

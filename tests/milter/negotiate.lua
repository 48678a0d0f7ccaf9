-- The filter asks for header edits and leading spaces, nothing it cannot use.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
assert(mt.test_action(conn, SMFIF_ADDHDRS), "filter should add headers")
assert(mt.test_action(conn, SMFIF_CHGHDRS), "filter should change headers")
assert(not mt.test_action(conn, SMFIF_CHGBODY), "filter must not change bodies")
assert(not mt.test_action(conn, SMFIF_DELRCPT), "filter must not delete recipients")
assert(mt.test_option(conn, SMFIP_HDR_LEADSPC), "filter should ask for leading spaces")
mt.disconnect(conn)
-- With one school the MTA need not wait for a reply to connect, HELO,
-- MAIL, each RCPT, each header, end of headers or a body chunk (nothing is
-- decided there): the whole message costs one round trip at its end.
-- (With several schools RCPT keeps its reply: test_postfix_schools.sh.)
local conn2 = lib.connect("10.9.1.3")
for _, f in ipairs({ SMFIP_NR_CONN, SMFIP_NR_HELO, SMFIP_NR_MAIL,
    SMFIP_NR_RCPT, SMFIP_NR_HDR, SMFIP_NR_EOH, SMFIP_NR_BODY }) do
	assert(mt.test_option(conn2, f), "filter should not make the MTA wait at " .. f)
end
mt.disconnect(conn2)

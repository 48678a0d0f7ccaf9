-- The filter asks for header edits and leading spaces, nothing it cannot use.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
assert(mt.test_action(conn, SMFIF_ADDHDRS), "filter should add headers")
assert(mt.test_action(conn, SMFIF_CHGHDRS), "filter should change headers")
assert(not mt.test_action(conn, SMFIF_CHGBODY), "filter must not change bodies")
assert(not mt.test_action(conn, SMFIF_DELRCPT), "filter must not delete recipients")
assert(mt.test_option(conn, SMFIP_HDR_LEADSPC), "filter should ask for leading spaces")
mt.disconnect(conn)

-- helper script for test_signals.sh (not run on its own): send a message
-- that test-verdict rejects and require the reply `want` (-D want=...).
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example", qid or "QIDS")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "reject" } }))
if want == "reject" then
	assert(r == SMFIR_REPLYCODE, "expected a reject, got " .. tostring(r))
else
	assert(r == SMFIR_ACCEPT, "expected accept, got " .. tostring(r))
	assert(mt.eom_check(conn, MT_HDRADD, "X-AUP-Monitor"), "no X-AUP-Monitor")
end
mt.disconnect(conn)

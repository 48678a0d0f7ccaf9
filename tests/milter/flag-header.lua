-- A flagged message is accepted with an X-AUP-Flag header.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "flag" } }))
assert(r == SMFIR_ACCEPT, "flagged mail should be accepted, got " .. tostring(r))
assert(mt.eom_check(conn, MT_HDRADD, "X-AUP-Flag"), "no X-AUP-Flag header")
local v = mt.getheader(conn, "X-AUP-Flag", 0)
assert(string.find(v, "test%-verdict; ref=%w+"), "flag value: " .. tostring(v))
mt.disconnect(conn)

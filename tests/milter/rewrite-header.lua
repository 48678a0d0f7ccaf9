-- A rewrite changes the header in place (change, not add).
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "rewrite" } }))
assert(r == SMFIR_ACCEPT, "rewritten mail should be accepted")
assert(mt.eom_check(conn, MT_HDRCHANGE, "Subject", " [checked] Trip"),
    "Subject was not changed to [checked] Trip")
mt.disconnect(conn)

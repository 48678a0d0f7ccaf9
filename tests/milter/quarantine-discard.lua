-- A quarantined message is discarded from the mail flow (after it is stored).
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "quarantine" } }))
assert(r == SMFIR_DISCARD, "quarantined mail should be discarded, got " .. tostring(r))
mt.disconnect(conn)

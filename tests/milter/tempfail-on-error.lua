-- An internal error tempfails the message (451 with a reference), never passes it.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "error" } }))
assert(r == SMFIR_REPLYCODE, "expected a custom 451 reply, got " .. tostring(r))
mt.disconnect(conn)

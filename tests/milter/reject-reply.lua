-- A rejected message gets the filter's own (multi-line) reply, not a bare 550.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "reject" } }))
assert(r == SMFIR_REPLYCODE, "expected a custom reject reply, got " .. tostring(r))
mt.disconnect(conn)

-- Several messages on one connection: a reject does not leak into the next.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("10.9.1.2")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example", "QIDA")
local r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "reject" } }))
assert(r == SMFIR_REPLYCODE, "first message should be rejected")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example", "QIDB")
r = lib.content(conn, lib.staff_headers())
assert(r == SMFIR_ACCEPT, "second message should be accepted, got " .. tostring(r))
-- an aborted third message, then a fourth that is judged on its own
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example", "QIDC")
assert(mt.header(conn, "X-Test-Verdict", "reject") == nil)
assert(mt.abort(conn) == nil, "abort")
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example", "QIDD")
r = lib.content(conn, lib.staff_headers({ { "X-Test-Verdict", "flag" } }))
assert(r == SMFIR_ACCEPT, "fourth message should be accepted")
assert(mt.eom_check(conn, MT_HDRADD, "X-AUP-Flag"), "fourth message flagged")
mt.disconnect(conn)

-- parent-contact through the real policy: a logged-in teacher writing to a
-- parent is refused; the same teacher writing to a colleague is not.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("198.51.100.7")
lib.envelope(conn, "t.one@testwood.example", { "Mum.Ann+school@Gmail.com" },
    "t.one@testwood.example")
local r = lib.content(conn, {
	{ "From", "Teacher One <t.one@testwood.example>" },
	{ "To", "Mum.Ann+school@Gmail.com" },
	{ "Subject", "Ann's reading" } })
assert(r == SMFIR_REPLYCODE, "mail to a parent should be refused, got " .. tostring(r))
lib.envelope(conn, "t.one@testwood.example", { "colleague@testwood.example" },
    "t.one@testwood.example")
r = lib.content(conn, lib.staff_headers())
assert(r == SMFIR_ACCEPT, "mail to a colleague should pass")
mt.disconnect(conn)

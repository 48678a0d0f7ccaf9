-- bulk-bcc through the real policy: parents visible in To are moved out of
-- the header (To becomes undisclosed-recipients:;), the envelope is untouched.
local lib = dofile(libdir .. "/lib.lua")
local conn = lib.connect("198.51.100.7")
local parents = { "mum.ann@gmail.com", "ben.dad@btinternet.com", "dan.mum@yahoo.co.uk" }
lib.envelope(conn, "office@testwood.example", parents, "office@testwood.example")
local r = lib.content(conn, {
	{ "From", "Testwood Office <office@testwood.example>" },
	{ "To", "mum.ann@gmail.com, \"Dad, Ben\" <ben.dad@btinternet.com>, dan.mum@yahoo.co.uk" },
	{ "Subject", "Harvest festival" } })
assert(r == SMFIR_ACCEPT, "bulk mail should be accepted after the rewrite")
assert(mt.eom_check(conn, MT_HDRCHANGE, "To", " undisclosed-recipients:;"),
    "To should become undisclosed-recipients:;")
assert(mt.eom_check(conn, MT_HDRADD, "X-AUP-Rewritten"), "no X-AUP-Rewritten")
local v = mt.getheader(conn, "X-AUP-Rewritten", 0)
assert(string.find(v, "bulk%-bcc; moved=3; ref="), "X-AUP-Rewritten: " .. tostring(v))
for _, p in ipairs(parents) do
	assert(not mt.eom_check(conn, MT_RCPTDELETE, "<" .. p .. ">"),
	    "envelope recipient " .. p .. " was deleted")
end
mt.disconnect(conn)

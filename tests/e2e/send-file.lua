-- send-file.lua - send one message file through the filter as Postfix would
-- and check the verdict.  Defines (-D): sock, file, from, rcpt (one
-- address), ip, qid, expect ("accept" or "discard"); login is optional.
local f = assert(io.open(file, "rb"), "cannot open " .. file)
local text = f:read("*a")
f:close()
text = text:gsub("\r\n", "\n")
local head, body = text:match("^(.-)\n\n(.*)$")
assert(head, "no header/body separator in " .. file)

local conn = mt.connect(sock, 40, 0.25)
assert(conn, "cannot connect to the filter at " .. sock)
assert(mt.conninfo(conn, "client.example", ip) == nil, "conninfo")
assert(mt.getreply(conn) == SMFIR_CONTINUE, "connect not continued")
assert(mt.helo(conn, "client.example") == nil, "helo")
if login and login ~= "" then
	mt.macro(conn, SMFIC_MAIL, "{auth_authen}", login, "i", qid)
else
	mt.macro(conn, SMFIC_MAIL, "i", qid)
end
assert(mt.mailfrom(conn, "<" .. from .. ">") == nil, "mailfrom")
assert(mt.getreply(conn) == SMFIR_CONTINUE, "mail not continued")
assert(mt.rcptto(conn, "<" .. rcpt .. ">") == nil, "rcptto")
assert(mt.getreply(conn) == SMFIR_CONTINUE, "rcpt not continued")
-- headers: unfold continuation lines into the previous header
local name, value
local function flush()
	if name then
		assert(mt.header(conn, name, value) == nil, "header " .. name)
	end
end
for line in (head .. "\n"):gmatch("(.-)\n") do
	if line:match("^[ \t]") and name then
		value = value .. "\n" .. line
	else
		flush()
		name, value = line:match("^([^:]+):[ ]?(.*)$")
	end
end
flush()
assert(mt.eoh(conn) == nil, "eoh")
body = body:gsub("\n", "\r\n")
assert(mt.bodystring(conn, body) == nil, "body")
assert(mt.eom(conn) == nil, "eom")
local r = mt.getreply(conn)
local want = expect == "accept" and SMFIR_ACCEPT or SMFIR_DISCARD
if r ~= want then
	error("expected " .. expect .. ", got reply " .. tostring(r))
end
mt.disconnect(conn)

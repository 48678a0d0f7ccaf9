-- lib.lua - shared miltertest helpers for aup-milter's protocol tests.
-- The runner (test_miltertest.sh) passes -D sock=SOCKET.

local lib = {}

-- connect: a connection through CONNECT and HELO from a client address
function lib.connect(ip, helo)
	local conn = mt.connect(sock, 40, 0.25)
	assert(conn, "cannot connect to the filter at " .. sock)
	assert(mt.conninfo(conn, "client.example", ip) == nil, "conninfo")
	assert(mt.getreply(conn) == SMFIR_CONTINUE, "connect not continued")
	assert(mt.helo(conn, helo or "client.example") == nil, "helo")
	return conn
end

-- envelope: MAIL FROM (with an optional login and queue id) and RCPT TOs
function lib.envelope(conn, from, rcpts, login, qid)
	if login then
		mt.macro(conn, SMFIC_MAIL, "{auth_authen}", login, "i", qid or "QID1")
	else
		mt.macro(conn, SMFIC_MAIL, "i", qid or "QID1")
	end
	assert(mt.mailfrom(conn, "<" .. from .. ">") == nil, "mailfrom")
	assert(mt.getreply(conn) == SMFIR_CONTINUE, "mail not continued")
	for _, r in ipairs(rcpts) do
		assert(mt.rcptto(conn, "<" .. r .. ">") == nil, "rcptto")
		assert(mt.getreply(conn) == SMFIR_CONTINUE, "rcpt not continued")
	end
end

-- content: headers (a list of {name, value}) and a body string, then EOM
function lib.content(conn, headers, body)
	for _, h in ipairs(headers) do
		assert(mt.header(conn, h[1], h[2]) == nil, "header " .. h[1])
	end
	assert(mt.eoh(conn) == nil, "eoh")
	assert(mt.bodystring(conn, body or "Hello.\r\n") == nil, "body")
	assert(mt.eom(conn) == nil, "eom")
	return mt.getreply(conn)
end

-- staff_headers: From/To/Subject of a staff message plus extra headers
function lib.staff_headers(extra)
	local h = {
		{ "From", "Teacher One <t.one@testwood.example>" },
		{ "To", "colleague@testwood.example" },
		{ "Subject", "Trip" },
	}
	for _, e in ipairs(extra or {}) do table.insert(h, e) end
	return h
end

return lib

-- A dashboard's mix, never twice the same: list pages, lookups of clients from the file named by the first
-- argument, a filtered list, and a subscribe and unsubscribe on one of the first 100 of those clients.
local base, ids, n = "", {}, 0

function init(args)
  base = args[2] or ""
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local id = ids[(n - 1) % #ids + 1]
  local kind = n % 5
  if kind == 0 then
    return wrk.format("GET", base .. "/clients?_limit=50&_page=" .. (n % 200 + 1))
  elseif kind == 1 then
    return wrk.format("GET", base .. "/clients/" .. id)
  elseif kind == 2 then
    return wrk.format("GET", base .. "/clients?conn_state=disconnected&proto_ver=5&_page=" .. (n % 20 + 1))
  end
  local kept = ids[n % 100 + 1]
  if kind == 3 then
    return wrk.format("POST", base .. "/clients/" .. kept .. "/subscribe", nil, '{"topic": "soak/t", "qos": 1}')
  end
  return wrk.format("POST", base .. "/clients/" .. kept .. "/unsubscribe", nil, '{"topic": "soak/t"}')
end

-- Alternates a subscribe and an unsubscribe of the same topic filter for one client.
local n = 0
request = function()
  n = n + 1
  local action = (n % 2 == 1) and "subscribe" or "unsubscribe"
  local body = (n % 2 == 1) and '{"topic": "bench/t", "qos": 1}' or '{"topic": "bench/t"}'
  wrk.headers["Content-Type"] = "application/json"
  return wrk.format("POST", wrk.path .. "/" .. action, nil, body)
end

-- Requests that are never alike: in the path template (first argument), %d becomes a request counter and
-- %s the next clientid of the file named by the fourth argument. Second argument: method (GET); third: a
-- JSON body, if any (empty: none).
local template, method, body, ids, n = "/", "GET", nil, {}, 0

function init(args)
  template = args[1] or template
  method = args[2] or method
  body = args[3]
  if body == "" then body = nil end
  if args[4] then
    for line in io.lines(args[4]) do ids[#ids + 1] = line end
  end
  if body then wrk.headers["Content-Type"] = "application/json" end
end

function request()
  n = n + 1
  local path = template:gsub("%%d", tostring(n))
  if #ids > 0 then path = path:gsub("%%s", ids[(n - 1) % #ids + 1]) end
  return wrk.format(method, path, nil, body)
end

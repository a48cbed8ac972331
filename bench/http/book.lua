-- POST /v1/bookings of `tick` (5 minutes, open around the clock) at distinct
-- starts: each thread takes every THREADS-th start from BASE on.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  base = tonumber(args[1])
  step = tonumber(args[2])
  counter = 0
end

function request()
  local at = base + (counter * step + id) * 300
  counter = counter + 1
  local body = string.format('{"resource": "ticker", "service": "tick", "start": "%s"}', os.date("!%Y-%m-%dT%H:%M:%SZ", at))
  local headers = {["Content-Type"] = "application/json"}
  for name, value in pairs(wrk.headers) do headers[name] = value end  -- the -H Authorization
  return wrk.format("POST", "/v1/bookings", headers, body)
end

function done(summary, latency, requests)
  io.write(string.format("non-2xx/3xx: %d\n", summary.errors.status))
end

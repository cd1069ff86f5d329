-- bench_timeline_query's wrk script: cycle through a file of prepared requests, one per line
-- as METHOD<TAB>PATH<TAB>BODY (BODY may be empty), and print the figures as one JSON line.
--
--   wrk -t1 -c8 -d5s -s benchmarks/wrk_timeline.lua http://127.0.0.1:8000 -- requests.tsv

local requests = {}
local next_request = 0

function init(args)
  local file = assert(io.open(args[1], "r"))
  for line in file:lines() do
    local method, path, body = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
    local headers = {}
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    requests[#requests + 1] = wrk.format(method, path, headers, body)
  end
  file:close()
  -- Each connection starts at a different place, so concurrent requests differ.
  next_request = math.random(#requests) - 1
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function done(summary, latency, _)
  local e = summary.errors
  io.write(string.format(
    'JSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
      .. '"mean_us": %.1f, "max_us": %d, "connect_errors": %d, "read_errors": %d, '
      .. '"write_errors": %d, "status_errors": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.mean, latency.max, e.connect, e.read, e.write, e.status,
    e.timeout))
end

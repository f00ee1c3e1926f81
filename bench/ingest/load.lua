-- wrk script of the ingest benchmark: PUT of a fixed body with a Connect JWT, counting the
-- acknowledged (200) requests of every thread and printing the figures the run script reads.
-- Environment: BENCH_TOKEN, BENCH_BODY_FILE, BENCH_ITEMS (items per request).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(os.getenv("BENCH_BODY_FILE"), "r"))
  wrk.method = "PUT"
  wrk.body = file:read("*a")
  file:close()
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "JWT " .. os.getenv("BENCH_TOKEN")
  acknowledged = 0
  refused = 0
end

function response(status, headers, body)
  if status == 200 then
    acknowledged = acknowledged + 1
  else
    refused = refused + 1
  end
end

function done(summary, latency, requests)
  local acknowledged, refused = 0, 0
  for _, thread in ipairs(threads) do
    acknowledged = acknowledged + thread:get("acknowledged")
    refused = refused + thread:get("refused")
  end
  local seconds = summary.duration / 1e6
  local items = tonumber(os.getenv("BENCH_ITEMS"))
  io.write(string.format("RESULT requests_per_s=%.0f events_per_s=%.0f p50_ms=%.2f p99_ms=%.2f acknowledged_requests=%d refused_requests=%d socket_errors=%d acknowledged_events=%d\n",
    acknowledged / seconds, acknowledged * items / seconds, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    acknowledged, refused, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    acknowledged * items))
end

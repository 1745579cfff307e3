-- wrk script for scripts/bench-web: every request carries a session cookie.
--
-- COOKIES (env): a file with one cookie value per line (the value of `overblik=`).
-- BENCH_PATH (env): the path to request (default /oversigt).
--
-- wrk's Lua API has no per-connection hook, so each thread gets its own slice of
-- the cookie file in `setup` and hands the slice out round-robin in `request`.
-- With as many cookies as connections (-c N) every session is used equally often.
-- Responses are counted by status code: a session that has lapsed answers 303 to
-- /login, which wrk itself would count as success.

local cookies = {}
local threads = {}
local next_id = 0

local function read_cookies()
  local file = assert(io.open(os.getenv("COOKIES"), "r"), "COOKIES: cannot open file")
  local list = {}
  for line in file:lines() do
    if line ~= "" then list[#list + 1] = line end
  end
  file:close()
  return list
end

function setup(thread)
  if #cookies == 0 then cookies = read_cookies() end
  thread:set("id", next_id)
  next_id = next_id + 1
  threads[#threads + 1] = thread
end

function init(args)
  -- this thread's slice: cookies id+1, id+1+nthreads, ...
  local all = read_cookies()
  local nthreads = tonumber(os.getenv("WRK_THREADS") or "1")
  mine = {}
  for i = id + 1, #all, nthreads do mine[#mine + 1] = all[i] end
  if #mine == 0 then mine = all end
  counter = 0
  statuses = {}
  path = os.getenv("BENCH_PATH") or "/oversigt"
end

function request()
  counter = counter + 1
  local cookie = mine[(counter - 1) % #mine + 1]
  return wrk.format("GET", path, { ["Cookie"] = "overblik=" .. cookie })
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    if s then
      for code, n in pairs(s) do total[code] = (total[code] or 0) + n end
    end
  end
  local parts = {}
  for code, n in pairs(total) do parts[#parts + 1] = code .. "=" .. n end
  table.sort(parts)
  io.write(string.format("status codes: %s\n", table.concat(parts, " ")))
  io.write(string.format(
    "SUMMARY requests=%d duration_s=%.2f rps=%.1f p50_ms=%.1f p90_ms=%.1f p99_ms=%.1f max_ms=%.1f mean_ms=%.1f errors=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, latency.mean / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.status + summary.errors.timeout))
end

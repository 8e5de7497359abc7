-- wrk script of scripts/load.sh: every request acts for a random seeker of
-- the seeded population (SEEKERS: one line per seeker, "token opp1,opp2,…").
-- SCENARIO picks what is sent:
--   healthz GET /healthz (wrk's static request: no Lua per request)
--   kept    GET /v1/agenda (the agenda kept for the minute)
--   kept-gz the same with Accept-Encoding: gzip (an answer that comes back
--           without Content-Encoding: gzip counts as "uncompressed-<status>")
--   cold    GET /v1/agenda?at=<a different instant each time> (never kept)
--   list    GET /v1/opportunities
--   write   POST an interaction to one of the seeker's opportunities
--   mix     90 % kept agenda, 10 % writes
-- Outside healthz every answer's status is counted (a 503 with and without
-- Retry-After apart), and the bytes of the bodies received. done() prints one
-- line for load.sh:
--   result requests=… seconds=… p50=… p99=… (ms) non2xx=… timeouts=…
--   connect=… read=… write=… bytes=… statuses=200:…,503+retry-after:…

local scenario = os.getenv("SCENARIO") or "kept"
local seekers = {}
local threads = {}
local kinds = { "note", "follow_up_email", "call_no_answer", "reply_received", "thank_you" }

local function split(text, sep)
  local out = {}
  for part in string.gmatch(text, "([^" .. sep .. "]+)") do
    out[#out + 1] = part
  end
  return out
end

function setup(thread)
  thread:set("id", math.random(1, 1000000))
  threads[#threads + 1] = thread
end

if scenario == "healthz" then
  wrk.path = "/healthz"
else
  statuses = {}
  received = 0

  function init(args)
    for line in io.lines(os.getenv("SEEKERS")) do
      local fields = split(line, " ")
      seekers[#seekers + 1] = { token = fields[1], opps = split(fields[2] or "", ",") }
    end
    math.randomseed(os.time() + (id or 0))
  end

  local function get(seeker, path, coding)
    local headers = { ["Authorization"] = "Bearer " .. seeker.token }
    if coding then
      headers["Accept-Encoding"] = coding
    end
    return wrk.format("GET", path, headers)
  end

  local function write(seeker)
    local opp = seeker.opps[math.random(1, #seeker.opps)]
    local kind = kinds[math.random(1, #kinds)]
    return wrk.format("POST", "/v1/opportunities/" .. opp .. "/interactions", {
      ["Authorization"] = "Bearer " .. seeker.token,
      ["Content-Type"] = "application/json",
    }, '{"kind":"' .. kind .. '"}')
  end

  function request()
    local seeker = seekers[math.random(1, #seekers)]
    if scenario == "cold" then
      local at = string.format("2026-11-%02dT%02d:%02d:%02dZ", math.random(1, 28),
        math.random(0, 23), math.random(0, 59), math.random(0, 59))
      return get(seeker, "/v1/agenda?at=" .. at)
    elseif scenario == "list" then
      return get(seeker, "/v1/opportunities")
    elseif scenario == "write" then
      return write(seeker)
    elseif scenario == "mix" and math.random(1, 10) == 1 then
      return write(seeker)
    elseif scenario == "kept-gz" then
      return get(seeker, "/v1/agenda", "gzip")
    end
    return get(seeker, "/v1/agenda")
  end

  function response(status, headers, body)
    local key = tostring(status)
    if status == 503 and (headers["Retry-After"] or headers["retry-after"]) then
      key = "503+retry-after"
    end
    if scenario == "kept-gz" and status == 200
        and (headers["Content-Encoding"] or headers["content-encoding"]) ~= "gzip" then
      key = "uncompressed-" .. key
    end
    received = received + #(body or "")
    statuses[key] = (statuses[key] or 0) + 1
  end
end

function done(summary, latency, requests)
  local counts = {}
  local bytes = 0
  for _, thread in ipairs(threads) do
    bytes = bytes + (tonumber(thread:get("received")) or 0)
    local counted = thread:get("statuses")
    if type(counted) == "table" then
      for key, n in pairs(counted) do
        counts[key] = (counts[key] or 0) + n
      end
    end
  end
  local keys = {}
  for key in pairs(counts) do
    keys[#keys + 1] = key
  end
  table.sort(keys)
  local listed = {}
  for _, key in ipairs(keys) do
    listed[#listed + 1] = key .. ":" .. counts[key]
  end
  local e = summary.errors
  io.write(string.format(
    "result requests=%d seconds=%.3f p50=%.2f p99=%.2f non2xx=%d timeouts=%d connect=%d read=%d write=%d bytes=%d statuses=%s\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.timeout, e.connect, e.read, e.write, bytes,
    #listed > 0 and table.concat(listed, ",") or "-"))
end

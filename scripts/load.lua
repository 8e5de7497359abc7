-- wrk script of scripts/load.sh: every request acts for a random seeker of
-- the seeded population (SEEKERS: one line per seeker, "token opp1,opp2,…").
-- SCENARIO picks what is sent:
--   kept    GET /v1/agenda (the agenda kept for the minute)
--   cold    GET /v1/agenda?at=<a different instant each time> (never kept)
--   list    GET /v1/opportunities
--   write   POST an interaction to one of the seeker's opportunities
--   mix     90 % kept agenda, 10 % writes
-- wrk counts non-2xx answers; done() prints the percentiles and timeouts.

local seekers = {}
local scenario = os.getenv("SCENARIO") or "kept"
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
end

function init(args)
  for line in io.lines(os.getenv("SEEKERS")) do
    local fields = split(line, " ")
    seekers[#seekers + 1] = { token = fields[1], opps = split(fields[2] or "", ",") }
  end
  math.randomseed(os.time() + (id or 0))
end

local function get(seeker, path)
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. seeker.token })
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
  elseif scenario == "mix" then
    if math.random(1, 10) == 1 then
      return write(seeker)
    end
    return get(seeker, "/v1/agenda")
  end
  return get(seeker, "/v1/agenda")
end

function done(summary, latency, requests)
  io.write(string.format("p50 %.2f ms  p99 %.2f ms  timeouts %d\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.errors.timeout))
end

-- wrk script: POST /v1/sessions/verify (`local`) with a token no request has presented before.
-- Thread k of GH_THREADS takes lines GH_FIRST + k, GH_FIRST + k + GH_THREADS, ... of GH_TOKENS,
-- within GH_COUNT lines from GH_FIRST. A thread that runs out starts its slice again; the driver
-- (scripts/ceiling_bench.py) rejects a run with more requests than GH_COUNT, so none is counted.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local tokens, i = {}, 0
function init(args)
  local threads, first = tonumber(os.getenv("GH_THREADS")), tonumber(os.getenv("GH_FIRST"))
  local last, n = first + tonumber(os.getenv("GH_COUNT")), 0
  for line in io.lines(os.getenv("GH_TOKENS")) do
    if n >= first and n < last and (n - first) % threads == id then tokens[#tokens + 1] = line end
    n = n + 1
  end
end
function request()
  i = i % #tokens + 1
  return wrk.format("POST", "/v1/sessions/verify", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("GH_KEY"),
  }, '{"access_token":"' .. tokens[i] .. '","mode":"local"}')
end

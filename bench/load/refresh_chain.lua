-- wrk script: POST /v1/sessions/refresh where every request presents the newest refresh token of
-- its session, as a real client does: each thread owns a disjoint slice of GH_TOKENS (one token
-- per line), takes a token for each request and puts back the new one from the response. A token
-- is never presented twice, so no request is a replay. Environment: GH_TOKENS, GH_THREADS, GH_KEY.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end
local pool = {}
function init(args)
  local threads, n = tonumber(os.getenv("GH_THREADS")), 0
  for line in io.lines(os.getenv("GH_TOKENS")) do
    if n % threads == id then pool[#pool + 1] = line end
    n = n + 1
  end
end
function request()
  local token = table.remove(pool, 1)  -- oldest first, so every session keeps rotating
  return wrk.format("POST", "/v1/sessions/refresh", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("GH_KEY"),
  }, '{"refresh_token":"' .. token .. '"}')
end
function response(status, headers, body)
  local next = string.match(body, '"refresh_token":{"token":"([^"]+)"')
  if next then pool[#pool + 1] = next end
end

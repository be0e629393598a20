-- wrk script: POSTs JSON bodies built from a token file, one token per line, round-robin.
-- Environment: GH_TOKENS (file), GH_PATH (URL path), GH_FIELD (JSON member), GH_KEY (API key),
-- GH_EXTRA (extra JSON members, optional).
local tokens = {}
local i = 0
function init(args)
  for line in io.lines(os.getenv("GH_TOKENS")) do tokens[#tokens + 1] = line end
  i = math.random(#tokens)
end
function request()
  i = i % #tokens + 1
  local extra = os.getenv("GH_EXTRA") or ""
  local body = '{"' .. os.getenv("GH_FIELD") .. '":"' .. tokens[i] .. '"' .. extra .. '}'
  return wrk.format("POST", os.getenv("GH_PATH"), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("GH_KEY"),
  }, body)
end

-- wrk script: POST /v1/sessions for a spread of user ids. Environment: GH_KEY (API key).
local n = 0
function request()
  n = n + 1
  local body = '{"user_id":"load-' .. (n % 10000) .. '","device":{"user_agent":"wrk"}}'
  return wrk.format("POST", "/v1/sessions", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("GH_KEY"),
  }, body)
end

-- wrk script: POST /v1/auth/signin with the right password for bench-<n>@example.com,
-- n in [0, GH_USERS). Header transport, so no cookies are kept.
local n = 0
local users = tonumber(os.getenv("GH_USERS"))
function request()
  n = n + 1
  local body = '{"email":"bench-' .. (n % users) .. '@example.com","password":"correct horse battery"}'
  return wrk.format("POST", "/v1/auth/signin", {
    ["Content-Type"] = "application/json",
    ["X-Gatehouse-CSRF"] = "1",
    ["X-Gatehouse-Transport"] = "header",
  }, body)
end

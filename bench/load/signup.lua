-- wrk script: POST /v1/auth/signup with a new email every time.
local n = 0
local prefix = ""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
function init(args)
  prefix = tostring(thread_id) .. "-" .. tostring(os.time())
end
function request()
  n = n + 1
  local body = '{"email":"su-' .. prefix .. '-' .. n .. '@example.com","password":"correct horse battery"}'
  return wrk.format("POST", "/v1/auth/signup", {
    ["Content-Type"] = "application/json",
    ["X-Gatehouse-CSRF"] = "1",
    ["X-Gatehouse-Transport"] = "header",
  }, body)
end

-- POST /v2/orders (or $POST_PATH) with a fresh Idempotency-Key and source order id per request. Each wrk thread gets its own
-- number in setup(); the start time keeps ids of separate runs against one database apart.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local counter = 0
local run = tostring(os.time())
local path = os.getenv("POST_PATH") or "/v2/orders"
request = function()
  counter = counter + 1
  local id = run .. "-" .. tostring(tid) .. "-" .. counter
  local body = string.format(os.getenv("ORDER_BODY"), id)
  return wrk.format("POST", path, {
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. id,
  }, body)
end

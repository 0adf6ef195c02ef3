-- POST /v2/orders with a fresh Idempotency-Key and source order id per request (wrk, one counter per thread).
local counter = 0
local thread_id = tostring(math.random(1, 1e9))
request = function()
  counter = counter + 1
  local id = thread_id .. "-" .. counter
  local body = string.format(os.getenv("ORDER_BODY"), id)
  return wrk.format("POST", "/v2/orders", {
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. id,
  }, body)
end

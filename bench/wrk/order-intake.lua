-- Order intake at fixed concurrency: POST /v2/orders, where 10 % of the requests are client retries, i.e. the same
-- Idempotency-Key and the same body as an order whose first 201 already came back (the answer must be its replay).
-- $ORDER_BODIES: one JSON order per line with a %s for the source order id (one line per SKU, with its price);
-- $TOKEN: the bearer token; $RUN_ID: keeps the ids of separate runs against one database apart.
-- done() prints one line, ORDER_INTAKE {json}, with the client's count of each kind of answer.
local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("tid", #threads)
end

local templates = {}
local token, run
local counter = 0
-- Ids whose first answer was a 201: the only ones a retry picks, so a retry is never a 409 "still in flight".
local completed = {}
-- Globals, so that done() can read them from each thread.
created, replayed, retries, conflicts, other = 0, 0, 0, 0, 0

function init(args)
  for line in io.lines(os.getenv("ORDER_BODIES")) do
    if #line > 0 then table.insert(templates, line) end
  end
  token = "Bearer " .. os.getenv("TOKEN")
  run = os.getenv("RUN_ID")
  math.randomseed(os.time() * 100 + tid)
end

function request()
  local id, n
  if #completed > 0 and math.random() < 0.1 then
    id = completed[math.random(#completed)]
    retries = retries + 1
  else
    counter = counter + 1
    id = run .. "-" .. tid .. "-" .. counter
  end
  -- The body follows from the id alone (its counter picks the SKU), so a retry sends exactly the first body.
  n = tonumber(string.match(id, "-(%d+)$"))
  local body = string.format(templates[(n % #templates) + 1], id)
  return wrk.format("POST", "/v2/orders", {
    ["Authorization"] = token,
    ["Content-Type"] = "application/json",
    ["Idempotency-Key"] = "bench-" .. id,
  }, body)
end

function response(status, headers, body)
  if status == 201 then
    if headers["Idempotency-Replayed"] == "true" or headers["idempotency-replayed"] == "true" then
      replayed = replayed + 1
    else
      created = created + 1
      local id = string.match(body, '"orderId":"BENCH%-([^"]+)"')
      if id then table.insert(completed, id) end
    end
  elseif status == 409 then
    conflicts = conflicts + 1
  else
    other = other + 1
  end
end

function done(summary, latency, requests)
  local t = { created = 0, replayed = 0, retries = 0, conflicts = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + thread:get(k) end
  end
  io.write(string.format('ORDER_INTAKE {"created":%d,"replayed":%d,"retries":%d,"conflicts":%d,"other":%d,"durationUs":%d}\n',
    t.created, t.replayed, t.retries, t.conflicts, t.other, summary.duration))
end

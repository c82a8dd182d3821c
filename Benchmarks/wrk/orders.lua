-- Places realistic orders: 1-3 lines over BENCH_SKUS skus (default 1000), about one line in
-- five picked up in a store, a unique externalId per request (thread id + counter), so that
-- every request is a new order. With BENCH_HOT=1 it is a flash sale instead: every order is
-- one unit of HOT-1, which only the warehouse BL-0 stocks (one hot inventory row).
local skus = tonumber(os.getenv("BENCH_SKUS") or "1000")
local hot = os.getenv("BENCH_HOT") == "1"
local key = os.getenv("ORDERLY_ADMIN_KEY") or "ork_bench"
local stores = { "BL-1", "BL-2", "BL-3" }
local counter = 0
local threads = {}

-- thread_id is a global that setup gives each thread (a local here would hide it: every
-- thread would be 0, and two threads' orders could share an externalId — a repeat).
function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + thread_id * 7919)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Authorization"] = "Bearer " .. key
end

request = function()
  counter = counter + 1
  local lines = {}
  if hot then
    lines[1] = string.format('{"sku":"HOT-1","quantity":1,"unitPrice":%d,"delivery":{"method":"ship"}}', math.random(100, 9999))
  end
  for i = 1, (hot and 0 or math.random(1, 3)) do
    local sku = string.format("BENCH-%d", math.random(0, skus - 1))
    local delivery = '{"method":"ship"}'
    if math.random(1, 5) == 1 then
      delivery = string.format('{"method":"pickup","locationId":"%s"}', stores[math.random(1, 3)])
    end
    lines[#lines + 1] = string.format('{"sku":"%s","quantity":%d,"unitPrice":%d,"delivery":%s}', sku, math.random(1, 2), math.random(100, 9999), delivery)
  end
  local body = string.format(
    '{"channel":"bench","externalId":"w%d-%d-%d","customer":{"email":"c%d@example.com","name":"Bench Customer"},"currency":"EUR",' ..
    '"shippingAddress":{"line1":"Damrak 1","city":"Amsterdam","postalCode":"1012 LG","country":"NL","latitude":52.37,"longitude":4.89},' ..
    '"lines":[%s]}',
    thread_id, os.time(), counter, math.random(1, 50000), table.concat(lines, ","))
  return wrk.format(nil, "/v1/orders", nil, body)
end

-- BENCH_DELAY_MS: each connection waits this long before its next order (a bounded rate for
-- long runs such as the soak); unset, it sends as fast as the server answers.
local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "0")
if pause > 0 then
  function delay()
    return pause
  end
end

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("RESULT rps=%.1f p50=%.2f p99=%.2f errors=%d non2xx=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end

-- Places realistic orders: 1-3 lines over BENCH_SKUS skus (default 1000), about one line in
-- five picked up in a store, a unique externalId per request (thread id + counter), so that
-- every request is a new order. With BENCH_HOT=1 it is a flash sale instead: every order is
-- one unit of HOT-1, which only the warehouse BL-0 stocks (one hot inventory row).
-- BENCH_MONEY (a server that knows the order's money): every line carries a discount, and
-- the order a discount spread over its lines and a shipping line. BENCH_MONEY=sent: the lines
-- and the shipping carry their VAT as the channel computed it; BENCH_MONEY=rates: they carry
-- none, and the server taxes them from its tax rates (seed adds NL 21 % and shipping 21 %).
local skus = tonumber(os.getenv("BENCH_SKUS") or "1000")
local hot = os.getenv("BENCH_HOT") == "1"
local money = os.getenv("BENCH_MONEY") or ""

-- VAT included in a price of `net` minor units at 21 %, rounded half up: net * 21 / 121.
local function vat(net)
  return math.floor((net * 21 + 60) / 121)
end
local function taxes(net)
  if money ~= "sent" then return "" end
  return string.format(',"taxes":[{"name":"VAT","rate":0.21,"amount":%d,"included":true}]', vat(net))
end
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
    local quantity, price = math.random(1, 2), math.random(100, 9999)
    if money == "" then
      lines[#lines + 1] = string.format('{"sku":"%s","quantity":%d,"unitPrice":%d,"delivery":%s}', sku, quantity, price, delivery)
    else
      -- A line discount of about 10 %; the VAT (when sent) is on the net after it. The order
      -- discount below is spread by the server, which then recomputes nothing sent.
      local discount = math.floor(quantity * price / 10)
      lines[#lines + 1] = string.format(
        '{"sku":"%s","quantity":%d,"unitPrice":%d,"delivery":%s,"discounts":[{"code":"TEN","name":"Ten percent","amount":%d}]%s}',
        sku, quantity, price, delivery, discount, taxes(quantity * price - discount))
    end
  end
  local extra = ""
  if money ~= "" then
    extra = ',"shippingLines":[{"method":"standard","price":495' ..
      (money == "sent" and ',"taxes":[{"name":"VAT","rate":0.21,"amount":104,"included":false}]' or "") .. '}]' ..
      ',"billingAddress":{"line1":"Damrak 1","city":"Amsterdam","postalCode":"1012 LG","country":"NL"}'
    if money == "rates" then
      -- An order discount only where no tax was sent: a spread share would change the net a sent tax was computed on.
      extra = extra .. ',"discounts":[{"code":"WELCOME","name":"Welcome","amount":100}]'
    end
  end
  local body = string.format(
    '{"channel":"bench","externalId":"w%d-%d-%d","customer":{"email":"c%d@example.com","name":"Bench Customer"},"currency":"EUR",' ..
    '"shippingAddress":{"line1":"Damrak 1","city":"Amsterdam","postalCode":"1012 LG","country":"NL","latitude":52.37,"longitude":4.89},' ..
    '"lines":[%s]%s}',
    thread_id, os.time(), counter, math.random(1, 50000), table.concat(lines, ","), extra)
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

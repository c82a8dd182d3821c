# Shared by the benchmark and reliability scripts (sourced, not run).

# A free TCP port on loopback.
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

# A bench business through the API: 4 locations (BL-0 a warehouse, BL-1..3 stores), channel
# `bench`, $SKUS products BENCH-0… with 1,000,000 units at every location. Needs $WORK.
seed() {
  local base=$1 auth="Authorization: Bearer $ORDERLY_ADMIN_KEY"
  for i in 0 1 2 3; do
    local type=warehouse; [ "$i" -gt 0 ] && type=store
    curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/locations" \
      -d "{\"id\":\"BL-$i\",\"name\":\"Bench $i\",\"type\":\"$type\",\"latitude\":52.$i,\"longitude\":4.$i,\"priority\":$((i * 10))}" >/dev/null
  done
  curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/channels" -d '{"id":"bench","name":"Bench","type":"web"}' >/dev/null
  python3 - "$SKUS" > "$WORK/products.json" <<'PY'
import json, sys
print(json.dumps([{"sku": f"BENCH-{i}", "name": f"Bench product {i}"} for i in range(int(sys.argv[1]))]))
PY
  curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/products" --data-binary @"$WORK/products.json" >/dev/null
  python3 - "$SKUS" > "$WORK/stock.csv" <<'PY'
import sys
print("sku,locationId,onHand")
for i in range(int(sys.argv[1])):
    for l in range(4):
        print(f"BENCH-{i},BL-{l},1000000")
PY
  curl -sf -H "$auth" -H 'Content-Type: text/csv' -X POST "$base/v1/inventory/import" --data-binary @"$WORK/stock.csv" >/dev/null
  # The flash-sale sku: one inventory row (BL-0) that every order of Benchmarks/wrk/orders.lua
  # with BENCH_HOT=1 wants.
  curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/products" -d '[{"sku":"HOT-1","name":"Flash sale"}]' >/dev/null
  curl -sf -H "$auth" -H 'Content-Type: application/json' -X PUT "$base/v1/inventory/HOT-1/BL-0" -d '{"onHand":100000000}' >/dev/null
  # BENCH_STRATEGY=1: the bench channel routes by a 3-rule strategy (the first two apply to
  # every order and keep to one location each — a store within 100 km, then the warehouse —
  # the last weighs distance, priority and stock left), so every order is judged by rules.
  if [ "${BENCH_STRATEGY:-}" = 1 ]; then
    curl -sf -H "$auth" -H 'Content-Type: application/json' -X PUT "$base/v1/routing-strategies/bench" -d '{"rules": [
      {"name": "near store", "when": {"fact": "order.total", "op": "gte", "value": 0}, "maxSplits": 1, "onFailure": "next",
       "locations": {"all": [{"fact": "location.type", "op": "eq", "value": "store"}, {"fact": "location.distanceKm", "op": "lte", "value": 100}]}},
      {"name": "warehouse", "locations": {"fact": "location.type", "op": "eq", "value": "warehouse"}, "maxSplits": 1, "onFailure": "next"},
      {"name": "anywhere", "scoring": [{"criterion": "distance", "weight": 2}, {"criterion": "priority", "weight": 1},
       {"criterion": "stockAfter", "weight": 1}], "onFailure": "backorder"}]}' >/dev/null
    curl -sf -H "$auth" -H 'Content-Type: application/json' -X PATCH "$base/v1/channels/bench" -d '{"routing": {"strategy": "bench"}}' >/dev/null
  fi
  # BENCH_HOLD_RULE=1: the bench channel has a hold rule that every order is judged by and
  # none meets (a total of ten billion), so placement decides the channel's standard workflow
  # for each order without holding it.
  if [ "${BENCH_HOLD_RULE:-}" = 1 ]; then
    curl -sf -H "$auth" -H 'Content-Type: application/json' -X PATCH "$base/v1/channels/bench" \
      -d '{"holdRules": [{"name": "bench review", "minTotal": 1000000000000}]}' >/dev/null
  fi
  # Orders sent without taxes (Benchmarks/wrk/orders.lua, BENCH_MONEY=rates) are taxed from these.
  if [ "${BENCH_MONEY:-}" = rates ]; then
    curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/tax-rates" -d '[
      {"id":"nl-standard","country":"NL","taxCategory":"standard","name":"VAT","rate":0.21,"included":true},
      {"id":"nl-shipping","country":"NL","taxCategory":"shipping","name":"VAT","rate":0.21,"included":false}]' >/dev/null
  fi
}

# A work folder in $WORK, and on exit: the server ($SERVER_PID) and the PostgreSQL cluster
# ($PG_DIR) the script started are stopped and the folder removed.
start_work() { # name
  WORK=$(mktemp -d "/tmp/orderly-$1.XXXXXX")
  SERVER_PID=""
  PG_DIR=""
  trap stop_work EXIT
}
stop_work() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  if [ -n "$PG_DIR" ]; then scripts/postgres stop "$PG_DIR"; fi
  rm -rf "$WORK"
}

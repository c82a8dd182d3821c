#!/usr/bin/env bash
# Scale on PostgreSQL: 1,000,000 inventory levels (20,000 skus × 50 locations, imported through
# the API) and then 1,000,000 orders (bulk-inserted history: 100,000 customers, 2 lines each,
# spread over two years). Order placement (wrk, Benchmarks/wrk/orders.lua) and order searches
# (curl, the same queries the back office runs) are measured on the small database and again on
# the large one, in the same run, so the table says how they grow.
# Bounded: fixed counts, each load point $SECONDS_PER_POINT seconds, loopback only.
#   Benchmarks/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/lib.sh
SECONDS_PER_POINT=${SECONDS_PER_POINT:-8}
CONNECTIONS=${CONNECTIONS:-32}
SKUS=20000
LOCATIONS=50
ORDERS=${ORDERS:-1000000}
SEARCHES=${SEARCHES:-40}
export BENCH_SKUS=$SKUS ORDERLY_RATE_LIMIT=0
export ORDERLY_ADMIN_KEY=ork_scale_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
BIN=${ORDERLY_BIN:-.build/release/orderly}
[ -x "$BIN" ] || swift build -c release --product orderly >/dev/null
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -1 || command -v psql)
start_work scale

eval "$(ORDERLY_PG_FSYNC=on ORDERLY_PG_SYNC=on scripts/postgres start)"
PG_DIR=$DIR
port=$(free_port)
base="http://127.0.0.1:$port"
auth="Authorization: Bearer $ORDERLY_ADMIN_KEY"
ORDERLY_LOG_LEVEL=error ORDERLY_DATABASE_POOL_SIZE=32 "$BIN" serve --port "$port" --database-url "$URL" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done

started=$(date +%s)
for i in $(seq 0 $((LOCATIONS - 1))); do
  type=store; [ "$i" -eq 0 ] && type=warehouse
  curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/locations" \
    -d "{\"id\":\"BL-$i\",\"name\":\"Bench $i\",\"type\":\"$type\",\"latitude\":5$((i % 3)).$i,\"longitude\":4.$i,\"priority\":$i}" >/dev/null
done
curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/channels" -d '{"id":"bench","name":"Bench","type":"web"}' >/dev/null
for chunk in $(seq 0 4999 $((SKUS - 1))); do
  python3 -c "import json,sys; print(json.dumps([{'sku': f'BENCH-{i}', 'name': f'Bench {i}'} for i in range($chunk, min($chunk + 5000, $SKUS))]))" >"$WORK/products.json"
  curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/products" --data-binary @"$WORK/products.json" >/dev/null
done
for l in $(seq 0 $((LOCATIONS - 1))); do
  python3 -c "
print('sku,locationId,onHand')
for i in range($SKUS): print(f'BENCH-{i},BL-$l,1000000')" >"$WORK/stock.csv"
  curl -sf -H "$auth" -H 'Content-Type: text/csv' -X POST "$base/v1/inventory/import" --data-binary @"$WORK/stock.csv" >/dev/null
done
levels=$("$PSQL" -tA "$URL" -c "SELECT count(*) FROM inventory_levels")
echo "seeded $levels inventory levels through the API in $(( $(date +%s) - started )) s"

place() { # label
  local r
  r=$(wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_POINT}s" --latency -s Benchmarks/wrk/orders.lua "$base/v1/orders" -H "$auth" | grep RESULT)
  echo "$1|$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$r")|$(sed -E 's/.*p50=([0-9.]+).*/\1/' <<<"$r")|$(sed -E 's/.*p99=([0-9.]+).*/\1/' <<<"$r")"
}
search() { # label path
  local times=()
  for _ in $(seq 1 "$SEARCHES"); do times+=("$(curl -s -o /dev/null -w '%{time_total}' -H "$auth" "$base$2")"); done
  printf '%s\n' "${times[@]}" | sort -n | python3 -c "
import sys; t=[float(x)*1000 for x in sys.stdin]; print(f'$1|{t[len(t)//2]:.1f}|{t[min(len(t)-1, len(t)*99//100)]:.1f}')"
}
measure() { # phase
  place "$1: place orders ($CONNECTIONS connections)" >>"$WORK/place.txt"
  customer=$("$PSQL" -tA "$URL" -c "SELECT customer_id FROM orders ORDER BY created_at DESC LIMIT 1")
  {
    search "$1: newest orders" "/v1/orders?limit=50"
    search "$1: by email (q=c1234@example.com)" "/v1/orders?q=c1234%40example.com&limit=50"
    search "$1: by customer" "/v1/orders?customerId=$customer&limit=50"
    search "$1: by status awaiting_stock" "/v1/orders?status=awaiting_stock&limit=50"
    search "$1: by sku" "/v1/orders?sku=BENCH-777&limit=50"
    search "$1: by sku and date range" "/v1/orders?sku=BENCH-777&createdFrom=2025-06-01T00:00:00Z&createdTo=2025-07-01T00:00:00Z&limit=50"
    search "$1: inventory of one sku (50 locations)" "/v1/inventory?sku=BENCH-4242"
  } >>"$WORK/search.txt"
}

measure "small"
small_orders=$("$PSQL" -tA "$URL" -c "SELECT count(*) FROM orders")
started=$(date +%s)
now_ms=$(( $(date +%s) * 1000 ))
"$PSQL" -q -v ON_ERROR_STOP=1 "$URL" <<SQL
INSERT INTO customers (id, email, email_key, name, addresses, created_at, updated_at)
SELECT 'cus_bulk' || g, 'bulk' || g || '@example.com', 'bulk' || g || '@example.com', 'Bulk Customer ' || g, '[]', 0, 0
FROM generate_series(1, 100000) g;
INSERT INTO orders (id, number, channel_id, external_id, customer_id, currency, subtotal, shipping, discount, total,
    shipping_address, latitude, longitude, tags, status, search, created_at, updated_at)
SELECT 'ord_bulk' || g, 'BULK-' || lpad(g::text, 7, '0'), 'bench', 'bulk-' || g, 'cus_bulk' || (g % 100000 + 1), 'EUR',
    1000, 0, 0, 1000, NULL, NULL, NULL, '[]', 'fulfilled',
    lower('BULK-' || lpad(g::text, 7, '0') || ' bulk-' || g || ' bulk' || (g % 100000 + 1) || '@example.com bulk customer ' || (g % 100000 + 1)),
    $now_ms - ($ORDERS - g)::bigint * 60000, $now_ms - ($ORDERS - g)::bigint * 60000
FROM generate_series(1, $ORDERS) g;
INSERT INTO order_lines (order_id, line_no, sku, quantity, unit_price, carry_out, allocated, backordered, fulfilled, cancelled, returned)
SELECT 'ord_bulk' || g, l, 'BENCH-' || ((g * 7 + l * 13) % $SKUS), 1, 500, false, 0, 0, 1, 0, 0
FROM generate_series(1, $ORDERS) g, generate_series(1, 2) l;
ANALYZE;
SQL
echo "bulk-inserted $ORDERS orders ($(( ORDERS * 2 )) lines) in $(( $(date +%s) - started )) s"
measure "large"

echo
echo "| phase | orders/s | p50 ms | p99 ms |"
echo "|---|---:|---:|---:|"
awk -F'|' '{ printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4 }' "$WORK/place.txt"
echo
echo "| search ($SEARCHES requests each) | p50 ms | p99 ms |"
echo "|---|---:|---:|"
awk -F'|' '{ printf "| %s | %s | %s |\n", $1, $2, $3 }' "$WORK/search.txt"
echo
echo "orders: $small_orders before the bulk insert, $("$PSQL" -tA "$URL" -c "SELECT count(*) FROM orders") after"
if [ "${CHECK:-1}" = 1 ]; then
  started=$(date +%s)
  "$BIN" check --database-url "$URL" | tail -1
  echo "orderly check over the large database took $(( $(date +%s) - started )) s"
fi

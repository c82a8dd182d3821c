#!/usr/bin/env bash
# A flash sale that sells out: $UNITS units (default 1,000) on one inventory row, $ORDERS
# orders (default 5,000) of one unit each over each connection count, on a channel that refuses
# shortages. Every run must answer exactly $UNITS × 201 and the rest 409 insufficient_stock,
# leave `orderly check` consistent and the row with exactly $UNITS reserved. It reports the
# rate, p50/p99 and, on PostgreSQL, the order batches' retries and fallbacks from /metrics.
# BINS: the binaries to compare, run one after the other for each engine and connection count
# (interleaved, so that both see the same machine); default the release build of this tree.
#   BINS="old/orderly .build/release/orderly" Benchmarks/sell-out.sh [engines (sqlite postgres)] [connections (32 64)]
# PostgreSQL runs with fsync and synchronous_commit on. Loopback only, bounded by $ORDERS.
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES=${1:-"sqlite postgres"}
CONNECTIONS=${2:-"32 64"}
UNITS=${UNITS:-1000}
ORDERS=${ORDERS:-5000}
export ORDERLY_ADMIN_KEY=ork_bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ORDERLY_RATE_LIMIT=0
if [ -z "${BINS:-}" ]; then swift build -c release --product orderly >/dev/null; BINS=.build/release/orderly; fi
source Benchmarks/lib.sh
start_work sellout
auth="Authorization: Bearer $ORDERLY_ADMIN_KEY"

echo "sell-out: $UNITS units of HOT-1@BL-0, $ORDERS orders per run"
echo "| engine | binary | connections | 201 | 409 insufficient_stock | other | orders/s | p50 ms | p99 ms | reserved after | check | batch retries | batch fallbacks |"
echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|"
for engine in $ENGINES; do
  for c in $CONNECTIONS; do
    for bin in $BINS; do
      if [ "$engine" = postgres ]; then
        eval "$(ORDERLY_PG_FSYNC=on ORDERLY_PG_SYNC=on scripts/postgres start)"
        PG_DIR=$DIR
        url="$URL"
      else
        rm -f "$WORK"/sellout.sqlite*
        url="sqlite://$WORK/sellout.sqlite"
      fi
      port=$(free_port)
      ORDERLY_LOG_LEVEL=error "$bin" serve --port "$port" --database-url "$url" >"$WORK/server.log" 2>&1 &
      SERVER_PID=$!
      for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
      base="http://127.0.0.1:$port"
      curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/locations" \
        -d '{"id":"BL-0","name":"Bench DC","type":"warehouse","latitude":52.0,"longitude":4.0}' >/dev/null
      curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/channels" \
        -d '{"id":"bench","name":"Bench","type":"web","routing":{"onShortage":"reject"}}' >/dev/null
      curl -sf -H "$auth" -H 'Content-Type: application/json' -X POST "$base/v1/products" -d '[{"sku":"HOT-1","name":"Flash sale"}]' >/dev/null
      curl -sf -H "$auth" -H 'Content-Type: application/json' -X PUT "$base/v1/inventory/HOT-1/BL-0" -d "{\"onHand\":$UNITS}" >/dev/null
      r=$(python3 Benchmarks/sellout.py "$port" "$ORDERLY_ADMIN_KEY" "$ORDERS" "$c")
      reserved=$(curl -sf -H "$auth" "$base/v1/inventory/HOT-1/BL-0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["reserved"])')
      metrics=$(curl -sf "$base/metrics")
      retries=$(sed -nE 's/^orderly_order_batch_retries_total ([0-9]+)/\1/p' <<<"$metrics"); retries=${retries:--}
      fallbacks=$(sed -nE 's/^orderly_order_batch_failures_total ([0-9]+)/\1/p' <<<"$metrics"); fallbacks=${fallbacks:--}
      kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
      check=$("$bin" check --database-url "$url" | tail -1 || true)
      field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$r"; }
      printf "| %s | %s | %s | %s | %s | %s | %.0f | %s | %s | %s | %s | %s | %s |\n" "$engine" "$bin" "$c" "$(field created)" "$(field refused)" \
        "$(field other)" "$(field rps)" "$(field p50)" "$(field p99)" "$reserved" "$check" "$retries" "$fallbacks"
      if [ "$(field created)" != "$UNITS" ] || [ "$reserved" != "$UNITS" ] || [ "$(field other)" != 0 ]; then
        echo "sell-out: expected exactly $UNITS orders placed and nothing else refused" >&2; exit 1
      fi
      if [ -n "$PG_DIR" ]; then scripts/postgres stop "$PG_DIR"; PG_DIR=""; fi
    done
  done
done

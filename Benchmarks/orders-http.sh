#!/usr/bin/env bash
# Orders per second through the HTTP API, on SQLite and PostgreSQL, at several connection
# counts, next to baselines measured in the same run: the same server's /health rate (the
# HTTP floor) and, on PostgreSQL, pgbench doing the bare conditional stock UPDATE at the same
# concurrency (on a copy of inventory_levels in the same database). Then a flash sale: every
# order wants the one hot row HOT-1@BL-0, against pgbench updating one row.
# Bounded: each point runs for $SECONDS_PER_POINT seconds against 127.0.0.1 only.
#   [BIN=path/to/orderly] Benchmarks/orders-http.sh [engines (sqlite postgres)] [connections (1 8 32 64)]
# The engine postgres-unprepared is PostgreSQL with ?prepare=false (statements sent unprepared),
# postgres-alone PostgreSQL with every order in a transaction of its own
# (ORDERLY_ORDER_BATCH_LANES=0), for comparing them with the default in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES=${1:-"sqlite postgres"}
CONNECTIONS=${2:-"1 8 32 64"}
HOT_CONNECTIONS=${HOT_CONNECTIONS:-"8 32 64"}
SECONDS_PER_POINT=${SECONDS_PER_POINT:-10}
SKUS=${BENCH_SKUS:-1000}
export ORDERLY_ADMIN_KEY=ork_bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The benchmark is one key at thousands of requests per second: no per-key rate limit.
export ORDERLY_RATE_LIMIT=0
export BENCH_SKUS=$SKUS

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
# BIN: the server binary to measure (another build, for comparing two in one session);
# default the release build of this tree.
if [ -z "${BIN:-}" ]; then swift build -c release --product orderly >/dev/null; BIN=.build/release/orderly; fi
# free_port, seed, start_work
source Benchmarks/lib.sh
start_work bench

run_point() { # script url connections
  local threads=$(( $3 < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$3" -d"${SECONDS_PER_POINT}s" --latency -s "$1" "$2" -H "Authorization: Bearer $ORDERLY_ADMIN_KEY" | grep RESULT
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }

PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -1 || command -v psql)
PGBENCH=$(ls /usr/lib/postgresql/*/bin/pgbench 2>/dev/null | head -1 || command -v pgbench)
# pgbench: the raw conditional reserve, each its own transaction, on a random row or the hot one.
cat >"$WORK/raw-random.sql" <<'SQL'
\set s random(0, :skus - 1)
\set l random(0, 3)
UPDATE raw_levels SET reserved = reserved + 1 WHERE sku = 'BENCH-' || :s AND location_id = 'BL-' || :l AND on_hand - reserved - safety_stock >= 1;
SQL
cat >"$WORK/raw-hot.sql" <<'SQL'
UPDATE raw_levels SET reserved = reserved + 1 WHERE sku = 'HOT-1' AND location_id = 'BL-0' AND on_hand - reserved - safety_stock >= 1;
SQL
raw_tps() { # script connections
  "$PGBENCH" -n -c "$2" -j "$(( $2 < 2 ? 1 : 2 ))" -T "$SECONDS_PER_POINT" -D skus="$SKUS" -f "$1" "$url" 2>/dev/null \
    | sed -nE 's/^tps = ([0-9.]+).*/\1/p' | head -1
}
ratio() { python3 -c "print(f'{$1/$2:.3f}')"; }

for engine in $ENGINES; do
  if [ "$engine" != sqlite ]; then
    eval "$(ORDERLY_PG_FSYNC=on ORDERLY_PG_SYNC=on scripts/postgres start)"
    PG_DIR=$DIR
    url="$URL"
  else
    url="sqlite://$WORK/bench.sqlite"
  fi
  server_url=$url
  [ "$engine" = postgres-unprepared ] && server_url="$url?prepare=false"
  lanes=${ORDERLY_ORDER_BATCH_LANES:-2}
  [ "$engine" = postgres-alone ] && lanes=0
  port=$(free_port)
  ORDERLY_LOG_LEVEL=error ORDERLY_DATABASE_POOL_SIZE=${POOL_SIZE:-8} ORDERLY_ORDER_BATCH_LANES=$lanes \
    "$BIN" serve --port "$port" --database-url "$server_url" >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  seed "http://127.0.0.1:$port"
  if [ "$engine" != sqlite ]; then
    "$PSQL" -q "$url" -c "CREATE TABLE raw_levels (LIKE inventory_levels INCLUDING ALL)" -c "INSERT INTO raw_levels SELECT * FROM inventory_levels"
  fi
  echo "engine: $engine ($SKUS skus × 4 locations, ${SECONDS_PER_POINT}s per point)"
  echo "| connections | /health req/s | raw UPDATE tx/s | orders/s | orders ÷ health | orders ÷ raw | p50 ms | p99 ms | errors |"
  echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for c in $CONNECTIONS; do
    h=$(run_point Benchmarks/wrk/health.lua "http://127.0.0.1:$port/health" "$c")
    raw="-"; [ "$engine" != sqlite ] && raw=$(raw_tps "$WORK/raw-random.sql" "$c")
    o=$(run_point Benchmarks/wrk/orders.lua "http://127.0.0.1:$port/v1/orders" "$c")
    or=$(field rps "$o")
    errs=$(sed -E 's/.*errors=([0-9]+) non2xx=([0-9]+).*/\1+\2/' <<<"$o")
    vs_raw="-"; [ "$raw" != "-" ] && vs_raw=$(ratio "$or" "$raw")
    printf "| %s | %.0f | %s | %.0f | %s | %s | %s | %s | %s |\n" "$c" "$(field rps "$h")" "${raw%.*}" "$or" "$(ratio "$or" "$(field rps "$h")")" \
      "$vs_raw" "$(field p50 "$o")" "$(field p99 "$o")" "$errs"
  done
  echo
  echo "flash sale on $engine (every order: 1 × HOT-1 from BL-0)"
  echo "| connections | raw same-row UPDATE tx/s | orders/s | orders ÷ raw | p50 ms | p99 ms | errors |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for c in $HOT_CONNECTIONS; do
    raw="-"; [ "$engine" != sqlite ] && raw=$(raw_tps "$WORK/raw-hot.sql" "$c")
    o=$(BENCH_HOT=1 run_point Benchmarks/wrk/orders.lua "http://127.0.0.1:$port/v1/orders" "$c")
    or=$(field rps "$o")
    errs=$(sed -E 's/.*errors=([0-9]+) non2xx=([0-9]+).*/\1+\2/' <<<"$o")
    vs_raw="-"; [ "$raw" != "-" ] && vs_raw=$(ratio "$or" "$raw")
    printf "| %s | %s | %.0f | %s | %s | %s | %s |\n" "$c" "${raw%.*}" "$or" "$vs_raw" "$(field p50 "$o")" "$(field p99 "$o")" "$errs"
  done
  level=$(curl -sf -H "Authorization: Bearer $ORDERLY_ADMIN_KEY" "http://127.0.0.1:$port/v1/inventory/HOT-1/BL-0")
  python3 -c "import json,sys; l=json.load(sys.stdin); print('HOT-1@BL-0 after the sale: on hand', l['onHand'], 'reserved', l['reserved'])" <<<"$level"
  "$BIN" check --database-url "$server_url" | tail -1
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  if [ -n "$PG_DIR" ]; then scripts/postgres stop "$PG_DIR"; PG_DIR=""; fi
done

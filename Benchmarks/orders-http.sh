#!/usr/bin/env bash
# Orders per second through the HTTP API, on SQLite and PostgreSQL, at several connection
# counts, with the same server's /health rate as the HTTP floor measured in the same run.
# Bounded: each point runs for $SECONDS_PER_POINT seconds against 127.0.0.1 only.
#   Benchmarks/orders-http.sh [engines (sqlite postgres)] [connections (1 8 32)]
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES=${1:-"sqlite postgres"}
CONNECTIONS=${2:-"1 8 32"}
SECONDS_PER_POINT=${SECONDS_PER_POINT:-10}
SKUS=${BENCH_SKUS:-1000}
export ORDERLY_ADMIN_KEY=ork_bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
# The benchmark is one key at thousands of requests per second: no per-key rate limit.
export ORDERLY_RATE_LIMIT=0
export BENCH_SKUS=$SKUS

command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
swift build -c release --product orderly >/dev/null
BIN=.build/release/orderly
WORK=$(mktemp -d /tmp/orderly-bench.XXXXXX)
SERVER_PID=""
PG_DIR=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  [ -n "$PG_DIR" ] && scripts/postgres stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

# free_port and seed
source Benchmarks/lib.sh

run_point() { # script url connections
  local threads=$(( $3 < 2 ? 1 : 2 ))
  wrk -t"$threads" -c"$3" -d"${SECONDS_PER_POINT}s" --latency -s "$1" "$2" -H "Authorization: Bearer $ORDERLY_ADMIN_KEY" | grep RESULT
}

for engine in $ENGINES; do
  if [ "$engine" = postgres ]; then
    eval "$(ORDERLY_PG_FSYNC=on ORDERLY_PG_SYNC=on scripts/postgres start)"
    PG_DIR=$DIR
    url="$URL"
  else
    url="sqlite://$WORK/bench.sqlite"
  fi
  port=$(free_port)
  ORDERLY_LOG_LEVEL=error ORDERLY_DATABASE_POOL_SIZE=${POOL_SIZE:-32} "$BIN" serve --port "$port" --database-url "$url" >"$WORK/server-$engine.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.2; done
  seed "http://127.0.0.1:$port"
  echo "engine: $engine ($SKUS skus × 4 locations, ${SECONDS_PER_POINT}s per point)"
  echo "| connections | /health req/s | orders/s | orders ÷ health | p50 ms | p99 ms | errors |"
  echo "|---:|---:|---:|---:|---:|---:|---:|"
  for c in $CONNECTIONS; do
    h=$(run_point Benchmarks/wrk/health.lua "http://127.0.0.1:$port/health" "$c")
    o=$(run_point Benchmarks/wrk/orders.lua "http://127.0.0.1:$port/v1/orders" "$c")
    hr=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$h")
    or=$(sed -E 's/.*rps=([0-9.]+).*/\1/' <<<"$o")
    p50=$(sed -E 's/.*p50=([0-9.]+).*/\1/' <<<"$o")
    p99=$(sed -E 's/.*p99=([0-9.]+).*/\1/' <<<"$o")
    errs=$(sed -E 's/.*errors=([0-9]+) non2xx=([0-9]+).*/\1+\2/' <<<"$o")
    printf "| %s | %.0f | %.0f | %.3f | %s | %s | %s |\n" "$c" "$hr" "$or" "$(python3 -c "print($or/$hr)")" "$p50" "$p99" "$errs"
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  if [ -n "$PG_DIR" ]; then scripts/postgres stop "$PG_DIR"; PG_DIR=""; fi
done

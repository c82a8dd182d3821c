#!/usr/bin/env bash
# Soak: a bounded order load (wrk + Benchmarks/wrk/orders.lua) for $SOAK_SECONDS (default an
# hour) at $CONNECTIONS connections, with the server's resident memory sampled every
# $SAMPLE_SECONDS. Passes when memory levels off: the last quarter's mean RSS is at most
# $GROWTH (1.25) times the second quarter's (the first is warm-up). $SOAK_RATE (orders/s,
# default unbounded) spaces each connection's requests so that a long soak leaves the machine usable.
#   Benchmarks/soak.sh [engine (sqlite|postgres)]
set -euo pipefail
cd "$(dirname "$0")/.."
source Benchmarks/lib.sh
ENGINE=${1:-sqlite}
SOAK_SECONDS=${SOAK_SECONDS:-3600}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-30}
CONNECTIONS=${CONNECTIONS:-8}
GROWTH=${GROWTH:-1.25}
SKUS=${BENCH_SKUS:-1000}
export BENCH_SKUS=$SKUS ORDERLY_RATE_LIMIT=0
if [ -n "${SOAK_RATE:-}" ]; then export BENCH_DELAY_MS=$(( CONNECTIONS * 1000 / SOAK_RATE )); fi
export ORDERLY_ADMIN_KEY=ork_soak_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
BIN=${ORDERLY_BIN:-.build/release/orderly}
[ -x "$BIN" ] || BIN=.build/debug/orderly
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
WORK=$(mktemp -d /tmp/orderly-soak.XXXXXX)
SERVER_PID=""
WRK_PID=""
PG_DIR=""
cleanup() {
  [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null || true
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [ -n "$PG_DIR" ] && scripts/postgres stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$ENGINE" = postgres ]; then
  eval "$(scripts/postgres start)"
  PG_DIR=$DIR
  url=$URL
else
  url="sqlite://$WORK/soak.sqlite"
fi
port=$(free_port)
ORDERLY_LOG_LEVEL=error "$BIN" serve --port "$port" --database-url "$url" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
seed "http://127.0.0.1:$port"
wrk -t2 -c"$CONNECTIONS" -d"${SOAK_SECONDS}s" --latency -s Benchmarks/wrk/orders.lua "http://127.0.0.1:$port/v1/orders" >"$WORK/wrk.txt" 2>&1 &
WRK_PID=$!
echo "seconds,rss_mib" >"$WORK/rss.csv"
elapsed=0
while kill -0 "$WRK_PID" 2>/dev/null && [ "$elapsed" -le "$SOAK_SECONDS" ]; do
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
  echo "$elapsed,$((rss / 1024))" >>"$WORK/rss.csv"
  sleep "$SAMPLE_SECONDS"
  elapsed=$((elapsed + SAMPLE_SECONDS))
done
wait "$WRK_PID" || true; WRK_PID=""
grep RESULT "$WORK/wrk.txt" || tail -5 "$WORK/wrk.txt"
python3 - "$WORK/rss.csv" "$GROWTH" <<'PY'
import csv, sys
rows = [(int(r["seconds"]), int(r["rss_mib"])) for r in csv.DictReader(open(sys.argv[1]))]
q = max(1, len(rows) // 4)
quarters = [rows[i * q:(i + 1) * q] or rows[-1:] for i in range(4)]
means = [sum(r for _, r in part) / len(part) for part in quarters]
print("RSS MiB by quarter (mean):", " / ".join(f"{m:.0f}" for m in means), f"(min {min(r for _, r in rows)}, max {max(r for _, r in rows)}, {len(rows)} samples)")
ok = means[3] <= float(sys.argv[2]) * means[1]
print("memory levels off" if ok else "memory keeps growing")
sys.exit(0 if ok else 1)
PY

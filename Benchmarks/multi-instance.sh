#!/usr/bin/env bash
# Several `orderly serve` instances on one PostgreSQL at once (Benchmarks/multi_instance.py
# drives them): a flash sale of one hot sku spread over all instances must never oversell,
# every webhook event must reach the receiver exactly once although every instance runs a
# dispatcher, and subscription periods run on every instance at once must each give one order.
#   Benchmarks/multi-instance.sh [instances (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
INSTANCES=${1:-3}
BIN=${ORDERLY_BIN:-.build/release/orderly}
[ -x "$BIN" ] || BIN=.build/debug/orderly
export ORDERLY_ADMIN_KEY=ork_multi_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ORDERLY_RATE_LIMIT=0 ORDERLY_WEBHOOK_RETRY_SECONDS=0.5 ORDERLY_LOG_LEVEL=error
WORK=$(mktemp -d /tmp/orderly-multi.XXXXXX)
PIDS=()
PG_DIR=""
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  [ -n "$PG_DIR" ] && scripts/postgres stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT
source Benchmarks/lib.sh  # free_port

eval "$(scripts/postgres start)"
PG_DIR=$DIR
BASES=()
for i in $(seq 1 "$INSTANCES"); do
  port=$(free_port)
  "$BIN" serve --port "$port" --database-url "$URL" >"$WORK/server-$i.log" 2>&1 &
  PIDS+=($!)
  BASES+=("http://127.0.0.1:$port")
done
for base in "${BASES[@]}"; do
  for _ in $(seq 1 150); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
done
python3 Benchmarks/multi_instance.py "${BASES[@]}"
"$BIN" check --database-url "$URL"

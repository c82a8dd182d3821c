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
# The webhook receiver of this run listens on the loopback.
export ORDERLY_WEBHOOK_ALLOW_PRIVATE=true
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
# One at a time, each answering /health before the next starts. A port free_port found can be
# taken before the server binds it (another instance's connections to PostgreSQL use ports of
# the same range): then the server exits, and it is started again on another port.
for i in $(seq 1 "$INSTANCES"); do
  for attempt in 1 2 3; do
    port=$(free_port)
    "$BIN" serve --port "$port" --database-url "$URL" >"$WORK/server-$i.log" 2>&1 &
    pid=$!
    up=""
    for _ in $(seq 1 300); do
      curl -sf "http://127.0.0.1:$port/health" >/dev/null && { up=1; break; }
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    [ -n "$up" ] && break
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    echo "instance $i did not start on port $port (attempt $attempt):" >&2; tail -3 "$WORK/server-$i.log" >&2
  done
  [ -n "$up" ] || { echo "instance $i did not start" >&2; exit 1; }
  PIDS+=("$pid")
  BASES+=("http://127.0.0.1:$port")
done
python3 Benchmarks/multi_instance.py "${BASES[@]}"
"$BIN" check --database-url "$URL"

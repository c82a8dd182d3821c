#!/usr/bin/env bash
# Crash safety: place orders from several clients, each request with an `Idempotency-Key`
# (half of them with no externalId, so that only the key prevents a second order), `kill -9`
# the server in the middle of the load, restart it on the same database, and check that
#   - every order that was acknowledged (201) is there, whole (its lines, its allocations);
#   - every request sent again with its key after the restart answers the order it answered
#     before the crash, and every unacknowledged one gets an answer (Benchmarks/crash_keys.py);
#   - each key produced exactly one order: no key shares an order, no order without a key;
#   - reserved stock equals what stored orders and reservations hold, on-hand equals the ledger
#     (`orderly check`, which also finds orders without lines).
# Runs on SQLite and on PostgreSQL (durable: fsync and synchronous_commit on), $ROUNDS kills each.
# Bounded: $LOAD_SECONDS of load per round on 127.0.0.1 only.
#   Benchmarks/crash-safety.sh [engines (sqlite postgres)]
set -euo pipefail
cd "$(dirname "$0")/.."
ENGINES=${1:-"sqlite postgres"}
ROUNDS=${ROUNDS:-3}
LOAD_SECONDS=${LOAD_SECONDS:-4}
CLIENTS=${CLIENTS:-8}
BIN=${ORDERLY_BIN:-.build/release/orderly}
[ -x "$BIN" ] || BIN=.build/debug/orderly
export ORDERLY_ADMIN_KEY=ork_crash_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ORDERLY_RATE_LIMIT=0
# A claim left by the kill is handed to a retry after this lease (30 s by default).
export ORDERLY_IDEMPOTENCY_LEASE_SECONDS=${ORDERLY_IDEMPOTENCY_LEASE_SECONDS:-3}
AUTH="Authorization: Bearer $ORDERLY_ADMIN_KEY"
WORK=$(mktemp -d /tmp/orderly-crash.XXXXXX)
SERVER_PID=""
PG_DIR=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill -9 "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [ -n "$PG_DIR" ] && scripts/postgres stop "$PG_DIR"
  rm -rf "$WORK"
}
trap cleanup EXIT
source Benchmarks/lib.sh  # free_port

start() {  # url port
  ORDERLY_LOG_LEVEL=error "$BIN" serve --port "$2" --database-url "$1" >>"$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 150); do curl -sf "http://127.0.0.1:$2/health" >/dev/null && return 0; sleep 0.1; done
  echo "server did not start"; tail -20 "$WORK/server.log"; exit 1
}

seed() {  # base
  local base=$1
  curl -sf -H "$AUTH" -H 'Content-Type: application/json' -X POST "$base/v1/locations" \
    -d '{"id":"WH-1","name":"Warehouse","type":"warehouse","latitude":52.0,"longitude":5.0}' >/dev/null
  curl -sf -H "$AUTH" -H 'Content-Type: application/json' -X POST "$base/v1/channels" -d '{"id":"web","name":"Web","type":"web"}' >/dev/null
  python3 - "$base" <<'PY'
import json, os, sys, urllib.request
base = sys.argv[1]
def call(method, path, body):
    req = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + os.environ["ORDERLY_ADMIN_KEY"], "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
call("POST", "/v1/products", [{"sku": f"SKU-{i}", "name": f"Product {i}"} for i in range(20)])
# Little stock, so that the load also runs into shortages and backorder-free refusals.
call("POST", "/v1/inventory/adjustments", {"adjustments": [{"sku": f"SKU-{i}", "locationId": "WH-1", "delta": 400, "reason": "receipt"} for i in range(20)]})
PY
}

for engine in $ENGINES; do
  : >"$WORK/server.log"
  if [ "$engine" = postgres ]; then
    eval "$(ORDERLY_PG_FSYNC=on ORDERLY_PG_SYNC=on scripts/postgres start)"
    PG_DIR=$DIR
    url=$URL
  else
    url="sqlite://$WORK/crash.sqlite"
  fi
  port=$(free_port)
  start "$url" "$port"
  seed "http://127.0.0.1:$port"
  total=0
  for round in $(seq 1 "$ROUNDS"); do
    python3 Benchmarks/crash_keys.py load "http://127.0.0.1:$port" "$round" "$CLIENTS" "$((LOAD_SECONDS + 5))" "$WORK/keys-$round.log" &
    LOAD_PID=$!
    sleep "$LOAD_SECONDS"
    kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    wait "$LOAD_PID"  # the clients stop on the first refused connection
    count=$(python3 -c 'import json,sys; print(sum(1 for l in open(sys.argv[1]) if json.loads(l)["status"] in (200, 201)))' "$WORK/keys-$round.log")
    start "$url" "$port"
    echo "$engine round $round: killed after ${LOAD_SECONDS}s; $count orders acknowledged"
    [ "$count" -gt 0 ] || { echo "no order was acknowledged: the load did not run"; tail -20 "$WORK/server.log"; exit 1; }
    python3 Benchmarks/crash_keys.py retry "http://127.0.0.1:$port" "$WORK/keys-$round.log" || exit 1
    total=$((total + count))
  done
  python3 Benchmarks/crash_keys.py verify "http://127.0.0.1:$port" "$WORK"/keys-*.log || { echo "$engine: a key did not produce exactly one order"; exit 1; }
  rm -f "$WORK"/keys-*.log
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  if ! "$BIN" check --database-url "$url"; then echo "$engine: inconsistent after $ROUNDS kills"; exit 1; fi
  echo "$engine: $ROUNDS kills, $total acknowledged orders, none lost, each key one order, stock and orders consistent"
  if [ -n "$PG_DIR" ]; then scripts/postgres stop "$PG_DIR"; PG_DIR=""; fi
done

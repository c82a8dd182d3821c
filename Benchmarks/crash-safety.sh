#!/usr/bin/env bash
# Crash safety: place orders from several clients, `kill -9` the server in the middle of the
# load, restart it on the same database, and check that
#   - every order that was acknowledged (201) is there, whole (its lines, its allocations);
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

client() {  # base round client deadline
  local base=$1 round=$2 n=0
  while [ "$(date +%s)" -lt "$4" ] && [ $n -lt 2000 ]; do
    n=$((n + 1))
    local ext; ext=$(printf "r%d-c%02d-%05d" "$round" "$3" "$n"); local sku="SKU-$(( (n * 7 + $3) % 20 ))"
    local status
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -H "$AUTH" -H 'Content-Type: application/json' -X POST "$base/v1/orders" \
      -d "{\"channel\":\"web\",\"externalId\":\"$ext\",\"customer\":{\"email\":\"c$3@example.com\"},\"currency\":\"EUR\",\"shippingAddress\":{\"line1\":\"Damrak 1\",\"city\":\"Amsterdam\",\"country\":\"NL\"},\"lines\":[{\"sku\":\"$sku\",\"quantity\":$(( n % 3 + 1 )),\"unitPrice\":1000}]}" || true)
    case $status in
      201|200) echo "$ext" >>"$WORK/acked-$round-$3" ;;
      000) break ;;  # the server is gone
    esac
  done
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
    deadline=$(( $(date +%s) + LOAD_SECONDS + 5 ))
    for c in $(seq 1 "$CLIENTS"); do client "http://127.0.0.1:$port" "$round" "$c" "$deadline" & done
    sleep "$LOAD_SECONDS"
    kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
    wait  # the clients stop on the first refused connection
    acked=$(cat "$WORK"/acked-"$round"-* 2>/dev/null | sort -u || true)
    count=$(printf '%s\n' "$acked" | grep -c . || true)
    start "$url" "$port"
    missing=0
    for ext in $acked; do
      found=$(curl -sf -H "$AUTH" "http://127.0.0.1:$port/v1/orders?q=$ext" | grep -c "\"$ext\"" || true)
      [ "$found" = 1 ] || { missing=$((missing + 1)); echo "  lost: $ext"; }
    done
    echo "$engine round $round: killed after ${LOAD_SECONDS}s; $count orders acknowledged, $missing missing after restart"
    [ "$count" -gt 0 ] || { echo "no order was acknowledged: the load did not run"; tail -20 "$WORK/server.log"; exit 1; }
    [ $missing -eq 0 ] || exit 1
    total=$((total + count))
    rm -f "$WORK"/acked-"$round"-*
  done
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
  if ! "$BIN" check --database-url "$url"; then echo "$engine: inconsistent after $ROUNDS kills"; exit 1; fi
  echo "$engine: $ROUNDS kills, $total acknowledged orders, none lost, stock and orders consistent"
  if [ -n "$PG_DIR" ]; then scripts/postgres stop "$PG_DIR"; PG_DIR=""; fi
done

#!/usr/bin/env bash
# What PostgreSQL spends its time on while Orderly places orders: pg_stat_statements (calls,
# execution and planning time, rows, buffers per statement) over one run of wrk placing orders
# (Benchmarks/wrk/orders.lua; BENCH_HOT=1 for the flash sale). Statements whose text differs only
# by their number of rows (the statements of a batch of orders) are summed by their first words.
# Bounded: $SECONDS_PER_POINT seconds of load (after 4 s of warm-up) against 127.0.0.1 only.
#   Benchmarks/statements.sh [connections (32)]
set -euo pipefail
cd "$(dirname "$0")/.."
CONNECTIONS=${1:-32}
SECONDS_PER_POINT=${SECONDS_PER_POINT:-15}
TOP=${TOP:-15}
export ORDERLY_ADMIN_KEY=ork_bench_$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
export ORDERLY_RATE_LIMIT=0 SKUS=${BENCH_SKUS:-1000} BENCH_SKUS=${BENCH_SKUS:-1000}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }
BIN=${ORDERLY_BIN:-.build/release/orderly}
[ -x "$BIN" ] || swift build -c release --product orderly >/dev/null
PSQL=$(ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | head -1 || command -v psql)
PG_CTL=$(ls /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | head -1 || command -v pg_ctl)
source Benchmarks/lib.sh
start_work statements

eval "$(ORDERLY_PG_FSYNC=on ORDERLY_PG_SYNC=on scripts/postgres start)"
PG_DIR=$DIR
# pg_stat_statements must be loaded when the server starts.
"$PSQL" -q "$URL" -c "ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'"
su postgres -s /bin/sh -c "'$PG_CTL' -D '$PG_DIR/data' -w -m fast restart" >/dev/null
"$PSQL" -q "$URL" -c "CREATE EXTENSION pg_stat_statements" -c "ALTER SYSTEM SET pg_stat_statements.track_planning = on" \
  -c "SELECT pg_reload_conf()" >/dev/null

port=$(free_port)
base="http://127.0.0.1:$port"
ORDERLY_LOG_LEVEL=error "$BIN" serve --port "$port" --database-url "$URL" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 150); do curl -sf "$base/health" >/dev/null && break; sleep 0.1; done
seed "$base"
auth="Authorization: Bearer $ORDERLY_ADMIN_KEY"
wrk -t2 -c"$CONNECTIONS" -d4s -s Benchmarks/wrk/orders.lua "$base/v1/orders" -H "$auth" >/dev/null
"$PSQL" -q "$URL" -c "SELECT pg_stat_statements_reset()" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_PER_POINT}s" --latency -s Benchmarks/wrk/orders.lua "$base/v1/orders" -H "$auth" | grep RESULT

echo
echo "Statements by total time (ms; exec includes waiting for locks):"
"$PSQL" -P pager=off "$URL" -c "
  SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 70) AS statement, count(*) AS shapes, sum(calls) AS calls,
         round(sum(total_exec_time)::numeric) AS exec_ms, round(sum(total_plan_time)::numeric) AS plan_ms,
         round((sum(total_exec_time + total_plan_time) / sum(calls))::numeric, 3) AS ms_per_call,
         round(sum(shared_blks_hit + shared_blks_read) / sum(calls)) AS blocks_per_call
  FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'
  GROUP BY 1 ORDER BY sum(total_exec_time + total_plan_time) DESC LIMIT $TOP"
"$PSQL" -P pager=off "$URL" -c "
  SELECT sum(calls) AS calls, round(sum(total_exec_time)::numeric) AS exec_ms, round(sum(total_plan_time)::numeric) AS plan_ms,
         (SELECT count(*) FROM orders) AS orders
  FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%'"

#!/usr/bin/env bash
# Two builds of the server compared in one session, interleaved so that both see the same
# machine (its noise, ±10–15 % between two runs a minute apart, is larger than most changes):
# for each round and engine, Benchmarks/orders-http.sh with the old binary and then the new
# one (the order flips every round), then Benchmarks/sell-out.sh with both, one after the other.
#   OLD=path/to/orderly NEW=path/to/orderly [ROUNDS=2] [SECONDS_PER_POINT=8] \
#     [NEW_ENV="BENCH_MONEY=sent"] [SELLOUT=0] \
#     Benchmarks/ab.sh [engines (sqlite postgres)] [connections (8 32 64)]
# NEW_ENV: variables for the new binary's runs only (e.g. orders with the money the old one
# does not know, Benchmarks/wrk/orders.lua); SELLOUT=0 leaves the sell-out out.
# Settings are those of the two scripts: PostgreSQL with fsync and synchronous_commit on,
# pool 8 (POOL_SIZE), 2 order-batch lanes; loopback only, every point bounded in time or count.
set -euo pipefail
cd "$(dirname "$0")/.."
: "${OLD:?OLD=path to the baseline binary}" "${NEW:?NEW=path to the binary measured}"
ENGINES=${1:-"sqlite postgres"}
CONNECTIONS=${2:-"8 32 64"}
ROUNDS=${ROUNDS:-2}
export SECONDS_PER_POINT=${SECONDS_PER_POINT:-8}
export HOT_CONNECTIONS=${HOT_CONNECTIONS:-"$CONNECTIONS"}

for round in $(seq 1 "$ROUNDS"); do
  order="$OLD $NEW"
  [ $((round % 2)) -eq 0 ] && order="$NEW $OLD"
  for engine in $ENGINES; do
    for bin in $order; do
      label=new; [ "$bin" = "$OLD" ] && label=old
      echo "## round $round, $engine, $label ($bin)"
      extra=""; [ "$bin" = "$NEW" ] && extra=${NEW_ENV:-}
      echo "## orders: ${extra:-plain}"
      env $extra BIN=$bin Benchmarks/orders-http.sh "$engine" "$CONNECTIONS"
      echo
    done
  done
done
[ "${SELLOUT:-1}" = 0 ] && exit 0
echo "## sell-out, old then new for each engine and connection count"
BINS="$OLD $NEW" Benchmarks/sell-out.sh "$ENGINES" "${SELLOUT_CONNECTIONS:-32 64}"

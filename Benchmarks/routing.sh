#!/usr/bin/env bash
# The routing planner before and after routing strategies, interleaved in one run:
#   OLD routing by the channel's own policy (the planner before strategies),
#   NEW the same (the one-rule standard strategy), and NEW by a 10-rule strategy
#   (`OrderlyBench routing --rules 10`: every rule applies and gives way but the last, which
#   weighs all six criteria). 10 lines of 3 units over LOCATIONS (default 1000) locations.
# Usage: Benchmarks/routing.sh OLD_BENCH NEW_BENCH [ROUNDS]
#   (each an OrderlyBench built with `swift build -c release --product OrderlyBench`)
set -euo pipefail
old=$1 new=$2 rounds=${3:-3}
locations=${LOCATIONS:-1000} iterations=${ITERATIONS:-2000}
for round in $(seq "$rounds"); do
  for run in "old:$old:0" "new:$new:0" "new:$new:10"; do
    IFS=: read -r name bin rules <<<"$run"
    args=(routing --lines 10 --locations "$locations" --iterations "$iterations")
    [ "$rules" -gt 0 ] && args+=(--rules "$rules")
    out=$(timeout 300 "$bin" "${args[@]}")
    echo "round $round | $name | rules $rules $(grep '^| plan' <<<"$out") $(grep '^| one scan' <<<"$out" | cut -c2-)"
  done
done

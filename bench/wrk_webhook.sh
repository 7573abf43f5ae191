#!/usr/bin/env bash
# Prints figures, never pass/fail: webhook intake measured with wrk, as a
# new user would (2 threads, 64 connections), with distinct, correctly
# signed WooCommerce order.created deliveries (bench/wrk/woo_orders.lua,
# the body recorded from a WooCommerce 10.0.2 store with its id varied):
#   - raw:  bench/raw_receiver (raw_http.c: a row per body, 200 after a
#           synchronous=FULL group commit), the reference;
#   - new:  this build's `shopledger serve` on one WooCommerce tenant;
#   - old:  another build's serve (OLD=BUILD_DIR), when given;
# alternated ROUNDS times so a shared machine's noise hits each alike.
# BOOK=1 makes the tenant book every order as it arrives (USD, trigger
# "pending", the recorded order's status) and reports how long after
# wrk's end the last one is booked.
#   bench/wrk_webhook.sh [BUILD_DIR] [ROUNDS] [SECONDS]
#   e.g. BOOK=1 OLD=/tmp/old/build bench/wrk_webhook.sh build 3 10
set -uo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
BUILD=$(cd "${1:-$HERE/../build}" && pwd)
ROUNDS=${2:-3}
SECONDS_RUN=${3:-10}
OLD=${OLD:-}
BOOK=${BOOK:-0}
FIXTURE="$HERE/../../shared/fixtures/woocommerce/wc10/webhooks/order-created.jsonl"
command -v wrk > /dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 2; }
command -v sqlite3 > /dev/null || { echo "sqlite3 is not installed" >&2; exit 2; }
[ -r "$FIXTURE" ] || { echo "no recorded delivery at $FIXTURE" >&2; exit 2; }

WORK=$(mktemp -d /tmp/sl-wrk.XXXXXX)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2> /dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
head -1 "$FIXTURE" > "$WORK/record.json"
sqlite3 :memory: "select json_extract(readfile('$WORK/record.json'), '\$.body');" > "$WORK/body.json"
truncate -s -1 "$WORK/body.json" # sqlite3's line end
printf 'wrk-bench-secret' > "$WORK/secret"
chmod 600 "$WORK/secret"
export WOO_BODY="$WORK/body.json" WOO_SECRET=wrk-bench-secret WOO_PATH=/hooks/bench/ts

# wait_file PATH: bounded wait for a port file.
wait_file() {
  local i
  for ((i = 0; i < 600; i++)); do
    [ -s "$1" ] && return 0
    sleep 0.05
  done
  echo "timed out waiting for $1" >&2
  return 1
}

# load PORT: wrk's figures for one run, on one line.
load() {
  wrk -t2 -c64 -d"${SECONDS_RUN}s" --latency -s "$HERE/wrk/woo_orders.lua" \
    "http://127.0.0.1:$1$WOO_PATH" > "$WORK/wrk.out" 2>&1
  local rate p50 p99 bad
  rate=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.out")
  p50=$(awk '$1 == "50%" {print $2}' "$WORK/wrk.out")
  p99=$(awk '$1 == "99%" {print $2}' "$WORK/wrk.out")
  bad=$(awk '/Non-2xx/ {print $5}' "$WORK/wrk.out")
  echo "${rate:-?} req/s, p50 ${p50:-?}, p99 ${p99:-?}, not 2xx ${bad:-0}"
}

raw_run() {
  rm -f "$WORK/raw.db"* "$WORK/raw.port"
  "$BUILD/bench/raw_receiver" "$WORK/raw.db" "$WORK/raw.port" > /dev/null &
  local pid=$!
  PIDS+=("$pid")
  wait_file "$WORK/raw.port" || return 1
  echo "raw receiver: $(load "$(cat "$WORK/raw.port")")"
  kill -TERM "$pid"
  wait "$pid"
}

# serve_run NAME BUILD_DIR
serve_run() {
  local d="$WORK/$1" currency=EUR trigger=never
  [ "$BOOK" = 1 ] && currency=USD trigger=pending
  rm -rf "$d" && mkdir -p "$d/conf"
  cat > "$d/conf/bench.ini" << INI
[tenant]
id = bench
currency = $currency
database = $d/bench.db

[channel:ts]
plugin = woocommerce
url = http://127.0.0.1:9
key = ck_bench
secret_file = $WORK/secret
intake = webhook
webhook_secret_file = $WORK/secret
document = invoice
process_when = $trigger
approve = yes
series = WOO
INI
  chmod 600 "$d/conf/bench.ini"
  # No scheduler: the shop's notes would go to a port nobody listens on.
  "$2/shopledger" --conf "$d/conf" --plugins "$2/plugins" serve --listen 127.0.0.1:0 \
    --port-file "$d/port" --admin-listen 127.0.0.1:0 --admin-port-file "$d/admin.port" \
    --no-scheduler 2> "$d/serve.log" &
  local pid=$!
  PIDS+=("$pid")
  wait_file "$d/port" || return 1
  local figures
  figures=$(load "$(cat "$d/port")")
  local booked=""
  if [ "$BOOK" = 1 ]; then
    local t0 i left
    t0=$(date +%s.%N)
    for ((i = 0; i < 6000; i++)); do
      left=$(sqlite3 "$d/bench.db" "select (select count(*) from inbox_deliveries where
               state = 'new') + (select count(*) from inbox_arrivals) + (select count(*)
               from inbox_items where state in ('received', 'failed'))" 2> /dev/null)
      [ "$left" = 0 ] && break
      sleep 0.1
    done
    booked=", all booked $(printf "%.1f" "$(echo "$(date +%s.%N) - $t0" | bc)") s after wrk's end"
    booked+=" ($(sqlite3 "$d/bench.db" "select count(*) from documents where status = 'posted'") posted)"
  fi
  echo "$1 serve:    $figures$booked"
  kill -TERM "$pid"
  wait "$pid"
}

for ((r = 1; r <= ROUNDS; r++)); do
  echo "== round $r (wrk -t2 -c64 -d${SECONDS_RUN}s)"
  raw_run
  [ -n "$OLD" ] && serve_run old "$OLD"
  serve_run new "$BUILD"
done

#!/usr/bin/env bash
# UNAS end to end: `shopledger serve` polls unas_sandbox (poll_every 30s and
# the admin poll trigger); orders become sales orders that reserve stock;
# shipping-cost/handel-cost/discount-* become services; `channel import`
# loads products at start; stock and price pushes reach the shop; the
# sandbox never bans us; a test-mode channel writes nothing to the shop.
source "$(dirname "$0")/lib.bash"
SEED="$SL_SOURCE_DIR/tests/sandbox/unas/seed.json"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF"
printf 'unas-e2e-key' > "$SL_TMP/api.key"
printf 'admin-token-5678' > "$SL_TMP/admin.token"
chmod 600 "$SL_TMP/api.key" "$SL_TMP/admin.token"

start_sandbox() { # NAME
  "$SL_BUILD_DIR/unas_sandbox" --seed "$SEED" --port 0 --port-file "$SL_TMP/$1.port" \
    --api-key unas-e2e-key 2>>"$SL_TMP/sandbox.log" &
  SL_PIDS+=("$!")
  wait_for_file "$SL_TMP/$1.port" 10
}
start_sandbox live && LIVE=$(cat "$SL_TMP/live.port")
start_sandbox test && TEST=$(cat "$SL_TMP/test.port")

cat > "$CONF/hu.ini" <<INI
[tenant]
id = hu
currency = HUF
database = $SL_TMP/hu.db
admin_token_file = $SL_TMP/admin.token

[warehouse:test]

[channel:unas]
plugin = unas
url = http://127.0.0.1:$LIVE/shop
api_key_file = $SL_TMP/api.key
intake = poll
poll_every = 30s
document = order
process_when = confirmed, preparing
approve = yes
series = UNAS1
stock_sync = manual
sync_prices = yes

[channel:unas.statuses]
3 = confirmed
1 = confirmed
4 = confirmed

[channel:unas.services]
shipping-cost = SHIP
handel-cost = COD-FEE

[channel:unastest]
plugin = unas
url = http://127.0.0.1:$TEST/shop
api_key_file = $SL_TMP/api.key
intake = poll
poll_every = 30s
document = order
process_when = confirmed
approve = yes
series = UNAS2
test_mode = yes
stock_sync = manual
warehouse = test

[channel:unastest.statuses]
3 = confirmed
1 = confirmed
4 = confirmed
INI

SLX=(--conf "$CONF" --plugins "$SL_PLUGIN_DIR")
state() { curl -s --max-time 10 "http://127.0.0.1:$1/__sandbox/state" > "$SL_TMP/state.json"; }
sget() { state "$1"; json_get "$SL_TMP/state.json" "$2"; }

check "channel import loads the shop's products" sl "${SLX[@]}" channel import hu unas
sl "${SLX[@]}" stock show hu --json > "$SL_TMP/stock.json" 2>/dev/null
on_hand() { sqlite3 :memory: "select sum(json_extract(value,'\$.on_hand_milli')) from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1'"; }
check "imported stock is on hand" eq "$(on_hand BOG-KEK)" 14000
check "a family child was imported" eq "$(on_hand POLO-PIROS-L)" 5000

rm -f "$SL_TMP/port"
sl_exec "${SLX[@]}" serve --listen 127.0.0.1:0 --port-file "$SL_TMP/port" --tick-ms 200 \
  --admin-listen 127.0.0.1:0 --admin-port-file "$SL_TMP/admin.port" \
  2>>"$SL_TMP/serve.log" &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
check "serve starts" wait_for_file "$SL_TMP/port" 30
wait_for_file "$SL_TMP/admin.port" 30 && ADMIN_PORT=$(cat "$SL_TMP/admin.port")
PORT=$(cat "$SL_TMP/port")
admin() { curl -s --max-time 30 -H "Authorization: Bearer admin-token-5678" "$@"; }
poll() { admin_poll_ok admin-token-5678 hu "$1"; }

wait_docs() {
  local i
  for ((i = 0; i < 150; i++)); do
    admin "http://127.0.0.1:$ADMIN_PORT/admin/hu/documents" > "$SL_TMP/docs.json"
    [ "$(sqlite3 :memory: "select count(*) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.number') like '$2-%' or '$2' = ''" 2>/dev/null)" = "$1" ] && return 0
    sleep 0.2
  done
  echo "  timed out waiting for $1 documents" >&2; cat "$SL_TMP/docs.json" | head -c 600 >&2
  return 1
}
check "admin poll of the live shop" poll unas
check "three orders become sales orders" wait_docs 3 UNAS1
check "documents are sales orders" eq "$(sqlite3 :memory: "select count(*) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.channel') = 'unas' and json_extract(value,'\$.type') like '%order%'")" 3
check "the sandbox was never banned" eq "$(sget "$LIVE" '$.banned')" 0
check "no InvoiceAutoSet sent" eq "$(sget "$LIVE" '$.stats.invoice_autoset_calls')" ""

# A new order in the shop: the next poll picks it up.
curl -s -X POST --data "$(sqlite3 :memory: "select json_set(json_extract(readfile('$SEED'),'\$.orders[0]'),'\$.key','4411-000600')")" \
  "http://127.0.0.1:$LIVE/__sandbox/orders" > /dev/null
check "a new order is polled" poll unas
check "it becomes a fourth sales order" wait_docs 4 UNAS1

sl "${SLX[@]}" stock show hu --json > "$SL_TMP/stock.json" 2>/dev/null
reserved() { sqlite3 :memory: "select sum(json_extract(value,'\$.reserved_milli')) from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1' and json_extract(value,'\$.warehouse')='main'"; }
check "open orders reserve stock (2+2 mugs)" eq "$(reserved BOG-KEK)" 4000

admin "http://127.0.0.1:$ADMIN_PORT/admin/hu/inbox" > "$SL_TMP/inbox.json"
admin_sync admin-token-5678 hu unas > "$SL_TMP/sync.json"
check "stock push reports per SKU" grep -q '"outcome"' "$SL_TMP/sync.json"
check "stock reached the shop (14 - 4 reserved)" eq "$(sget "$LIVE" '$.products[0].stock')" 10
check "the test-mode channel polls" poll unastest
check "test-mode orders are booked too" wait_docs 3 UNAS2
admin_sync admin-token-5678 hu unastest > "$SL_TMP/sync2.json"
check "test mode reports would_write" grep -q 'would_write' "$SL_TMP/sync2.json"
check "test mode wrote nothing to the shop" eq "$(sget "$TEST" '$.stats.writes')" ""
check "rate counters stay under the limit" test "$(sget "$LIVE" '$.last_hour.get_multi')" -le 27

kill -TERM "$SERVE_PID"; wait "$SERVE_PID"
check "serve stops cleanly" eq "$?" 0
check "plugin check passes against the unas sandbox" sl plugin check "$SL_PLUGIN_DIR/unas.so"
finish

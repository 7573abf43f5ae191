#!/usr/bin/env bash
# `serve` end to end with the Mozello connector against mozello_sandbox:
# the notifications URL is configured through the Store API itself; a
# signed ORDER_CREATED becomes a posted invoice with its payment; a
# duplicated delivery and a failed-then-redelivered one leave one
# document; a pending order waits, and its PAYMENT_CHANGED (a reduced
# body, so the plugin reads the order again) books it; stock and price
# pushed by SKU equal the ledger's available quantity, a second push
# writes nothing, and the stock:null product is never touched;
# a signed notification the parser cannot read is kept as failed (200);
# ORDER_DELETED of a posted order is recorded and books nothing (a
# deletion is not a refund: no credit note, no stock back); SIGTERM is clean.
source "$(dirname "$0")/lib.bash"
SB="$SL_BUILD_DIR/mozello_sandbox"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF"
printf 'MZL-e2e-key-0001' > "$SL_TMP/api.key"
printf 'admin-token-mz' > "$SL_TMP/admin.token"
chmod 600 "$SL_TMP/api.key" "$SL_TMP/admin.token"

"$SB" --seed "$SL_SOURCE_DIR/tests/sandbox/mozello/seed/demo.json" --port 0 \
  --port-file "$SL_TMP/sb.port" --api-key MZL-e2e-key-0001 --alias shop-e2e \
  --retry-base-ms 300 2>>"$SL_TMP/sandbox.log" &
SL_PIDS+=("$!")
wait_for_file "$SL_TMP/sb.port" 30 || exit 1
SBP=$(cat "$SL_TMP/sb.port")

cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
currency = EUR
database = $SL_TMP/shop.db
admin_token_file = $SL_TMP/admin.token

[channel:mz]
plugin = mozello
url = http://127.0.0.1:$SBP/v1
api_key_file = $SL_TMP/api.key
; Mozello signs notifications with the API key: the same file.
webhook_secret_file = $SL_TMP/api.key
language = en
intake = webhook
document = invoice
process_when = paid
approve = yes
add_payment = yes
series = MZ
stock_sync = manual
sync_prices = yes
INI
SLX=(sl --conf "$CONF" --plugins "$SL_PLUGIN_DIR")

sbget() { curl -s --max-time 20 "http://127.0.0.1:$SBP/__sandbox/state" > "$SL_TMP/sb.json"; }
sbpost() { curl -s --max-time 30 -o /dev/null -w '%{http_code}' -X POST \
  --data-binary "$2" "http://127.0.0.1:$SBP/__sandbox/$1"; }
sbval() { sbget && json_get "$SL_TMP/sb.json" "$1"; }
admin() { curl -s --max-time 30 -H "Authorization: Bearer admin-token-mz" "$@"; }
# on_hand / available SKU in thousandths from `stock show`.
avail() {
  "${SLX[@]}" stock show shop --json > "$SL_TMP/stock.json" || return 1
  sqlite3 :memory: "select sum(json_extract(value,'\$.available_milli')) from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1'"
}
docs() { admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents" > "$SL_TMP/docs.json"; }
# docs_field COND FIELD: a field of the documents matching COND.
docs_field() {
  docs && sqlite3 :memory: "select group_concat(json_extract(value,'\$.$2'), ',') from json_each(readfile('$SL_TMP/docs.json')) where $1"
}
wait_docs() {
  local i
  for ((i = 0; i < 200; i++)); do
    docs
    [ "$(sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/docs.json'))")" = "$1" ] && return 0
    sleep 0.1
  done
  echo "  timed out waiting for $1 documents" >&2
  return 1
}
# settle: the sandbox's due deliveries are done and serve processed them.
settle() { sbpost flush '{"horizon_ms":1000}' > /dev/null; sleep 0.5; }

check "config check passes" "${SLX[@]}" config check
check "channel import loads the shop's products" "${SLX[@]}" channel import shop mz
check "imported variant stock is on hand" eq "$(avail MUG-BL)" 25000

sl_exec --conf "$CONF" --plugins "$SL_PLUGIN_DIR" serve --listen 127.0.0.1:0 \
  --admin-listen 127.0.0.1:0 --admin-port-file "$SL_TMP/admin.port" \
  --port-file "$SL_TMP/port" --tick-ms 200 2>>"$SL_TMP/serve.log" &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
check "serve starts" wait_for_file "$SL_TMP/port" 30
wait_for_file "$SL_TMP/admin.port" 30 && ADMIN_PORT=$(cat "$SL_TMP/admin.port")
PORT=$(cat "$SL_TMP/port")

check "notifications URL set through the Store API" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  -X PUT -H 'Authorization: ApiKey MZL-e2e-key-0001' -H 'Content-Type: application/json' \
  --data-binary "{\"notifications_url\":\"http://127.0.0.1:$PORT/hooks/shop/mz\"}" \
  "http://127.0.0.1:$SBP/v1/store/notifications/")" 200

sbpost notify '{"event":"ORDER_CREATED","order_id":"MZ-2211334-000118"}' > /dev/null
check "paid order notification becomes one document" wait_docs 1
check "it is a posted invoice" eq "$(docs_field 1 type),$(docs_field 1 status)" "invoice,posted"
check "gross equals the shop total" eq "$(docs_field 1 gross)" 4200
check "numbered from the series" eq "$(docs_field 1 number)" MZ-000001
"${SLX[@]}" doc show shop 1 --json > "$SL_TMP/doc1.json"
check "the invoice has its payment" eq "$(json_get "$SL_TMP/doc1.json" '$.payments[0].amount')" 4200

sbpost knob '{"duplicate_next":true}' > /dev/null
sbpost notify '{"event":"ORDER_CREATED","order_id":"MZ-2211334-000118"}' > /dev/null
sbpost knob '{"fail_next":1}' > /dev/null
sbpost notify '{"event":"ORDER_CREATED","order_id":"MZ-2211334-000118"}' > /dev/null
settle; settle
check "a failed delivery was redelivered" test "$(sbval '$.notifications.redelivered')" -ge 1
check "duplicates and redeliveries: still one document" wait_docs 1

sbpost notify '{"event":"ORDER_CREATED","order_id":"MZ-2211334-000117"}' > /dev/null
settle
check "a pending order books nothing" wait_docs 1
sbpost order/MZ-2211334-000117/ '{"payment_status":"paid"}' > /dev/null
check "PAYMENT_CHANGED books the re-read order" wait_docs 2
check "the order was read again" test "$(sbval '$.calls."GET /store/order/MZ-2211334-000117/"')" -ge 1
check "the invoice took two blue mugs" eq "$(avail MUG-BL)" 23000

admin_sync admin-token-mz shop mz > "$SL_TMP/sync1.json"
sbget
check "shop stock of MUG-BL equals ledger available" eq "$(json_get "$SL_TMP/sb.json" '$.items.MUG-BL.stock')000" "$(avail MUG-BL)"
check "shop stock of TEE-RED-L equals ledger available" eq "$(json_get "$SL_TMP/sb.json" '$.items.TEE-RED-L.stock')000" "$(avail TEE-RED-L)"
check "stock:null product untouched" eq "$(json_get "$SL_TMP/sb.json" '$.items.GIFT-25.stock')" ""
check "no change ever named GIFT-25" eq "$(sqlite3 :memory: "select count(*) from json_each(readfile('$SL_TMP/sb.json'),'\$.changes') where json_extract(value,'\$.sku')='GIFT-25' and json_extract(value,'\$.field')='stock'")" 0
CHANGES=$(sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/sb.json'),'\$.changes')")
check "the first push wrote something" test "$CHANGES" -ge 2
admin_sync admin-token-mz shop mz > "$SL_TMP/sync2.json"
check "a second push writes nothing" eq "$(sqlite3 :memory: "select json_array_length(readfile('$(sbget; echo "$SL_TMP/sb.json")'),'\$.changes')")" "$CHANGES"

sbpost order/MZ-2211334-000118/ '{"deleted":true}' > /dev/null
check "ORDER_DELETED is recorded on the order's inbox item" bash -c "for i in \$(seq 100); do
  sqlite3 '$SL_TMP/shop.db' \"select 1 from inbox_events where text like 'order deleted in the shop%'\" |
    grep -q 1 && exit 0; sleep 0.1; done; exit 1"
check "and books no credit note" bash -c "! curl -s -H 'Authorization: Bearer admin-token-mz' \
  http://127.0.0.1:$ADMIN_PORT/admin/shop/documents | grep -q credit_note"

# A correctly signed notification the parser cannot read is kept as failed
# and answered 200 (a 4xx makes the shop count a failed delivery).
BAD='{"event":"ORDER_CREATED","order":'
SIG=$(printf '%s' "$BAD" | openssl dgst -sha256 -hmac "MZL-e2e-key-0001" -binary | base64)
check "a signed unreadable notification is answered 200" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  -X POST -H "X-Mozello-Hash: $SIG" -H 'Content-Type: application/json' --data-binary "$BAD" \
  "http://127.0.0.1:$PORT/hooks/shop/mz")" 200
check "and parsed after its 200" wait_parsed admin-token-mz shop
sl --conf "$CONF" --plugins "$SL_PLUGIN_DIR" inbox failed shop --all > "$SL_TMP/failed.txt" 2>&1
check "and kept as failed with the reason" grep -q "not JSON" "$SL_TMP/failed.txt"
check "a wrongly signed one is still 401" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  -X POST -H "X-Mozello-Hash: AAAA$SIG" --data-binary "$BAD" "http://127.0.0.1:$PORT/hooks/shop/mz")" 401

admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/trial-balance" > "$SL_TMP/tb.json"
check "trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
kill -TERM "$SERVE_PID"; wait "$SERVE_PID"; rc=$?
check "SIGTERM stops serve cleanly" eq "$rc" 0
check "plugin check passes against the mozello sandbox" sl plugin check "$SL_PLUGIN_DIR/mozello.so"
finish

#!/usr/bin/env bash
# Log-first intake and replay: serve keeps every authentic delivery
# verbatim before its 200 and parses it after. One the connector refuses
# (a "bug": this test shop's reject_sku) is kept as failed and books
# nothing; after the fix `inbox replay` parses the stored bytes again and
# the order books; a second replay files nothing twice; --since and
# --failed select what is replayed.
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
testshop_secrets
testshop_webhook_tenant "$CONF/shop.ini" shop "$SL_TMP/admin.token" ts
printf 'reject_sku = MUG-BL\napprove = yes\nadd_payment = yes\n' >> "$CONF/shop.ini"
SLX=(sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR")
TOKEN=admin-token-5678

sign() { openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$1" | base64; }
post() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $(sign "$1")" \
    --data-binary @"$1" "http://127.0.0.1:$PORT/hooks/shop/ts"
}
doc_count() {
  "${SLX[@]}" --json doc list shop > "$SL_TMP/docs.json" &&
    sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/docs.json'))"
}
q() { sqlite3 "$SL_TMP/shop.db" "$1"; }

check "serve starts" start_serve "$SL_TEST_PLUGIN_DIR"
check "the order with the rejected SKU is acknowledged" eq "$(post "$DATA/order-1001-paid.json")" 200
check "another order is acknowledged" eq "$(post "$DATA/order-1002-mismatch.json")" 200
check "a forged one is 401" eq "$(curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
  -H 'X-Testshop-Signature: AAAA' --data-binary @"$DATA/order-1001-paid.json" \
  "http://127.0.0.1:$PORT/hooks/shop/ts")" 401
check "both are parsed after their 200" wait_parsed "$TOKEN" shop
check "the log holds the two authentic deliveries verbatim" eq \
  "$(q "select group_concat(state || ':' || length(body), ' ') from (select state, body from
       inbox_deliveries join inbox_delivery_bodies on delivery_id = id order by id)")" \
  "failed:$(wc -c < "$DATA/order-1001-paid.json") parsed:$(wc -c < "$DATA/order-1002-mismatch.json")"
"${SLX[@]}" --json inbox failed shop > "$SL_TMP/failed.json"
check "the refused one is listed as failed with the connector's reason" eq \
  "$(json_get "$SL_TMP/failed.json" '$[0].reason')" "SKU MUG-BL is not supported by this connector version"
check "SIGTERM stops cleanly" stop_serve
check "only the other order is booked" eq "$(doc_count)" 1

# The fix: the connector takes the SKU now.
sed -i '/^reject_sku/d' "$CONF/shop.ini"
check "a replay of --since tomorrow selects nothing" bash -c \
  "'$SHOPLEDGER' --conf '$CONF' --plugins '$SL_TEST_PLUGIN_DIR' inbox replay shop --since 2999-01-01T00:00:00Z | grep -q '^replayed 0 deliveries'"
"${SLX[@]}" --json inbox replay shop ts --failed > "$SL_TMP/replay1.json"
check "inbox replay --failed parses the failed one again and files it" eq \
  "$(json_get "$SL_TMP/replay1.json" '$.deliveries')/$(json_get "$SL_TMP/replay1.json" '$.fixed')/$(json_get "$SL_TMP/replay1.json" '$.changed')" "1/1/1"
"${SLX[@]}" --json inbox failed shop > "$SL_TMP/failed2.json"
check "its failed row is cleared" eq "$(sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/failed2.json'))")" 0
"${SLX[@]}" process shop > /dev/null
check "the replayed order is booked" eq "$(doc_count)" 2
"${SLX[@]}" --json inbox replay shop > "$SL_TMP/replay2.json"
check "a second replay of everything parses both and changes nothing" eq \
  "$(json_get "$SL_TMP/replay2.json" '$.deliveries')/$(json_get "$SL_TMP/replay2.json" '$.changed')/$(json_get "$SL_TMP/replay2.json" '$.failed')" "2/0/0"
"${SLX[@]}" process shop > /dev/null
check "still two documents" eq "$(doc_count)" 2
check "an unknown channel is refused" bash -c \
  "! '$SHOPLEDGER' --conf '$CONF' --plugins '$SL_TEST_PLUGIN_DIR' inbox replay shop nope 2>/dev/null"
"$SHOPLEDGER" --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" ledger trial-balance shop --json > "$SL_TMP/tb.json"
check "trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
check "over postings that exist" test "$(json_get "$SL_TMP/tb.json" '$.debit_total')" -gt 0
finish

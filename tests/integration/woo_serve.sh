#!/usr/bin/env bash
# WooCommerce end to end: woo_sandbox (the emulated shop) and `serve` with
# the woocommerce connector. A signed webhook becomes a posted invoice with
# its payment and a note back in the shop; a bad signature is 401 with the
# inbox unchanged; repeated and reordered deliveries make one document; a
# dropped webhook is found by the poll; a cancellation after posting and a
# refund make credit notes (stock back, note back; a refund waits on its
# webhook revision until the poll reads its lines); a refund that restocks
# a unit returns it in the ledger too; the stock sync makes the
# shop equal the ledger and a second sync writes nothing; the product.updated
# webhooks our own push causes do not loop. Every wait is bounded.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "config check passes" "${SLX[@]}" config check
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

# ---- a signed webhook -> posted invoice + payment + note -------------------
O1=$(new_order bacs processing 10 2)
check "order by webhook becomes one document" wait_true 20 docs_are 1
check "it is a posted invoice for the order" eq \
  "$(q "select json_extract(value,'\$.type')||'/'||json_extract(value,'\$.status')||'/'||json_extract(value,'\$.external_id')
        from json_each(readfile('$SL_TMP/docs.json'))")" "invoice/posted/$O1"
check "its gross is the shop's total" eq \
  "$(q "select json_extract(value,'\$.gross') from json_each(readfile('$SL_TMP/docs.json'))")" \
  "$(q "select cast(replace(json_extract(readfile('$SL_TMP/order.json'),'\$.total'),'.','') as int)")"
"${SLX[@]}" doc show shop 1 --json > "$SL_TMP/doc1.json"
check "the invoice carries its bank payment" eq \
  "$(json_get "$SL_TMP/doc1.json" '$.payments[0].account')/$(json_get "$SL_TMP/doc1.json" '$.payments[0].amount')" \
  "2620/$(json_get "$SL_TMP/doc1.json" '$.gross')"
check "the note reached the shop" wait_true 20 notes_are "$O1" 1

# ---- bad signature: 401, nothing stored -------------------------------------
woo GET "/orders/$O1" > "$SL_TMP/o1.json"
BEFORE=$(inbox_count)
bad_post() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
    -H 'Content-Type: application/json' -H 'X-WC-Webhook-Topic: order.updated' \
    -H 'X-WC-Webhook-Resource: order' -H 'X-WC-Webhook-Event: updated' \
    -H 'X-WC-Webhook-ID: 2' -H "X-WC-Webhook-Signature: $1" \
    --data-binary @"$SL_TMP/o1.json" "http://127.0.0.1:$PORT/hooks/shop/woo"
}
check "bad signature is 401" eq "$(bad_post 'bm90IHRoZSBzaWduYXR1cmU=')" 401
check "missing signature is 401" eq "$(bad_post '')" 401
check "inbox unchanged after refused deliveries" eq "$(inbox_count)" "$BEFORE"

# ---- 5 deliveries of one order, out of order -> one document ---------------
SENT_BEFORE=$(sent_total order)
knob reorder > /dev/null
knob duplicate-next > /dev/null
O2=$(new_order cod processing 11 1)
woo GET "/orders/$O2" > "$SL_TMP/o2-processing.json"
knob status "{\"order_id\":$O2,\"status\":\"completed\"}" > /dev/null
woo GET "/orders/$O2" > "$SL_TMP/o2-completed.json"
sign_post() { # FILE: a delivery signed with the shop's secret
  local sig
  sig=$(openssl dgst -sha256 -hmac "$WOO_HOOK_SECRET" -binary "$1" | base64)
  curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
    -H 'Content-Type: application/json' -H 'X-WC-Webhook-Topic: order.updated' \
    -H 'X-WC-Webhook-Resource: order' -H 'X-WC-Webhook-Event: updated' \
    -H 'X-WC-Webhook-ID: 2' -H "X-WC-Webhook-Signature: $sig" \
    --data-binary @"$1" "http://127.0.0.1:$PORT/hooks/shop/woo"
}
knob flush > /dev/null
SHOP_SENT=$(( $(sent_total order) - SENT_BEFORE ))
check "the shop delivered the order at least twice, reordered" test "$SHOP_SENT" -ge 2
for ((i = SHOP_SENT; i < 4; i++)); do sign_post "$SL_TMP/o2-completed.json" > /dev/null; done
check "an older revision arriving last is accepted" eq "$(sign_post "$SL_TMP/o2-processing.json")" 200
check "5 deliveries, out of order, make one document" wait_true 20 docs_are 2
check "exactly one document for that order" eq \
  "$(q "select count(*) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$O2'")" 1
check "one note for it, not one per delivery" wait_true 20 notes_are "$O2" 1
sleep 0.5
check "still one note after the late old revision" notes_are "$O2" 1

# ---- a missed webhook is picked up by the poll -----------------------------
# With order.created and product.updated paused a new order fires one
# event, order.updated, and drop-next loses it.
check "order.created and product.updated webhooks paused" eval "hook_status 1 paused && hook_status 3 paused"
knob drop-next > /dev/null
O3=$(new_order bacs processing 12 1)
knob flush > /dev/null
save_state
check "the shop dropped the delivery" eq \
  "$(q "select sum(json_extract(value,'\$.dropped')) from json_each(readfile('$SL_TMP/state.json'),'\$.webhooks')")" 1
sleep 0.3
check "a dropped webhook books nothing by itself" docs_are 2
check "admin poll is queued and runs" admin_poll_ok "$WOO_ADMIN" shop woo
check "the poll books the missed order" wait_true 20 docs_are 3
check "poll: exactly one document for it" eq \
  "$(q "select count(*) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$O3'")" 1
check "the webhooks are active again" eval "hook_status 1 active && hook_status 3 active"

# ---- cancel after posting -> credit note, stock back, note -----------------
MUG_BEFORE=$(on_hand MUG-CER)
O4=$(new_order cod processing 11 3)
check "the order to cancel is booked" wait_true 20 docs_are 4
check "its stock left the ledger" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 3))"
check "the invoice note reached the shop" wait_true 20 notes_are "$O4" 1
knob status "{\"order_id\":$O4,\"status\":\"cancelled\"}" > /dev/null
check "cancellation makes a credit note" wait_true 20 docs_are 5
check "the credit note is for that order" eq \
  "$(q "select json_extract(value,'\$.type')||'/'||json_extract(value,'\$.gross') from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$O4' and json_extract(value,'\$.original_id')>0")" \
  "credit_note/-$(q "select json_extract(value,'\$.gross') from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$O4' and json_extract(value,'\$.original_id')=0")"
check "stock is back" eq "$(on_hand MUG-CER)" "$MUG_BEFORE"
check "the cancellation note reached the shop" wait_true 20 notes_are "$O4" 2

# ---- refund -> credit note ---------------------------------------------------
woo POST "/orders/$O1/refunds" '{"amount":"5.00","reason":"damaged towel"}' > "$SL_TMP/refund.json"
check "the shop took the refund" grep -q '"amount":"5.00"' "$SL_TMP/refund.json"
# The webhook has only the refund's amount; on this channel, which polls,
# the refund waits for the poll to read its lines (here: none, so split).
refund_waits() { # REFUND_ID
  [ "$(sqlite3 "$SL_TMP/shop.db" "select count(*) from inbox_events where text like 'refund $1 waits for its lines%'")" -gt 0 ]
}
check "the webhook revision waits for the refund's lines" wait_true 20 \
  refund_waits "$(json_get "$SL_TMP/refund.json" '$.id')"
check "the poll reads them" admin_poll_ok "$WOO_ADMIN" shop woo
check "the refund makes a credit note" wait_true 20 docs_are 6
check "the refund credit note is 5.00 for that order" eq \
  "$(q "select json_extract(value,'\$.type')||'/'||abs(json_extract(value,'\$.gross')) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$O1' and json_extract(value,'\$.original_id')>0")" \
  "credit_note/500"

# ---- refund restocking one unit -> stock back in the ledger too ------------
woo GET "/orders/$O3" > "$SL_TMP/o3.json"
O3_LINE=$(json_get "$SL_TMP/o3.json" '$.line_items[0].id')
O3_SKU=$(json_get "$SL_TMP/o3.json" '$.line_items[0].sku')
O3_BEFORE=$(on_hand "$O3_SKU")
woo POST "/orders/$O3/refunds" \
  '{"amount":"1.00","restock_items":true,"line_items":[{"id":'"$O3_LINE"',"quantity":1,"refund_total":"1.00"}]}' \
  > "$SL_TMP/refund3.json"
check "the shop took the restocking refund" grep -q '"amount":"1.00"' "$SL_TMP/refund3.json"
check "its webhook revision waits too" wait_true 20 \
  refund_waits "$(json_get "$SL_TMP/refund3.json" '$.id')"
check "no stock back before its credit note" eq "$(on_hand "$O3_SKU")" "$O3_BEFORE"
check "the poll reads its line" admin_poll_ok "$WOO_ADMIN" shop woo
check "the restocking refund makes a credit note" wait_true 20 docs_are 7
check "the unit the shop restocked is back in the ledger" eq "$(on_hand "$O3_SKU")" "$((O3_BEFORE + 1))"

# ---- stock sync: shop = ledger; a second sync writes nothing; no loop ------
knob flush > /dev/null
sleep 0.5
INBOX_BEFORE=$(inbox_count)
PUTS_BEFORE=$(writes)
admin_sync "$WOO_ADMIN" shop woo > "$SL_TMP/sync1.json"
check "first sync writes and fails nothing" eq \
  "$(json_get "$SL_TMP/sync1.json" '$.failed')/$(test "$(json_get "$SL_TMP/sync1.json" '$.written')" -gt 0 && echo wrote)" "0/wrote"
stock_equal() {
  save_state && "${SLX[@]}" stock show shop --json > "$SL_TMP/stock.json" &&
    eq "$(q "select count(*) from json_each(readfile('$SL_TMP/stock.json')) s
             join json_each(readfile('$SL_TMP/state.json'),'\$.products') p
               on json_extract(p.value,'\$.sku') = json_extract(s.value,'\$.sku')
            where json_extract(p.value,'\$.manage_stock') = 1
              and json_extract(p.value,'\$.stock_quantity') != json_extract(s.value,'\$.available_milli')/1000")" 0
}
check "shop stock equals ledger available for every managed SKU" stock_equal
check "shop prices equal the ledger's retail prices" eq \
  "$(q "select json_extract(value,'\$.regular_price') from json_each(readfile('$SL_TMP/state.json'),'\$.products') where json_extract(value,'\$.sku')='MUG-CER'")" 14.90
WRITES1=$(writes)
check "the first sync wrote to the shop" test "$WRITES1" -gt "$PUTS_BEFORE"
admin_sync "$WOO_ADMIN" shop woo > "$SL_TMP/sync2.json"
check "second sync lists nothing" eq "$(json_get "$SL_TMP/sync2.json" '$.listed')" 0
WRITES2=$(writes)
check "second sync makes no write call" eq "$WRITES2" "$WRITES1"
knob flush > /dev/null
sleep 0.5
save_state
check "the push caused product.updated deliveries" test \
  "$(q "select json_extract(value,'\$.succeeded') from json_each(readfile('$SL_TMP/state.json'),'\$.webhooks') where json_extract(value,'\$.topic')='product.updated'")" -gt 0
check "they add nothing to the inbox (no loop)" eq "$(inbox_count)" "$INBOX_BEFORE"
check "and no new document" eq "$(doc_count)" 7

admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/trial-balance" > "$SL_TMP/tb.json"
check "trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
check "SIGTERM stops serve cleanly" stop_serve
finish

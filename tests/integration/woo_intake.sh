#!/usr/bin/env bash
# An authentic WooCommerce delivery or polled order is never refused for its
# content (issue #11): the shop disables a webhook after a few non-2xx
# answers, and a poll that stops at one bad order never moves its cursor.
#  - a poll of four orders, one of them without any line (the host's order
#    check refuses it), books the three good ones, keeps the bad one as
#    failed with its reason, and moves the cursor to the newest of the four;
#  - a signed delivery whose line quantity is "abc" is answered 200 and
#    kept as failed naming the field; a forged one is 401 and stores nothing;
#    a good delivery after them books as usual;
#  - a signed order body that lost its topic header on the way is kept as
#    failed, and `inbox retry --failed` books it (a replay is taken as
#    order.updated) while the others are refused again with the same
#    reasons; a second retry files nothing twice.
# Every wait is bounded.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

# The demo shop's four orders (101-104), order 103 made processing with
# no lines at all: authentic, but nothing a document can be built from.
bad_order_seed() {
  sqlite3 -batch :memory: "select json_set(readfile('$SL_SOURCE_DIR/tests/sandbox/woocommerce/seed/demo.json'),
    '\$.orders[2].status', 'processing', '\$.orders[2].line_items', json('[]'),
    '\$.orders[2].shipping_lines', json('[]'), '\$.orders[2].fee_lines', json('[]'),
    '\$.orders[2].coupon_lines', json('[]'), '\$.orders[2].tax_lines', json('[]'),
    '\$.notes', json('{}'), '\$.refunds', json('{}'))" > "$SL_TMP/seed.json" &&
    echo "$SL_TMP/seed.json"
}

need "sandbox starts" start_sandbox "$(bad_order_seed)"
check "order 103 has no lines in the shop" eq \
  "$(q "select json_array_length(json_extract(readfile('$SL_TMP/seed.json'),'\$.orders[2].line_items'))")" 0
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

failed_rows() { "${SLX[@]}" inbox failed shop --all --json > "$SL_TMP/failed.json"; }
failed_count() { failed_rows && q "select json_array_length(readfile('$SL_TMP/failed.json'))"; }
failed_at() { json_get "$SL_TMP/failed.json" "\$[$1].$2"; } # INDEX KEY

# ---- the poll: one bad order among three good ones --------------------------
check "admin poll answers" admin_poll_ok "$WOO_ADMIN" shop woo
check "the poll books the three good orders" wait_true 20 docs_are 3
check "the three documents are 101, 102 and 104" eq \
  "$(q "select group_concat(e, ',') from (select json_extract(value,'\$.external_id') e from json_each(readfile('$SL_TMP/docs.json')) order by e)")" \
  "101,102,104"
failed_rows
check "order 103 is kept as failed, from the poll, with the host's reason" eq \
  "$(failed_at 0 source)/$(failed_at 0 external_id)/$(failed_at 0 field)/$(failed_at 0 reason)" \
  "poll/103/lines/order 103 has no lines"
check "its raw payload is kept" test "$(failed_at 0 body_bytes)" -gt 1000
check "inbox list says one is kept as failed" grep -q \
  "^1 delivery(ies) or polled order(s) kept as failed" <("${SLX[@]}" inbox list shop)
# The newest date_modified_gmt of the four is order 104's (the seed).
check "the cursor moved past it, to order 104's modification" eq \
  "$(sqlite3 "$SL_TMP/shop.db" "select cursor from inbox_cursors where channel='woo'")" \
  "2026-11-22T07:46:00"
check "a second poll answers" admin_poll_ok "$WOO_ADMIN" shop woo
check "and keeps nothing twice" eq "$(failed_count)" 1

# ---- a signed delivery that does not map: 200, kept as failed ---------------
# post_signed FILE [TOPIC] [SIGNATURE]: prints status and reply detail.
post_signed() {
  local sig=${3:-$(openssl dgst -sha256 -hmac "$WOO_HOOK_SECRET" -binary "$1" | base64)}
  curl -s -o "$SL_TMP/reply.json" -w '%{http_code}' --max-time 20 -X POST \
    -H 'Content-Type: application/json' ${2:+-H "X-WC-Webhook-Topic: $2"} \
    -H 'X-WC-Webhook-Resource: order' -H 'X-WC-Webhook-ID: 2' \
    -H "X-WC-Webhook-Signature: $sig" \
    --data-binary @"$1" "http://127.0.0.1:$PORT/hooks/shop/woo"
  echo " $(json_get "$SL_TMP/reply.json" '$.detail')"
}
woo GET /orders/101 > "$SL_TMP/o101.json"
q "select json_set(readfile('$SL_TMP/o101.json'), '\$.id', 9001, '\$.number', '9001',
     '\$.line_items[0].quantity', 'abc')" | tr -d '\n' > "$SL_TMP/abc.json"
INBOX_BEFORE=$(inbox_count)
# Deliveries are logged and answered first, parsed right after: the
# refusal shows in `inbox failed` once the writer has parsed it.
check "a signed delivery with quantity \"abc\" is 200, stored" eq \
  "$(post_signed "$SL_TMP/abc.json" order.updated)" "200 stored"
check "and parsed" wait_parsed "$WOO_ADMIN" shop
failed_rows
check "inbox failed names the field" eq \
  "$(failed_at 1 source)/$(failed_at 1 field)/$(failed_at 1 state)" \
  "webhook/line_items[0].quantity/failed"
check "it is the delivery's exact bytes" eq "$(failed_at 1 body_bytes)" "$(wc -c < "$SL_TMP/abc.json")"
check "a forged delivery is still 401" eq \
  "$(post_signed "$SL_TMP/abc.json" order.updated bm90IHRoZSBzaWduYXR1cmU=)" "401 webhook signature does not match the body"
check "and stores nothing" eq "$(failed_count)" 2
check "the inbox holds no item for either" eq "$(inbox_count)" "$INBOX_BEFORE"
O5=$(new_order bacs processing 10 2)
check "a good delivery after them books as usual" wait_true 20 docs_are 4

# ---- a signed order body without its topic: kept, and booked by a replay ----
# With order.created and product.updated paused a new order fires one
# delivery, order.updated, and drop-next loses it: we post it ourselves.
check "order.created and product.updated webhooks paused" eval "hook_status 1 paused && hook_status 3 paused"
knob drop-next > /dev/null
O6=$(new_order cod processing 11 1)
knob flush > /dev/null
woo GET "/orders/$O6" > "$SL_TMP/o6.json"
check "a signed delivery without a topic is 200, stored" eq \
  "$(post_signed "$SL_TMP/o6.json")" "200 stored"
check "and parsed" wait_parsed "$WOO_ADMIN" shop
failed_rows
check "its reason names the missing header" eq "$(failed_at 2 field)" "X-WC-Webhook-Topic"
check "nothing booked it yet" docs_are 4
"${SLX[@]}" inbox retry shop --failed > "$SL_TMP/retry1.txt"
check "retry --failed exits 1 while some stay refused" eq "$?" 1
check "order 103 is refused again for the same reason" grep -qx \
  "failed 1 (woo): refused: order 103 has no lines (field lines)" "$SL_TMP/retry1.txt"
check "the quantity \"abc\" is refused again, naming the field" grep -q \
  "^failed 2 (woo): refused: .*(field line_items\[0\]\.quantity)$" "$SL_TMP/retry1.txt"
check "the body without a topic is filed as a new item" grep -qx \
  "failed 3 (woo): replayed; item [0-9]*: order $O6 new" "$SL_TMP/retry1.txt"
check "and serve books it" wait_true 20 docs_are 5
check "its document is for that order" eq \
  "$(q "select count(*) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$O6'")" 1
failed_rows
check "the replayed row is marked, the others count one more try" eq \
  "$(failed_at 0 state)/$(failed_at 0 attempts) $(failed_at 1 state)/$(failed_at 1 attempts) $(failed_at 2 state)/$(failed_at 2 attempts)" \
  "failed/1 failed/1 replayed/0"
INBOX_BEFORE=$(inbox_count)
"${SLX[@]}" inbox retry shop --failed > "$SL_TMP/retry2.txt"
check "a second retry replays only the two still failed" eq "$(grep -c '^failed ' "$SL_TMP/retry2.txt")" 2
check "and files nothing twice" eq "$(inbox_count)" "$INBOX_BEFORE"
sleep 0.5
check "still one document for the replayed order" docs_are 5
check "SIGTERM stops serve cleanly" stop_serve
finish

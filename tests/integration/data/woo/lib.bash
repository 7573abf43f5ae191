# Helpers for the WooCommerce end-to-end tests (tests/integration/woo_*.sh),
# sourced after ../../lib.bash: the emulated shop (woo_sandbox) with the
# demo seed, a tenant "shop" whose channel "woo" talks to it over http +
# OAuth, `serve` with the shop's webhooks pointed at it, and bounded waits.
SANDBOX="$SL_BUILD_DIR/woo_sandbox"
WOO_CK=ck_e2e_test
WOO_CS=cs_e2e_test
WOO_HOOK_SECRET=whsec-e2e-5150
WOO_ADMIN=admin-e2e-8086
CONF="$SL_TMP/conf.d"
SLX=(sl --conf "$CONF" --plugins "$SL_PLUGIN_DIR")

# start_sandbox [SEED]: the shop on a port chosen at run time.
start_sandbox() {
  rm -f "$SL_TMP/sb.port"
  "$SANDBOX" --seed "${1:-$SL_SOURCE_DIR/tests/sandbox/woocommerce/seed/demo.json}" --port 0 \
    --port-file "$SL_TMP/sb.port" --consumer-key "$WOO_CK" --consumer-secret "$WOO_CS" \
    --delivery-delay-ms 100 2>>"$SL_TMP/sandbox.log" &
  SB_PID=$!
  SL_PIDS+=("$SB_PID")
  wait_for_file "$SL_TMP/sb.port" 20 && SB_PORT=$(cat "$SL_TMP/sb.port")
}

# empty_seed: the demo seed without its orders (a shop with products
# only), so each test counts the documents its own orders make.
empty_seed() {
  sqlite3 -batch :memory: "select json_set(readfile('$SL_SOURCE_DIR/tests/sandbox/woocommerce/seed/demo.json'),
    '\$.orders', json('[]'), '\$.notes', json('{}'), '\$.refunds', json('{}'))" > "$SL_TMP/seed.json" &&
    echo "$SL_TMP/seed.json"
}

# hook_status ID STATUS: pauses or activates one of the shop's webhooks.
hook_status() {
  woo PUT "/webhooks/$1" "{\"status\":\"$2\"}" | grep -q "\"status\":\"$2\""
}

# sent_total RESOURCE: deliveries the shop made for a resource's webhooks.
sent_total() {
  save_state && q "select sum(json_extract(value,'\$.sent')) from json_each(readfile('$SL_TMP/state.json'),'\$.webhooks') where json_extract(value,'\$.resource')='$1'"
}

# write_tenant [EXTRA CHANNEL LINES]: tenant "shop", channel "woo".
write_tenant() {
  mkdir -p "$CONF"
  printf '%s' "$WOO_CS" > "$SL_TMP/woo.secret"
  printf '%s' "$WOO_HOOK_SECRET" > "$SL_TMP/woo.webhook"
  printf '%s' "$WOO_ADMIN" > "$SL_TMP/admin.token"
  chmod 600 "$SL_TMP/woo.secret" "$SL_TMP/woo.webhook" "$SL_TMP/admin.token"
  cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
currency = EUR
vat_registered = yes
database = $SL_TMP/shop.db
admin_token_file = $SL_TMP/admin.token

[channel:woo]
plugin = woocommerce
url = http://127.0.0.1:$SB_PORT
key = $WOO_CK
secret_file = $SL_TMP/woo.secret
webhook_secret_file = $SL_TMP/woo.webhook
intake = webhook, poll
poll_every = 1h
document = invoice
process_when = processing, completed
approve = yes
add_payment = yes
series = WOO
sync_prices = yes
price_group = retail
${1:-}

[channel:woo.taxes]
standard = VAT21
reduced-rate = VAT12

[channel:woo.payments]
bacs = bank:2620
cod = cash:2610
INI
}

# import_stock: the seed's products with the ledger's own stock levels.
import_stock() {
  "${SLX[@]}" import products shop "$SL_SOURCE_DIR/tests/integration/data/woo/products.csv" \
    > /dev/null
}



# woo METHOD PATH [JSON]: a signed REST call to the shop; prints the body.
woo() {
  local url
  url=$("$SANDBOX" --sign-url "$1" "http://127.0.0.1:$SB_PORT/wp-json/wc/v3$2" "$WOO_CK" "$WOO_CS")
  curl -s --max-time 20 -X "$1" -H 'Content-Type: application/json' ${3:+--data-binary "$3"} "$url"
}

# knob NAME [JSON]: POST /__sandbox/NAME.
knob() {
  curl -sf --max-time 30 -X POST -H 'Content-Type: application/json' \
    ${2:+--data-binary "$2"} "http://127.0.0.1:$SB_PORT/__sandbox/$1"
}

# point_webhooks: the shop's five webhooks (order created, updated,
# deleted, restored; product updated) deliver to serve.
point_webhooks() {
  local id
  for id in 1 2 3 4 5; do
    woo PUT "/webhooks/$id" "{\"delivery_url\":\"http://127.0.0.1:$PORT/hooks/shop/woo\",\
\"secret\":\"$WOO_HOOK_SECRET\",\"status\":\"active\"}" | grep -q '"status":"active"' || return 1
  done
}

admin() { curl -s --max-time 60 -H "Authorization: Bearer $WOO_ADMIN" "$@"; }
admin_post() { admin -X POST "http://127.0.0.1:$ADMIN_PORT/admin/shop/$1"; }

# new_order PAYMENT STATUS PRODUCT QTY: creates an order in the shop; prints its id.
new_order() {
  knob order "{\"status\":\"$2\",\"payment_method\":\"$1\",\"set_paid\":true,\
\"billing\":{\"first_name\":\"Test\",\"last_name\":\"Buyer\",\"country\":\"LV\"},\
\"line_items\":[{\"product_id\":$3,\"quantity\":$4}]}" > "$SL_TMP/order.json" &&
    json_get "$SL_TMP/order.json" '$.id'
}

# on_hand SKU: on-hand units in the ledger.
on_hand() {
  "${SLX[@]}" stock show shop --json > "$SL_TMP/stock.json" &&
    q "select sum(json_extract(value,'\$.on_hand_milli'))/1000 from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1'"
}

# shop_stock PRODUCT_ID: the shop's stock_quantity of a product.
# sync_item FILE SKU FIELD: one field of a SKU's line in a `stock sync --json` report.
shop_stock() {
  save_state && q "select json_extract(value,'\$.stock_quantity') from json_each(readfile('$SL_TMP/state.json'),'\$.products') where json_extract(value,'\$.id')=$1"
}
sync_item() {
  q "select json_extract(value,'\$.$3') from json_each(json_extract(readfile('$1'),'\$[0].items')) where json_extract(value,'\$.sku')='$2'"
}

# q SQL: sqlite3 over the JSON files saved by the helpers below.
q() { sqlite3 -batch :memory: "$1"; }
save_state() { curl -sf --max-time 20 "http://127.0.0.1:$SB_PORT/__sandbox/state" > "$SL_TMP/state.json"; }
save_docs() { admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents" > "$SL_TMP/docs.json"; }
save_inbox() { admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/inbox" > "$SL_TMP/inbox.json"; }
inbox_count() { save_inbox && q "select json_array_length(readfile('$SL_TMP/inbox.json'))"; }
doc_count() { save_docs && q "select json_array_length(readfile('$SL_TMP/docs.json'))"; }

# wait_true SECONDS COMMAND...: bounded wait until COMMAND succeeds.
wait_true() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  echo "  timed out after ${limit}s: $*" >&2
  return 1
}
docs_are() { [ "$(doc_count)" = "$1" ]; }

# notes_of ORDER: how many notes the shop holds for an order.
notes_of() {
  save_state &&
    q "select json_array_length(json_extract(value,'\$.notes')) from
       json_each(readfile('$SL_TMP/state.json'),'\$.orders') where json_extract(value,'\$.id')=$1"
}
notes_are() { [ "$(notes_of "$1")" = "$2" ]; }

# calls NAME...: API calls the shop counted under the NAMEs, summed
# ("PUT /products/{id}").
calls() {
  local names="" n
  for n in "$@"; do names="$names${names:+,}'$n'"; done
  save_state && q "select coalesce(sum(value),0) from json_each(readfile('$SL_TMP/state.json'),'\$.calls') where key in ($names)"
}

# writes: the product write calls the shop has seen (single and batch).
writes() {
  calls "PUT /products/{id}" "POST /products/batch" "PUT /products/{id}/variations/{id}" \
    "POST /products/{id}/variations/batch"
}

# need NAME COMMAND...: a check the rest of the test depends on; on failure
# the test ends at once (with its counts).
need() {
  check "$@" && return 0
  finish
  exit 1
}

#!/usr/bin/env bash
# The README demo: installs what is missing, builds a Release tree in
# build-demo/, then in a temporary directory starts the emulated
# WooCommerce shop (woo_sandbox, seed tests/sandbox/woocommerce/seed/demo.json)
# and `shopledger serve` for a demo tenant, points the shop's webhooks at the
# host, creates two orders in the shop (delivered by webhook), polls for the
# seeded ones, waits until they are booked and the notes are back in the
# shop, pushes stock and prices, prints what happened and stops both.
# Exits non-zero when any step did not happen. Every wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
SRC=$(pwd)
JOBS=${JOBS:-2}
BUILD=${SL_DEMO_BUILD:-$SRC/build-demo}

bash tests/setup-deps.sh
echo "== build ($BUILD, Release)"
cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSL_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD" -j"$JOBS" --target shopledger woocommerce woo_sandbox tarad tarad_sandbox \
  foroutel foroutel_sandbox zarinpal zarinpal_sandbox \
  >/dev/null

SL="$BUILD/shopledger"
SANDBOX="$BUILD/woo_sandbox"
PLUGINS="$BUILD/plugins"
WORK=$(mktemp -d /tmp/shopledger-demo.XXXXXX)
export SHOPLEDGER_STATE="$WORK/state" # serve's call markers and quarantine records
PIDS=()
CK=ck_demo_4f1c2a
CS=cs_demo_9e7b35
ADMIN_TOKEN=demo-admin-token-31a8
HOOK_SECRET=demo-webhook-secret-77c2

cleanup() {
  local p
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 130" INT TERM

die() {
  echo "demo FAILED: $*" >&2
  for f in "$WORK"/*.log; do
    [ -s "$f" ] && { echo "--- tail of $f" >&2; tail -15 "$f" >&2; }
  done
  exit 1
}

# wait_until SECONDS COMMAND...: bounded wait until COMMAND succeeds.
wait_until() {
  local limit=$1 i
  shift
  for ((i = 0; i < limit * 10; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  return 1
}

# q SQL: one answer from sqlite3's JSON functions (no jq on a fresh machine).
q() { sqlite3 -batch :memory: "$1"; }

# eur EXPR: SQL turning minor units (cents) into "12.34" without floats.
eur() {
  echo "((case when ($1) < 0 then '-' else '' end) || (abs($1) / 100) || '.' || printf('%02d', abs($1) % 100))"
}

sb_url() { echo "http://127.0.0.1:$SB_PORT$1"; }
host_url() { echo "http://127.0.0.1:$HOST_PORT$1"; }

# woo METHOD PATH [JSON]: a signed (OAuth 1.0a) call to the shop's REST API.
woo() {
  local url
  url=$("$SANDBOX" --sign-url "$1" "$(sb_url "/wp-json/wc/v3$2")" "$CK" "$CS")
  curl -sf --max-time 20 -X "$1" -H 'Content-Type: application/json' \
    ${3:+--data-binary "$3"} "$url"
}

# admin METHOD PATH: the host's admin API.
admin() {
  curl -sf --max-time 60 -X "$1" -H "Authorization: Bearer $ADMIN_TOKEN" "http://127.0.0.1:$ADMIN_PORT/admin$2"
}

# admin_job TENANT JOB CHANNEL: a poll or stock-sync (JOB) runs on serve's
# scheduler; the request is answered 202 at once, so wait (bounded) for
# GET /admin/TENANT/channels/CHANNEL to show it finished; prints the
# job's record ("outcome", "error", "report").
admin_job() {
  local key=poll n i rec="$WORK/job.json"
  [ "$2" = stock-sync ] && key=stock_sync
  admin POST "/$1/$2/$3" >"$rec" || return 1
  n=$(q "select json_extract(readfile('$rec'), '\$.request')")
  [ -n "$n" ] || return 1
  for ((i = 0; i < 1200; i++)); do
    admin GET "/$1/channels/$3" >"$rec" || return 1
    if [ "$(q "select json_extract(readfile('$rec'), '\$.$key.finished') >= $n")" = 1 ]; then
      q "select json_extract(readfile('$rec'), '\$.$key')"
      return 0
    fi
    sleep 0.05
  done
  return 1
}

start_sandbox() {
  "$SANDBOX" --seed "$SRC/tests/sandbox/woocommerce/seed/demo.json" --port 0 \
    --port-file "$WORK/sandbox.port" --consumer-key "$CK" --consumer-secret "$CS" \
    --delivery-delay-ms 200 >"$WORK/sandbox.log" 2>&1 &
  PIDS+=($!)
  SB_PID=$!
  wait_until 20 test -s "$WORK/sandbox.port" || die "the sandbox did not start"
  SB_PORT=$(cat "$WORK/sandbox.port")
}

# write_tenant_demo: the demo tenant's INI, secrets in 0600 files, the
# products with stock as CSV. Maps match the seed's tax classes and
# payment gateways.
write_tenant_demo() {
  mkdir -p "$WORK/conf.d" "$WORK/secrets"
  printf '%s' "$CS" >"$WORK/secrets/woo.secret"
  printf '%s' "$HOOK_SECRET" >"$WORK/secrets/woo.webhook"
  printf '%s' "$ADMIN_TOKEN" >"$WORK/secrets/admin.token"
  chmod 600 "$WORK"/secrets/*
  cat >"$WORK/conf.d/demo.ini" <<INI
[tenant]
id = demo
name = Demo Linen & Wool SIA
currency = EUR
database = $WORK/demo.db
vat_registered = yes
timezone = Europe/Riga
admin_token_file = $WORK/secrets/admin.token

[accounts]
receivable = 2310
revenue = 6110
vat_output = 5721
shipping_income = 8190

[channel:woo]
plugin = woocommerce
url = http://127.0.0.1:$SB_PORT
auth = oauth
key = $CK
secret_file = $WORK/secrets/woo.secret
webhook_secret_file = $WORK/secrets/woo.webhook
intake = webhook, poll
poll_every = 5m
document = invoice
process_when = processing, completed
approve = yes
add_payment = yes
series = WOO
warehouse = main
stock_sync = manual
sync_prices = yes
price_group = retail

[channel:woo.taxes]
standard = VAT21
reduced-rate = VAT12
zero-rate = VAT0

[channel:woo.payments]
bacs = bank:2620
cod = cash:2610
INI
  # The ledger's own stock and prices differ from the shop's on purpose:
  # the stock sync then has something to write.
  cat >"$WORK/products-demo.csv" <<'CSV'
sku,name,parent_sku,price,price_group,on_hand,warehouse,purchase_price
TOWEL-LIN,Linen Tea Towel,,9.90,retail,45,main,3.10
MUG-CER,Ceramic Mug,,14.90,retail,30,main,5.20
BOOK-COOK,Latvian Cookbook,,24.00,retail,12,main,11.00
GIFT-25,Gift Card 25,,25.00,retail,,,
HOODIE,Wool Hoodie,,,,,,
HOODIE-S-GREY,"Wool Hoodie S, Grey",HOODIE,49.00,retail,10,main,21.00
HOODIE-M-GREY,"Wool Hoodie M, Grey",HOODIE,49.00,retail,20,main,21.00
HOODIE-L-GREY,"Wool Hoodie L, Grey",HOODIE,52.00,retail,,,
AMBER-PEND,Amber Pendant,,79.00,retail,6,main,30.00
CSV
}

# The second tenant: a Thai shop on TARAD U-Commerce (THB, VAT registered).
# TARAD pushes an order when it is paid and again when it is cancelled; a
# paid order becomes a posted receipt with its payment at once, shipping
# goes to other income, and a cancellation voids the receipt.
SECOND_TENANT=thshop
write_tenant_second() {
  printf 'utk-demo-thshop-5b21' >"$WORK/thshop.token"
  chmod 600 "$WORK/thshop.token"
  cat >"$WORK/conf.d/thshop.ini" <<INI
[tenant]
id = thshop
name = Demo Thai shop
currency = THB
database = $WORK/thshop.db
vat_registered = yes
timezone = Asia/Bangkok
admin_token_file = $WORK/secrets/admin.token

[accounts]
other_income = 4190

[channel:tarad]
plugin = tarad
user_token_file = $WORK/thshop.token
webhook_secret_file = $WORK/thshop.token
intake = webhook
document = receipt
process_when = paid, cancelled
approve = yes
add_payment = yes
shipping_as_other_income = yes
series = TRD
INI
}

# tarad_push PATH [BODY]: asks the TARAD simulator to push to the host.
tarad_push() {
  curl -sf --max-time 60 -X POST --data-binary "${2:-}" "http://127.0.0.1:$TARAD_PORT$1"
}

thshop_status() {
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" doc list thshop --json >"$WORK/th.json" 2>/dev/null &&
    [ "$(q "select group_concat(json_extract(value,'\$.external_id') || '=' ||
                json_extract(value,'\$.status'), ' ') from json_each(readfile('$WORK/th.json'))")" = "$1" ]
}

run_tenant_second() {
  "$BUILD/tarad_sandbox" --port 0 --port-file "$WORK/tarad.port" --token-file "$WORK/thshop.token" \
    --target "http://127.0.0.1:$HOST_PORT/hooks/thshop/tarad" >"$WORK/tarad.log" 2>&1 &
  PIDS+=($!)
  TARAD_PID=$!
  wait_until 15 test -s "$WORK/tarad.port" || die "the TARAD simulator did not start"
  TARAD_PORT=$(cat "$WORK/tarad.port")
  local spec='{"items":[{"sku":"SILK-SCARF","name":"Thai silk scarf","quantity":2,"unit_price":"450.00","vat_rate":7}],
    "shipping_fee":"50.00","shipping_vat_rate":7,"payment_method":"bank_transfer",
    "customer":{"name":"Somchai Jaidee","email":"somchai@example.co.th"}'
  tarad_push /__sandbox/push "$spec,\"order_no\":\"TH-1\"}" >/dev/null || die "TARAD push TH-1 failed"
  tarad_push /__sandbox/push "$spec,\"order_no\":\"TH-2\"}" >/dev/null || die "TARAD push TH-2 failed"
  tarad_push /__sandbox/cancel/TH-2 >/dev/null || die "TARAD cancel TH-2 failed"
  echo "TARAD pushed TH-1 and TH-2 as paid, then TH-2 as cancelled"
  wait_until 30 thshop_status "TH-1=posted TH-2=void" ||
    die "expected TH-1 posted and TH-2 void at thshop; have: $(q "select group_concat(json_extract(value,'\$.external_id') || '=' || json_extract(value,'\$.status'), ' ') from json_each(readfile('$WORK/th.json'))")"
}

# A free loopback port for serve, chosen before the tenants' files are
# written: the Iranian tenant's gateway sends the buyer back to it.
pick_host_port() {
  HOST_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
}

start_serve() {
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" serve --listen "127.0.0.1:$HOST_PORT" \
    --port-file "$WORK/serve.port" --admin-listen 127.0.0.1:0 \
    --admin-port-file "$WORK/admin.port" >"$WORK/serve.log" 2>&1 &
  PIDS+=($!)
  SERVE_PID=$!
  wait_until 30 test -s "$WORK/serve.port" || die "shopledger serve did not start"
  wait_until 30 test -s "$WORK/admin.port" || die "shopledger serve did not open its admin API"
  HOST_PORT=$(cat "$WORK/serve.port")
  ADMIN_PORT=$(cat "$WORK/admin.port") # the admin API has a listener of its own
}

# Points the shop's three webhooks (order.created, order.updated,
# product.updated) at the host, as an admin does in WooCommerce.
point_webhooks() {
  local id
  for id in 1 2 3; do
    woo PUT "/webhooks/$id" "{\"delivery_url\":\"$(host_url /hooks/demo/woo)\",\
\"secret\":\"$HOOK_SECRET\",\"status\":\"active\"}" >/dev/null ||
      die "cannot point webhook $id at the host"
  done
}

# new_order PAYMENT PRODUCT QTY [PRODUCT QTY]: creates a processing order in
# the shop (the shop then sends order.created/updated to the host).
new_order() {
  local pm=$1 title lines
  case "$pm" in bacs) title="Direct bank transfer" ;; *) title="Cash on delivery" ;; esac
  lines="{\"product_id\":$2,\"quantity\":$3}${4:+,{\"product_id\":$4,\"quantity\":$5\}}"
  curl -sf --max-time 20 -X POST -H 'Content-Type: application/json' \
    --data-binary "{\"status\":\"processing\",\"payment_method\":\"$pm\",\
\"payment_method_title\":\"$title\",\"set_paid\":true,\
\"billing\":{\"first_name\":\"Līga\",\"last_name\":\"Demo\",\"country\":\"LV\",\
\"email\":\"liga@example.lv\"},\"line_items\":[$lines],\
\"shipping_lines\":[{\"method_id\":\"flat_rate\",\"method_title\":\"Flat rate\",\"total\":\"4.00\"}]}" \
    "$(sb_url /__sandbox/order)" >"$WORK/order.json" || die "the shop did not create an order"
  q "select json_extract(readfile('$WORK/order.json'),'\$.id')"
}

save_state() { curl -sf --max-time 20 "$(sb_url /__sandbox/state)" >"$WORK/state.json"; }
save_docs() { admin GET /demo/documents >"$WORK/docs.json"; }

# Documents the host holds now.
doc_count() {
  save_docs || return 1
  q "select json_array_length(readfile('$WORK/docs.json'))"
}

# Orders that should be booked (processing/completed in the shop) whose
# note from the host has not reached the shop yet.
notes_missing() {
  save_state || return 1
  q "select count(*) from json_each(readfile('$WORK/state.json'),'\$.orders')
     where json_extract(value,'\$.status') in ('processing','completed')
       and coalesce(json_array_length(json_extract(value,'\$.notes')),0) = 0"
}

booked_and_noted() {
  [ "$(doc_count)" -ge "$EXPECT_DOCS" ] && [ "$(notes_missing)" = 0 ]
}

print_summary() {
  local t=$1
  echo
  echo "== documents ($t)"
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" doc list "$t" --json >"$WORK/docs-$t.json"
  q "select printf('%-14s %-9s %-9s %10s  %s', coalesce(json_extract(value,'\$.number'),'(draft)'),
            json_extract(value,'\$.type'), json_extract(value,'\$.status'),
            $(eur "json_extract(value,'\$.gross')"), coalesce(json_extract(value,'\$.reason'),''))
     from json_each(readfile('$WORK/docs-$t.json'))"
  echo
  echo "== payments ($t)"
  local id
  for id in $(q "select json_extract(value,'\$.id') from json_each(readfile('$WORK/docs-$t.json'))"); do
    "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" doc show "$t" "$id" --json >"$WORK/doc.json"
    q "select printf('%-14s %-8s %10s  %s', json_extract(readfile('$WORK/doc.json'),'\$.number'),
              json_extract(value,'\$.method'), $(eur "json_extract(value,'\$.amount')"),
              coalesce(json_extract(value,'\$.account'),''))
       from json_each(readfile('$WORK/doc.json'),'\$.payments')"
  done
  echo
  echo "== trial balance ($t)"
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" ledger trial-balance "$t" --json >"$WORK/tb.json"
  q "select printf('debit %s   credit %s', $(eur "json_extract(j,'\$.debit_total')"),
            $(eur "json_extract(j,'\$.credit_total')")) from (select readfile('$WORK/tb.json') j)"
}

print_shop() {
  save_state || die "cannot read the shop's state"
  echo
  echo "== notes the shop received"
  q "select printf('order %-5s %-11s %s', json_extract(o.value,'\$.id'),
            json_extract(o.value,'\$.status'), n.value)
     from json_each(readfile('$WORK/state.json'),'\$.orders') o,
          json_each(json_extract(o.value,'\$.notes')) n"
  echo
  echo "== stock and prices: shop now vs ledger available"
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" stock pending demo woo >/dev/null 2>&1 || true
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" stock show demo --json >"$WORK/stock.json"
  q "select printf('%-14s shop %5s @ %-6s  ledger %5s', json_extract(p.value,'\$.sku'),
            coalesce(json_extract(p.value,'\$.stock_quantity'),'-'),
            json_extract(p.value,'\$.regular_price'),
            coalesce((select json_extract(s.value,'\$.available_milli')/1000
                        from json_each(readfile('$WORK/stock.json')) s
                       where json_extract(s.value,'\$.sku') = json_extract(p.value,'\$.sku')),'-'))
     from json_each(readfile('$WORK/state.json'),'\$.products') p"
}

# Every managed SKU in the shop shows what the ledger has available.
stock_matches() {
  save_state || return 1
  "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" stock show demo --json >"$WORK/stock.json"
  local bad
  bad=$(q "select count(*) from json_each(readfile('$WORK/stock.json')) s
            join json_each(readfile('$WORK/state.json'),'\$.products') p
              on json_extract(p.value,'\$.sku') = json_extract(s.value,'\$.sku')
           where json_extract(p.value,'\$.manage_stock') = 1
             and json_extract(p.value,'\$.stock_quantity') != json_extract(s.value,'\$.available_milli')/1000")
  [ "$bad" = 0 ]
}

source "$SRC/tests/demo_iran.bash"
start_sandbox
pick_host_port
write_tenant_demo
write_tenant_second
start_iran_remotes
write_tenant_iran
"$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" config check >"$WORK/check.log" 2>&1 ||
  die "config check failed: $(cat "$WORK/check.log")"
"$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" import products demo "$WORK/products-demo.csv" ||
  die "product import failed"
start_serve
point_webhooks
echo "== shop http://127.0.0.1:$SB_PORT, host http://127.0.0.1:$HOST_PORT"

o1=$(new_order cod 10 1 11 2)
o2=$(new_order bacs 15 1 18 1)
echo "created orders $o1 and $o2 in the shop (delivered by webhook)"
admin_job demo poll woo | grep -q '"outcome":"ok"' || die "the admin poll failed"
echo "polled the shop for orders the webhooks did not bring"
run_tenant_second
run_tenant_iran
save_state || die "cannot read the shop's state"
EXPECT_DOCS=$(q "select count(*) from json_each(readfile('$WORK/state.json'),'\$.orders')
                 where json_extract(value,'\$.status') in ('processing','completed')")
wait_until 60 booked_and_noted ||
  die "expected $EXPECT_DOCS documents with notes back in the shop; have $(doc_count) documents, $(notes_missing) orders without a note"

admin_job demo stock-sync woo >"$WORK/sync-job.json" || die "the stock sync failed"
q "select json_extract(readfile('$WORK/sync-job.json'), '\$.report')" >"$WORK/sync.json"
q "select printf('stock sync: %s listed, %s written, %s unchanged, %s skipped, %s failed',
          json_extract(j,'\$.listed'), json_extract(j,'\$.written'), json_extract(j,'\$.unchanged'),
          json_extract(j,'\$.skipped'), json_extract(j,'\$.failed'))
   from (select readfile('$WORK/sync.json') j)"
[ "$(q "select json_extract(readfile('$WORK/sync.json'),'\$.failed')")" = 0 ] ||
  die "the stock sync reported failures"

print_summary demo
[ -n "$SECOND_TENANT" ] && print_summary "$SECOND_TENANT"
print_iran
print_shop
stock_matches || die "the shop's stock differs from the ledger's available stock"

kill -TERM "$SERVE_PID"
wait "$SERVE_PID" || die "serve did not stop cleanly"
kill -TERM "$SB_PID"
wait "$SB_PID" || die "the sandbox did not stop cleanly"
kill -TERM "$TARAD_PID"
wait "$TARAD_PID" || die "the TARAD simulator did not stop cleanly"
PIDS=()
echo
echo "demo OK: $EXPECT_DOCS WooCommerce orders booked, notes back in the shop, stock in sync;"
echo "         TARAD: a paid order posted as a receipt, a cancelled one voided;"
echo "         Iran (Toman): a COD parcel through Foroutel, delivered and its cash booked and settled,"
echo "         an order paid through ZarinPal, verified and booked with its fee"

# The demo's third tenant (sourced by tests/demo.sh): an Iranian shop on
# WooCommerce in Toman (IRT, 0 decimals, Persian documents). Its orders
# come from a second emulated shop (seed tests/sandbox/woocommerce/seed/iran.json):
# a cash-on-delivery order is invoiced and sent by rule through the
# emulated Foroutel, tracked until the post has collected the cash, which
# is booked to the post's clearing account and settled to the bank; an
# order paid online gets a ZarinPal pay link, the emulated buyer pays,
# the bank's return reaches serve, which verifies and books the payment
# and its fee. Every wait is bounded.

IR_CK=ck_demo_ir_51d0
IR_CS=cs_demo_ir_c83e

start_iran_remotes() {
  "$SANDBOX" --seed "$SRC/tests/sandbox/woocommerce/seed/iran.json" --port 0 \
    --port-file "$WORK/ir-shop.port" --consumer-key "$IR_CK" --consumer-secret "$IR_CS" \
    >"$WORK/ir-shop.log" 2>&1 &
  PIDS+=($!)
  printf 'fr-demo-key-2b7' >"$WORK/secrets/foroutel.key"
  printf '6f1c2a9e-0b7d-4c3e-9a51-3d2f8e7b6a10' >"$WORK/secrets/zarinpal.key"
  chmod 600 "$WORK/secrets/foroutel.key" "$WORK/secrets/zarinpal.key"
  cp "$SRC/tests/sandbox/foroutel/cities.csv" "$WORK/conf.d/foroutel-cities.csv"
  "$BUILD/foroutel_sandbox" --cities "$WORK/conf.d/foroutel-cities.csv" \
    --api-key-file "$WORK/secrets/foroutel.key" --servers 1 --port-file "$WORK/fr.port" \
    >"$WORK/foroutel.log" 2>&1 &
  PIDS+=($!)
  "$BUILD/zarinpal_sandbox" --port 0 --port-file "$WORK/zp.port" >"$WORK/zarinpal.log" 2>&1 &
  PIDS+=($!)
  wait_until 20 test -s "$WORK/ir-shop.port" || die "the Iranian shop did not start"
  wait_until 20 test -s "$WORK/fr.port" || die "the Foroutel emulator did not start"
  wait_until 20 test -s "$WORK/zp.port" || die "the ZarinPal emulator did not start"
  IR_SB_PORT=$(cat "$WORK/ir-shop.port")
  FR_URL="http://127.0.0.1:$(head -1 "$WORK/fr.port")"
  ZP_URL="http://127.0.0.1:$(cat "$WORK/zp.port")"
}

write_tenant_iran() {
  printf '%s' "$IR_CS" >"$WORK/secrets/ir-woo.secret"
  chmod 600 "$WORK/secrets/ir-woo.secret"
  cat >"$WORK/conf.d/irshop.ini" <<INI
[tenant]
id = irshop
name = فروشگاه نمونه
currency = IRT
currency_exponent = 0
database = $WORK/irshop.db
timezone = Asia/Tehran
admin_token_file = $WORK/secrets/admin.token

[documents]
language = fa

[accounts]
gateway_fees = 7610

[channel:woo]
plugin = woocommerce
url = http://127.0.0.1:$IR_SB_PORT
auth = oauth
key = $IR_CK
secret_file = $WORK/secrets/ir-woo.secret
intake = poll
poll_every = 1h
document = invoice
; an order awaiting its online payment is invoiced too, so it can be paid
process_when = pending, processing
approve = yes
add_payment = no
series = IR

[channel:woo.taxes]
standard = VAT10

[channel:woo.payments]
zarinpal = gateway:zp

[channel:woo.shipping]
; the shop's shipping method -> the postal channel (and its send type)
frotel = post:express

[channel:post]
plugin = foroutel
api_key_file = $WORK/secrets/foroutel.key
servers = $FR_URL/ws/v1/rest
cities = foroutel-cities.csv
item_weight_g = 600
cod_methods = cod
ship_when = processing
track_every = 1s
cod_cash = foroutel-clearing:1290
fees_account = 7620

[channel:zp]
plugin = zarinpal
process_when = paid
merchant_key_file = $WORK/secrets/zarinpal.key
api_url = $ZP_URL/pg/v4/payment
start_url = $ZP_URL/pg/StartPay
public_url = http://127.0.0.1:$HOST_PORT
recover_after = 0s
recover_every = 1s
cash = zarinpal:1115
INI
}

ir() { "$SL" --conf "$WORK/conf.d" --plugins "$PLUGINS" "$@"; }

# ir_shipment FIELD: a field of the tenant's first shipment.
ir_shipment() {
  ir shipment list irshop --json >"$WORK/ir-ships.json" 2>/dev/null &&
    q "select json_extract(value,'\$.$1') from json_each(readfile('$WORK/ir-ships.json')) limit 1"
}

# The cash the post collected for order 201 is booked as its payment.
ir_cod_booked() {
  ir order show irshop woo 201 --json >"$WORK/ir-201.json" 2>/dev/null &&
    [ "$(q "select json_array_length(json_extract(readfile('$WORK/ir-201.json'),'\$.payments'))")" -gt 0 ]
}

ir_paid() {
  ir pay show irshop woo 202 --json >"$WORK/ir-pay.json" 2>/dev/null &&
    grep -q '"status": *"booked"' "$WORK/ir-pay.json"
}

run_tenant_iran() {
  admin_job irshop poll woo | grep -q '"outcome":"ok"' || die "the Iranian shop's poll failed"
  echo "polled the Iranian shop: order 201 (cash on delivery), order 202 (paid online)"
  wait_until 60 test "$(ir_shipment reg_state)" = registered ||
    die "order 201's parcel was not registered at Foroutel (shipment: $(ir_shipment reg_state))"
  echo "order 201 sent through Foroutel by rule: parcel $(ir_shipment parcel_id)"
  # The post's clock moves on: sent, then delivered with the cash collected.
  curl -sf --max-time 10 -d '{"advance_s": 432000}' "$FR_URL/__sandbox/clock" >/dev/null ||
    die "cannot move Foroutel's clock"
  wait_until 60 ir_cod_booked ||
    die "order 201's cash was not booked as collected (shipment: $(ir_shipment status))"
  # The post pays the seller later: from its clearing account to the bank.
  ir shipment settle irshop "$(ir_shipment id)" "$(ir_shipment cod_amount)" \
    --to bank:1030 --ref FR-SETTLE-1 >/dev/null || die "the post's settlement of order 201 failed"
  echo "Foroutel collected order 201's cash; settled from the clearing account to the bank"

  ir pay link irshop woo 202 --via zp --json >"$WORK/ir-link.json" || die "pay link for 202 failed"
  local url back
  url=$(q "select json_extract(readfile('$WORK/ir-link.json'),'\$.start_url')")
  back=$(curl -s --max-time 10 -o /dev/null -w '%{redirect_url}' "$url?action=pay")
  [ -n "$back" ] || die "the ZarinPal emulator did not send the buyer back"
  curl -s --max-time 10 -o "$WORK/ir-return.html" "$back" || die "serve's return page failed"
  wait_until 60 ir_paid || die "order 202's ZarinPal payment was not booked"
  echo "order 202: pay link, the buyer paid at ZarinPal, serve verified and booked it"
}

print_iran() {
  echo
  echo "== documents (irshop, Toman)"
  ir doc list irshop
  echo
  echo "== trial balance (irshop)"
  ir ledger trial-balance irshop | tail -1
  echo
  echo "== shipments (irshop)"
  ir shipment list irshop
  echo
  echo "== order 201 (irshop): documents, payments, shipment, histories"
  ir order show irshop woo 201
  echo
  echo "== gateway attempts of order 202 (irshop)"
  ir pay show irshop woo 202
}

#!/usr/bin/env bash
# Mellat through `serve` on the same host driver as ZarinPal (no Mellat
# code in the host): pay link -> the buyer pays at mellat_sandbox, whose
# bank form POSTs the return to serve -> verify -> settle -> payment and
# fee booked once; a buyer who cancels -> nothing; the settle's answer lost
# (the call happened, the connection dropped) -> recovery settles again
# ("already settled" is success), verify ran once; the callback POSTed again
# -> still one payment; trial balance zero after each.
source "$(dirname "$0")/lib.bash"
CONF="$SL_TMP/conf.d"
PLUG="$SL_TMP/plugins"
mkdir -p "$CONF" "$SL_TMP/orders" "$PLUG"
ln -s "$SL_TEST_PLUGIN_DIR/testshop.so" "$PLUG/testshop.so"
ln -s "$SL_PLUGIN_DIR/mellat.so" "$PLUG/mellat.so"
printf 'mellat-e2e-pass' > "$SL_TMP/mellat.pass"
printf 'admin-token-5678' > "$SL_TMP/admin.token"
chmod 600 "$SL_TMP/mellat.pass" "$SL_TMP/admin.token"

"$SL_BUILD_DIR/mellat_sandbox" --port 0 --port-file "$SL_TMP/mp.port" --terminal 7001234 \
  --username shop7 --password mellat-e2e-pass &
SL_PIDS+=($!)
wait_for_file "$SL_TMP/mp.port" 10 || exit 1
MP="http://127.0.0.1:$(cat "$SL_TMP/mp.port")"

cat > "$CONF/ir.ini" <<INI
[tenant]
id = ir
currency = IRR
database = $SL_TMP/ir.db
admin_token_file = $SL_TMP/admin.token

[documents]
language = fa

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
intake = poll
poll_every = 1h
document = invoice
process_when = processing
approve = yes
add_payment = no
series = TS

[channel:mp]
plugin = mellat
process_when = paid
terminal_id = 7001234
username = shop7
password_file = $SL_TMP/mellat.pass
url = $MP/pgwchannel/services/pgw
start_url = $MP/pgwchannel/startpay.mellat
public_url = http://127.0.0.1:1
cash = mellat:1116
fee_percent = 0.5
http_timeout_ms = 1500
recover_after = 0s
recover_every = 1s
INI
SLX=(sl --conf "$CONF" --plugins "$PLUG")

order() { # ID TOTAL: an unpaid order, filed and invoiced
  cat > "$SL_TMP/order-$1.json" <<JSON
{"id":"$1","number":"$1","status":"processing","currency":"IRR","modified":"2026-11-20T12:00:00Z",
 "email":"reza@example.ir","first_name":"Reza","last_name":"Karimi","payment_method":"mellat",
 "prices_include_tax":false,"total":"$2","total_tax":"0",
 "lines":[{"id":"1","sku":"RUG","name":"Rug","qty":"1","unit_price":"$2","total":"$2","total_tax":"0"}]}
JSON
  "${SLX[@]}" inbox add ir ts "$SL_TMP/order-$1.json" >/dev/null && "${SLX[@]}" process ir >/dev/null
}
link() { "${SLX[@]}" pay link ir ts "$1" --via mp --json > "$SL_TMP/link.json" &&
  json_get "$SL_TMP/link.json" '$.authority'; }
# buyer REFID ACTION: the buyer decides; the sandbox POSTs the bank's form to serve
buyer() { curl -s --max-time 30 -X POST -H 'Content-Type: application/json' \
  --data "{\"RefId\":\"$1\",\"action\":\"$2\",\"post\":true}" "$MP/__sandbox/buyer" > "$SL_TMP/buyer.json"; }
status_of() { "${SLX[@]}" pay show ir ts "$1" --json > "$SL_TMP/show.json" &&
  json_get "$SL_TMP/show.json" '$[#-1].status'; }
until_status() { # ID STATUS: bounded wait
  local i
  for ((i = 0; i < 150; i++)); do [ "$(status_of "$1")" = "$2" ] && return 0; sleep 0.1; done
  echo "  $1 is $(status_of "$1"), not $2" >&2; return 1; }
paid_sum() { sqlite3 "$SL_TMP/ir.db" "select ifnull(sum(p.amount),0) from payments p join documents d on d.id=p.document_id where d.external_id='$1'"; }
balance() { "${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json"
  sqlite3 :memory: "select ifnull(sum(json_extract(value,'\$.balance')),0) from json_each(readfile('$SL_TMP/tb.json'),'\$.accounts') where json_extract(value,'\$.account')='$1'"; }
balanced() { "${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json" &&
  eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" "$(json_get "$SL_TMP/tb.json" '$.credit_total')"; }
calls() { curl -s "$MP/__sandbox/state" > "$SL_TMP/state.json"; json_get "$SL_TMP/state.json" "\$.calls.$1"; }

start_serve "$PLUG" || exit 1
sed -i "s|public_url = http://127.0.0.1:1$|public_url = http://127.0.0.1:$PORT|" "$CONF/ir.ini"

order 6001 1250000
REF=$(link 6001)
check "pay link hands out Mellat's RefId" bash -c "[ -n '$REF' ]"
check "and its start page is a form POST" eq "$(json_get "$SL_TMP/link.json" '$.start_method')" POST
check "the attempt is stored pending" eq "$(status_of 6001)" pending
buyer "$REF" pay
check "the bank's form reached serve" eq "$(json_get "$SL_TMP/buyer.json" '$.callback_status')" 200
check "verified, settled and booked" until_status 6001 booked
check "one payment of the full amount" eq "$(paid_sum 6001)" 1250000
check "the fee percent (0.5%) went to gateway_fees" eq "$(balance 7610)" 6250
check "the cash is on the gateway's account" eq "$(balance 1116)" $((1250000 - 6250))
check "verify once, settle once" eq "$(calls bpVerifyRequest):$(calls bpSettleRequest)" 1:1
FORM=$(json_get "$SL_TMP/buyer.json" '$.form')
curl -s -o /dev/null -X POST --data "$FORM" "http://127.0.0.1:$PORT/pay/ir/mp/return"
sleep 1.5
check "the callback POSTed again: still one payment" eq "$(paid_sum 6001)" 1250000
check "and no second verify" eq "$(calls bpVerifyRequest)" 1
check "trial balance zero (paid)" balanced

order 6002 800000
REF=$(link 6002)
buyer "$REF" cancel
check "a cancelled payment ends cancelled (nothing to verify)" until_status 6002 cancelled
check "nothing booked for it" eq "$(paid_sum 6002)" 0

order 6003 900000
REF=$(link 6003)
curl -s -X POST -H 'Content-Type: application/json' --data '{"op":"bpSettleRequest","mode":"done-then-drop","count":1}' "$MP/__sandbox/fault" > /dev/null
buyer "$REF" pay
check "a settle whose answer was lost is settled again by recovery and booked" until_status 6003 booked
check "booked once" eq "$(paid_sum 6003)" 900000
check "verify ran once for it, settle twice (the second: already settled)" eq \
  "$(calls bpVerifyRequest):$(calls bpSettleRequest)" 2:3
check "trial balance zero (recovered)" balanced
check "serve stops cleanly" stop_serve
finish

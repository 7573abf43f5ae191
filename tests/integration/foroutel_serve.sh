#!/usr/bin/env bash
# Foroutel end to end: a Toman (IRT, 0 decimals) cash-on-delivery order from
# the file-backed testshop -> invoice -> `shipment send` -> a parcel
# registered at the emulated Foroutel (quote first) -> the parcel's keys on
# the shipment and its note in the shop (through serve's outbox); sending
# twice registers nothing more; an unmappable city is a recorded error and
# nothing is sent; one of the servers down -> the next one takes the call;
# kill -9 while a registration is in flight -> one parcel at the service,
# the shipment "registering" and then, Foroutel having no lookup,
# "unconfirmed" for the operator (never registered again). Then the
# service's clock moves: serve tracks the parcels (history with Jalali
# dates as UTC, notes to the shop), the COD parcel is delivered and its
# cash collected -> payment to the clearing account, fees to expense,
# receivable closed -> `shipment settle` to the bank; the returned parcel
# -> credit note, stock back, postage an expense; an unknown label is kept
# as "other". Trial balance zero after each step. Every wait is bounded.
source "$(dirname "$0")/lib.bash"
# Under valgrind, serve is checked and the many foreground commands run
# natively (lib.bash: sl): with them under memcheck this test alone took
# over 5 minutes of CI.
SL_VALGRIND_CLI=0
DATA="$SL_SOURCE_DIR/tests/integration/data/foroutel"
CONF="$SL_TMP/conf.d"
PLUGINS="$SL_TMP/plugins"
mkdir -p "$CONF" "$SL_TMP/orders" "$PLUGINS"
ln -s "$SL_TEST_PLUGIN_DIR/testshop.so" "$SL_PLUGIN_DIR/foroutel.so" "$PLUGINS/"
cp "$SL_SOURCE_DIR/tests/sandbox/foroutel/cities.csv" "$CONF/foroutel-cities.csv"
printf 'fr-key-9f27' > "$SL_TMP/foroutel.key"
chmod 600 "$SL_TMP/foroutel.key"

"$SL_BUILD_DIR/foroutel_sandbox" --cities "$CONF/foroutel-cities.csv" \
  --api-key-file "$SL_TMP/foroutel.key" --servers 3 --port-file "$SL_TMP/fr.ports" &
SL_PIDS+=($!)
wait_for_file "$SL_TMP/fr.ports" 15 || { echo "FAIL foroutel_sandbox did not start"; exit 1; }
mapfile -t FP < "$SL_TMP/fr.ports"
FR="http://127.0.0.1:${FP[2]}"   # knobs go to the server that stays up

cat > "$CONF/ir.ini" <<INI
[tenant]
id = ir
currency = IRT
database = $SL_TMP/ir.db

[channel:shop]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
intake = poll
poll_every = 1h
document = invoice
process_when = processing
approve = yes
add_payment = no
series = IR

[channel:shop.shipping]
frotel-registered = post:registered

[channel:post]
plugin = foroutel
api_key_file = $SL_TMP/foroutel.key
servers = http://127.0.0.1:${FP[0]}/ws/v1/rest, http://127.0.0.1:${FP[1]}/ws/v1/rest, http://127.0.0.1:${FP[2]}/ws/v1/rest
cities = foroutel-cities.csv
item_weight_g = 600
cod_methods = cod
ship_when = processing
track_every = 1s
cod_cash = foroutel-clearing:1290
fees_account = 7620

[channel:post.cities]
Hashtgerd-East = 5:58
INI
SLX=(sl --conf "$CONF" --plugins "$PLUGINS")
fails() { ! "$@" 2>/dev/null; }
# order_has EXTERNAL_ID TEXT: `order show --json` of the order contains TEXT.
order_has() {
  "${SLX[@]}" order show ir shop "$1" --json > "$SL_TMP/order.json" && grep -qF -- "$2" "$SL_TMP/order.json"
}
state() { curl -s --max-time 5 "$FR/__sandbox/state" > "$SL_TMP/fr.json" && json_get "$SL_TMP/fr.json" "$1"; }
# sid EXTERNAL_ID: the order's newest shipment
sid() {
  "${SLX[@]}" shipment list ir --json > "$SL_TMP/list.json" &&
    sqlite3 :memory: "select max(json_extract(value,'\$.id')) from json_each(readfile('$SL_TMP/list.json')) where json_extract(value,'\$.external_id')='$1'"
}
ship() { "${SLX[@]}" shipment show ir "$1" --json > "$SL_TMP/ship.json" && json_get "$SL_TMP/ship.json" "$2"; }
# wait_ship ID FIELD VALUE: bounded wait (10 s) for a shipment field.
wait_ship() {
  local i
  for ((i = 0; i < 50; i++)); do
    [ "$(ship "$1" "$2")" = "$3" ] && return 0
    sleep 0.2
  done
  echo "  shipment $1: $2 is '$(ship "$1" "$2")', expected '$3'" >&2
  return 1
}

check "config is valid" "${SLX[@]}" config check
check "plugin check passes against the foroutel sandbox" sl plugin check "$SL_PLUGIN_DIR/foroutel.so"
for f in order-5001-cod order-5002-karaj-latin-unknown order-5003-crash order-5004-failover; do
  "${SLX[@]}" inbox add ir shop "$DATA/$f.json" > /dev/null
done
check "the orders become invoices" "${SLX[@]}" process ir
check "serve starts" start_serve "$PLUGINS"

# 1. a COD order -> a registered parcel, quoted first, its note to the shop
check "send order 5001" "${SLX[@]}" shipment send ir shop 5001 --via post
check "registered" wait_ship "$(sid 5001)" '$.reg_state' registered
check "Foroutel's factor id is the parcel key" eq "$(ship "$(sid 5001)" '$.parcel_id')" 9204518
check "the quote's cost split (Rial / 10)" eq "$(ship "$(sid 5001)" '$.cost_post'):$(ship "$(sid 5001)" '$.cost_tax'):$(ship "$(sid 5001)" '$.cost_service')" "22700:2043:3000"
check "COD amount is the invoice total" eq "$(ship "$(sid 5001)" '$.cod_amount')" 1090000
check "the invoice is the shipment's document" test "$(ship "$(sid 5001)" '$.document_id')" -gt 0
check "the service got Rial: goods x10" eq "$(state '$.parcels[0].items_total')" 10900000
check "one registration" eq "$(state '$.registrations')" 1
check "order status sent_to_postal_system" order_has 5001 '"to": "sent_to_postal_system"'
for ((i = 0; i < 50; i++)); do grep -q 9204518 "$SL_TMP/notes.txt" 2>/dev/null && break; sleep 0.2; done
check "the parcel's note reached the shop" grep -q "5001.*Parcel registered with post: 9204518" "$SL_TMP/notes.txt"
check "sending twice is refused" fails "${SLX[@]}" shipment send ir shop 5001 --via post
check "still one registration" eq "$(state '$.registrations')" 1

# 2. an unmappable city: a recorded error naming it, nothing sent
"${SLX[@]}" shipment send ir shop 5002 --via post 2> "$SL_TMP/err.txt"
check "send order 5002 fails" test $? -ne 0
check "the error names the city and the service" grep -q "city 'Hashtgerd' not found in foroutel's list" "$SL_TMP/err.txt"
check "it is recorded on the order" order_has 5002 "city 'Hashtgerd' not found"
check "nothing reached the service" eq "$(state '$.registrations')" 1

# 3. server 0 down: the call moves on to the next server
R1=$(state '$.requests[1]')
check "server 0 goes down" curl -sf --max-time 5 -d '{"server":0}' "$FR/__sandbox/down" -o /dev/null
R0=$(state '$.requests[0]') # final once down (serve's tracking may have asked it before)
check "send order 5004 with a server down" "${SLX[@]}" shipment send ir shop 5004 --via post
check "registered through another server" wait_ship "$(sid 5004)" '$.reg_state' registered
check "server 0 answered nothing more" eq "$(state '$.requests[0]')" "$R0"
# (serve's tracking may have gone to server 1 too meanwhile)
check "server 1 took the quote and the register" test "$(state '$.requests[1]')" -ge $((R1 + 2))

# 3b. the service refuses: its Persian text kept intact beside our summary
cat > "$SL_TMP/order-5008.json" <<JSON
{"id":"5008","number":"5008","status":"processing","currency":"IRT","modified":"2026-11-20T14:00:00Z",
 "payment_method":"cod","phone":"09121112255",
 "shipping":{"first_name":"Omid","last_name":"Rahimi","address_1":"Enghelab 1","city":"Rey","state":"THR","postcode":"1815512345"},
 "total":"545000","total_tax":"45000",
 "lines":[{"id":"1","sku":"MUG-BL","name":"Mug","qty":"1","unit_price":"500000","total":"500000","total_tax":"45000","tax_rate_id":"1","tax_percent":"9"}]}
JSON
"${SLX[@]}" inbox add ir shop "$SL_TMP/order-5008.json" > /dev/null && "${SLX[@]}" process ir > /dev/null
curl -sf --max-time 5 -d '{"fail_code":11,"fail_message":"اعتبار حساب فروشنده کافی نیست"}' "$FR/__sandbox/next" -o /dev/null
# (the CLI or serve's scheduler, whichever claims the row first, sends it)
"${SLX[@]}" shipment send ir shop 5008 --via post > /dev/null 2>&1
REFUSED=$(sid 5008)
check "a refused registration fails, so the order may be sent again" wait_ship "$REFUSED" '$.reg_state' failed
check "our summary and the service's own text, intact" eq "$(ship "$REFUSED" '$.last_error')" \
  "Foroutel refused the registration (code 11); its own message is kept beside: اعتبار حساب فروشنده کافی نیست"

# 4. kill -9 during the registration: one parcel, never a second register
# (serve is stopped meanwhile, so the CLI, not serve's scheduler, claims it)
check "serve stops for the crash" stop_serve
curl -sf --max-time 5 -d '{"delay_ms":6000}' "$FR/__sandbox/next" -o /dev/null
( sl_exec --conf "$CONF" --plugins "$PLUGINS" shipment send ir shop 5003 --via post ) > /dev/null 2>&1 &
SEND_PID=$!
for ((i = 0; i < 100; i++)); do [ "$(state '$.registrations')" = 3 ] && break; sleep 0.1; done
kill -9 "$SEND_PID" 2>/dev/null; wait "$SEND_PID" 2>/dev/null
check "the service registered the parcel once" eq "$(state '$.registrations')" 3
check "the shipment waits, outcome unknown" eq "$(ship "$(sid 5003)" '$.reg_state')" registering
check "a second send is refused" fails "${SLX[@]}" shipment send ir shop 5003 --via post
check "resolve: Foroutel cannot look it up" "${SLX[@]}" shipment resolve ir "$(sid 5003)"
check "unconfirmed for the operator" eq "$(ship "$(sid 5003)" '$.reg_state')" unconfirmed
check "the reason says why" grep -q 'cannot look a parcel up' "$SL_TMP/ship.json"
check "still three registrations" eq "$(state '$.registrations')" 3
check "serve starts again" start_serve "$PLUGINS"

tb_zero() {
  "${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json" &&
    eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
}
balance() { # ACCOUNT: debit - credit
  "${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json" &&
    sqlite3 :memory: "select ifnull(sum(json_extract(value,'\$.balance')),0) from json_each(readfile('$SL_TMP/tb.json'),'\$.accounts') where json_extract(value,'\$.account')='$1'"
}
check "the trial balance is zero after the sends" tb_zero

# 5. the service's days pass: tracking, COD collected, a return, a strange label
check "parcel 9204519 (order 5004) will come back" curl -sf --max-time 5 \
  -d '{"outcome":"returned"}' "$FR/__sandbox/parcel/9204519" -o /dev/null
on_hand() {
  "${SLX[@]}" stock show ir --json > "$SL_TMP/stock.json" || return 1
  sqlite3 :memory: "select sum(json_extract(value,'\$.on_hand_milli')) from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1'"
}
advance() { curl -sf --max-time 5 -d "{\"advance_s\":$1}" "$FR/__sandbox/clock" -o /dev/null; }
RECEIVABLE_BEFORE=$(balance 2310)
STOCK_BEFORE=$(on_hand MUG-BL)
check "a day passes at Foroutel" advance 86400
check "ready to ship (label changes, status stays)" wait_ship "$(sid 5001)" '$.status_raw' "آماده ارسال"
check "two more days" advance 172800
check "handed to the post" wait_ship "$(sid 5001)" '$.status' delivered_to_post
check "the order is sent" order_has 5001 '"to": "sent"'
check "two more days" advance 172800
check "the COD parcel is delivered" wait_ship "$(sid 5001)" '$.status' delivered_to_customer
check "its label is kept" eq "$(ship "$(sid 5001)" '$.status_raw')" "وصول شده"
check "the barcode became the tracking code" eq "$(ship "$(sid 5001)" '$.tracking_code')" 168530000000000009204518
check "the returned parcel is returned" wait_ship "$(sid 5004)" '$.status' returned
ship "$(sid 5001)" '$.id' > /dev/null
HISTORY=$(sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/ship.json'),'\$.history')")
check "history: each label the parcel went through ($HISTORY)" test "$HISTORY" -ge 3
check "history times come from the Jalali dates (Tehran midnight = 20:30Z)" grep -q '"at": "[0-9-]*T20:30:00Z"' "$SL_TMP/ship.json"
check "order status delivered" order_has 5001 '"to": "delivered"'
check "COD payment on the invoice" order_has 5001 '"ref": "cod:1"'
P3=$(ship "$(sid 5004)" '$.cost_total')
check "the clearing account holds the goods less the return's postage" eq "$(balance 1290)" $((1090000 - P3))
check "the service's fees and the return's postage are expenses" eq "$(balance 7620)" $((27743 + P3))
check "the receivable of 5001 is closed" eq "$(balance 2310)" $((RECEIVABLE_BEFORE - 1090000 - 545000))
check "the trial balance is zero after delivery" tb_zero
check "the return made a credit note" order_has 5004 '"type": "credit_note"'
check "the return brought the mug back" eq "$(on_hand MUG-BL)" $((STOCK_BEFORE + 1000))
check "the trial balance is zero after the return" tb_zero
for ((i = 0; i < 50; i++)); do grep -q "delivered_to_customer" "$SL_TMP/notes.txt" 2>/dev/null && break; sleep 0.2; done
check "the shop heard of the delivery" grep -q "^5001.*Parcel 9204518 (post): delivered_to_customer (وصول شده)" "$SL_TMP/notes.txt"
SETTLE=$((1090000 - P3))
check "settle the clearing balance to the bank" "${SLX[@]}" shipment settle ir "$(sid 5001)" "$SETTLE" --to bank:1020 --ref FR-SETTLE-1
check "a settlement books once" fails "${SLX[@]}" shipment settle ir "$(sid 5001)" "$SETTLE" --to bank:1020 --ref FR-SETTLE-1
check "clearing is empty" eq "$(balance 1290)" 0
check "the bank has it" eq "$(balance 1020)" "$SETTLE"
check "the trial balance is zero after the settlement" tb_zero

# 6. a label nobody mapped: kept as "other" with its text
cat > "$SL_TMP/order-5005.json" <<JSON
{"id":"5005","number":"5005","status":"processing","currency":"IRT","modified":"2026-11-21T10:00:00Z",
 "payment_method":"bacs","phone":"09121112233",
 "shipping":{"first_name":"Nima","last_name":"Sadeghi","address_1":"Zand 3","city":"Shiraz","state":"FRS","postcode":"7134512345"},
 "total":"545000","total_tax":"45000",
 "lines":[{"id":"1","sku":"MUG-BL","name":"Mug","qty":"1","unit_price":"500000","total":"500000","total_tax":"45000","tax_rate_id":"1","tax_percent":"9"}]}
JSON
"${SLX[@]}" inbox add ir shop "$SL_TMP/order-5005.json" > /dev/null && "${SLX[@]}" process ir > /dev/null
check "a prepaid parcel (bank transfer) is sent" "${SLX[@]}" shipment send ir shop 5005 --via post --send-type registered
check "registered" wait_ship "$(sid 5005)" '$.reg_state' registered
check "prepaid: nothing to collect" eq "$(ship "$(sid 5005)" '$.payment'):$(ship "$(sid 5005)" '$.cod_amount')" prepaid:0
check "Foroutel shows a label of its own" curl -sf --max-time 5 -d '{"label":"در انتظار تایید گمرک"}' \
  "$FR/__sandbox/parcel/$(ship "$(sid 5005)" '$.parcel_id')" -o /dev/null
check "kept as other" wait_ship "$(sid 5005)" '$.status' other
check "with the label" eq "$(ship "$(sid 5005)" '$.status_raw')" "در انتظار تایید گمرک"
check "logged once" test "$(grep -c 'unknown shipping status label' "$SL_TMP/serve.log")" -eq 1
# 7. by rule: the shipping method maps to the postal channel, ship_when the status
for n in 5006 5007; do
  city=Kashan; [ "$n" = 5007 ] && city=Natanz
  cat > "$SL_TMP/order-$n.json" <<JSON
{"id":"$n","number":"$n","status":"processing","currency":"IRT","modified":"2026-11-22T10:00:00Z",
 "payment_method":"cod","phone":"09121112244","shipping_method":"frotel-registered",
 "shipping":{"first_name":"Leila","last_name":"Hosseini","address_1":"Fin 9","city":"$city","state":"ESF","postcode":"8731512345"},
 "total":"545000","total_tax":"45000",
 "lines":[{"id":"1","sku":"MUG-BL","name":"Mug","qty":"1","unit_price":"500000","total":"500000","total_tax":"45000","tax_rate_id":"1","tax_percent":"9"}]}
JSON
  "${SLX[@]}" inbox add ir shop "$SL_TMP/order-$n.json" > /dev/null
done
check "the orders are booked" "${SLX[@]}" process ir
check "5006 was queued by the rule, serve registers it" wait_ship "$(sid 5006)" '$.reg_state' registered
check "with the send type of the map" eq "$(ship "$(sid 5006)" '$.send_type')" registered
check "5007's city is not in the list: recorded, nothing queued" eq "$(ship "$(sid 5007)" '$.reg_state')" failed
check "the reason names the city" grep -q "city 'Natanz' not found in foroutel's list" "$SL_TMP/ship.json"
check "both invoices are booked all the same" eq "$("${SLX[@]}" order show ir shop 5007 --json > "$SL_TMP/o.json"; json_get "$SL_TMP/o.json" '$.documents[0].status')" posted
# 8. cancel: a parcel still with the seller is cancelled at the service; a
# sent or a delivered one is not
check "cancel 5006's parcel" "${SLX[@]}" shipment cancel ir "$(sid 5006)"
check "cancelled here" eq "$(ship "$(sid 5006)" '$.reg_state'):$(ship "$(sid 5006)" '$.status')" cancelled:cancelled
check "and at Foroutel" bash -c "curl -s --max-time 5 '$FR/__sandbox/state' | grep -q 'لغو شده'"
"${SLX[@]}" shipment cancel ir "$(sid 5005)" 2> "$SL_TMP/err.txt"
check "a parcel on its way cannot be cancelled" test $? -ne 0
check "the service's reason, intact" grep -q "سفارش ارسال شده و امکان لغو آن وجود ندارد" "$SL_TMP/err.txt"
check "a delivered parcel has nothing to cancel" fails "${SLX[@]}" shipment cancel ir "$(sid 5001)"
check "the trial balance is zero at the end" tb_zero

check "serve stops" stop_serve
# The order export carries each order's tracking code and shipping status.
"${SLX[@]}" export orders ir -o "$SL_TMP/orders.csv" > /dev/null
check "export orders: 5001's row has its Iran Post barcode and status" python3 - "$SL_TMP/orders.csv" \
  "$(ship "$(sid 5001)" '$.tracking_code')" "$(ship "$(sid 5001)" '$.status')" <<'PY'
import csv, sys
rows = {r["shop_order_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
r = rows["5001"]
sys.exit(0 if sys.argv[2] and (r["tracking_code"], r["shipping_status"]) == (sys.argv[2], sys.argv[3]) else 1)
PY
check "an order without a shipment has both empty" python3 - "$SL_TMP/orders.csv" <<'PY'
import csv, sys
rows = {r["shop_order_id"]: r for r in csv.DictReader(open(sys.argv[1], encoding="utf-8-sig"))}
sys.exit(0 if (rows["5002"]["tracking_code"], rows["5002"]["shipping_status"]) == ("", "") else 1)
PY
"${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json"
check "the trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
finish

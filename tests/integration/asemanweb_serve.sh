#!/usr/bin/env bash
# Aseman Web through `serve` on the same shipment machinery as Foroutel:
# a Toman cash-on-delivery order -> invoice -> `shipment send` -> a parcel
# registered over SOAP (quote first; FactorKey kept) and its note in the
# shop; the service's clock moves it 0 -> 1 -> 2 -> 3 and serve's tracking
# (GetListStatus) records each state; at 3 the cash taken at the door is
# booked to the clearing account and the receivable closed; a returned
# parcel (5, then 6) gives a credit note with the stock back; the
# service's -15 (it did nothing, retry later) leaves the shipment pending
# for the next try. Trial balance zero after each.
source "$(dirname "$0")/lib.bash"
# Under valgrind, serve is checked and the many foreground commands run
# natively (lib.bash: sl): with them under memcheck this test alone took
# over 5 minutes of CI.
SL_VALGRIND_CLI=0
CONF="$SL_TMP/conf.d"
PLUGINS="$SL_TMP/plugins"
mkdir -p "$CONF" "$SL_TMP/orders" "$PLUGINS"
ln -s "$SL_TEST_PLUGIN_DIR/testshop.so" "$SL_PLUGIN_DIR/asemanweb.so" "$PLUGINS/"
printf 'aw-e2e-pass' > "$SL_TMP/aw.password"
chmod 600 "$SL_TMP/aw.password"
# Aseman Web's own province/city ids (the emulator knows 8:301 and 8:302).
cat > "$CONF/aw-cities.csv" <<'CSV'
province_id,province,province_code,city_id,city,city_latin
8,فارس,FRS,301,شیراز,Shiraz
8,فارس,FRS,302,مرودشت,Marvdasht
CSV
"$SL_BUILD_DIR/asemanweb_sandbox" --port 0 --port-file "$SL_TMP/aw.port" --username aw-e2e \
  --password aw-e2e-pass --step-seconds 3600 >/dev/null 2>>"$SL_TMP/aw.log" &
SL_PIDS+=($!)
wait_for_file "$SL_TMP/aw.port" 15 || { echo "FAIL asemanweb_sandbox did not start"; exit 1; }
AW="http://127.0.0.1:$(cat "$SL_TMP/aw.port")"

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

[channel:aw]
plugin = asemanweb
url = $AW/WebService/server.php
username = aw-e2e
password_file = $SL_TMP/aw.password
http_timeout_ms = 160000
cities = aw-cities.csv
item_weight_g = 600
cod_methods = cod
track_every = 1s
cod_cash = aseman-clearing:1291
fees_account = 7620
INI
SLX=(sl --conf "$CONF" --plugins "$PLUGINS")
# order ID CITY: a processing COD order of two mugs (Toman).
order() {
  cat > "$SL_TMP/order-$1.json" <<JSON
{"id":"$1","number":"$1","status":"processing","currency":"IRT","modified":"2026-11-20T10:00:00Z",
 "email":"sara@example.ir","first_name":"سارا","last_name":"احمدی","payment_method":"cod",
 "phone":"09120000000","shipping_method":"post",
 "shipping":{"first_name":"سارا","last_name":"احمدی","address_1":"خیابان زند، پلاک ۱۲","city":"$2","state":"FRS","postcode":"8134567890","country":"IR"},
 "total":"1090000","total_tax":"90000",
 "lines":[{"id":"1","sku":"MUG-BL","name":"لیوان آبی","qty":"2","unit_price":"500000","total":"1000000","total_tax":"90000","tax_rate_id":"1","tax_percent":"9"}]}
JSON
  "${SLX[@]}" inbox add ir shop "$SL_TMP/order-$1.json" > /dev/null
}
sid() {
  "${SLX[@]}" shipment list ir --json > "$SL_TMP/list.json" &&
    sqlite3 :memory: "select max(json_extract(value,'\$.id')) from json_each(readfile('$SL_TMP/list.json')) where json_extract(value,'\$.external_id')='$1'"
}
ship() { "${SLX[@]}" shipment show ir "$1" --json > "$SL_TMP/ship.json" && json_get "$SL_TMP/ship.json" "$2"; }
wait_ship() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(ship "$1" "$2")" = "$3" ] && return 0
    sleep 0.2
  done
  echo "  shipment $1: $2 is '$(ship "$1" "$2")', expected '$3'" >&2
  return 1
}
clock() { curl -sf --max-time 5 -d "{\"advance\": $1}" "$AW/__sandbox/clock" -o /dev/null; }
tb_zero() {
  "${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json" &&
    eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
}
paid() { "${SLX[@]}" order show ir shop "$1" --json > "$SL_TMP/o.json" &&
  sqlite3 :memory: "select coalesce(sum(json_extract(value,'\$.amount')),0) from json_each(readfile('$SL_TMP/o.json'),'\$.payments')"; }

check "config is valid" "${SLX[@]}" config check
order 7001 شیراز
order 7002 مرودشت
check "the orders become invoices" "${SLX[@]}" process ir
check "serve starts" start_serve "$PLUGINS"

# 1. send: quoted, registered over SOAP, the FactorKey kept, a note back
check "send order 7001 through Aseman Web" "${SLX[@]}" shipment send ir shop 7001 --via aw
S1=$(sid 7001)
check "registered" wait_ship "$S1" '$.reg_state' registered
check "the FactorKey is the parcel key" bash -c "[[ '$(ship "$S1" '$.parcel_id')' == 41/2207-* ]]"
check "the quote's service fee (Rial / 10)" eq "$(ship "$S1" '$.cost_service')" 2500
for ((i = 0; i < 50; i++)); do grep -q "41/2207" "$SL_TMP/notes.txt" 2>/dev/null && break; sleep 0.2; done
check "the parcel's note reached the shop" grep -q "7001.*41/2207" "$SL_TMP/notes.txt"
check "trial balance zero (sent)" tb_zero

# 2. the post moves it: ready, sent, delivered with the cash collected
check "one hour: ready to ship" clock 3600
check "tracked: left the warehouse" wait_ship "$S1" '$.status_raw' 1
check "two hours: handed to the post" clock 3600
check "tracked: delivered to the post" wait_ship "$S1" '$.status' delivered_to_post
check "three hours: delivered, cash collected" clock 3600
check "tracked: delivered to the customer" wait_ship "$S1" '$.status' delivered_to_customer
for ((i = 0; i < 50; i++)); do [ "$(paid 7001)" -gt 0 ] 2>/dev/null && break; sleep 0.2; done
check "the cash collected is the invoice's payment" eq "$(paid 7001)" 1090000
check "to the post's clearing account" eq "$(json_get "$SL_TMP/o.json" '$.payments[0].account')" 1291
check "the history kept each state" test "$(sqlite3 :memory: "select count(*) from json_each(json_extract(readfile('$SL_TMP/ship.json'),'\$.history'))")" -ge 3
check "trial balance zero (collected)" tb_zero

# 3. a returned parcel: credit note, stock back
check "send order 7002" "${SLX[@]}" shipment send ir shop 7002 --via aw
S2=$(sid 7002)
check "registered" wait_ship "$S2" '$.reg_state' registered
KEY=$(ship "$S2" '$.parcel_id' | tr -d '/-')
check "the emulated post will return it" curl -sf --max-time 5 -d "{\"id\": \"$KEY\", \"fate\": \"return\"}" "$AW/__sandbox/parcel" -o /dev/null
check "four hours on" clock 14400
check "tracked: returned" wait_ship "$S2" '$.status' returned
"${SLX[@]}" order show ir shop 7002 --json > "$SL_TMP/o2.json"
check "the invoice got its credit note" eq "$(sqlite3 :memory: "select count(*) from json_each(readfile('$SL_TMP/o2.json'),'\$.documents') where json_extract(value,'\$.type')='credit_note'")" 1
check "trial balance zero (returned)" tb_zero

# 4. -15 ("no answer from the post gateway, retry later"): the service
# did nothing, so the shipment waits for the outbox's next try (15 min)
# instead of being left "unconfirmed" for the operator
order 7003 شیراز
"${SLX[@]}" process ir > /dev/null
check "the service answers -15 to the next register" curl -sf --max-time 5 \
  -d '{"method": "RegisterOrder", "kind": "gateway", "count": 1}' "$AW/__sandbox/fault" -o /dev/null
"${SLX[@]}" shipment send ir shop 7003 --via aw > /dev/null 2>&1
S3=$(sid 7003)
check "it waits to be sent again (pending, not unconfirmed)" wait_ship "$S3" '$.reg_state' pending
check "with the service's code in its reason" bash -c "[[ '$(ship "$S3" '$.last_error')' == *-15* ]]"
check "the service registered nothing for it" eq "$(curl -s --max-time 5 "$AW/__sandbox/state" > "$SL_TMP/aws.json"; sqlite3 :memory: "select json_array_length(json_extract(readfile('$SL_TMP/aws.json'),'\$.parcels'))")" 2
check "SIGTERM stops serve" stop_serve
check "trial balance zero at the end" tb_zero
finish

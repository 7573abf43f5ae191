#!/usr/bin/env bash
# Foroutel end to end: a Toman (IRT, 0 decimals) cash-on-delivery order from
# the file-backed testshop -> invoice -> `shipment send` -> a parcel
# registered at the emulated Foroutel (quote first) -> the parcel's keys on
# the shipment and its note in the shop (through serve's outbox); sending
# twice registers nothing more; an unmappable city is a recorded error and
# nothing is sent; one of the servers down -> the next one takes the call;
# kill -9 while a registration is in flight -> one parcel at the service,
# the shipment "registering" and then, Foroutel having no lookup,
# "unconfirmed" for the operator (never registered again). Trial balance
# zero at the end. Every wait is bounded.
source "$(dirname "$0")/lib.bash"
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

[channel:post]
plugin = foroutel
api_key_file = $SL_TMP/foroutel.key
servers = http://127.0.0.1:${FP[0]}/ws/v1/rest, http://127.0.0.1:${FP[1]}/ws/v1/rest, http://127.0.0.1:${FP[2]}/ws/v1/rest
cities = foroutel-cities.csv
item_weight_g = 600
cod_methods = cod

[channel:post.cities]
Hashtgerd-East = 5:58
INI
SLX=(sl --conf "$CONF" --plugins "$PLUGINS")
fails() { ! "$@" 2>/dev/null; }
# order_has EXTERNAL_ID TEXT: `order show --json` of the order contains TEXT.
order_has() { "${SLX[@]}" order show ir shop "$1" --json | grep -qF -- "$2"; }
state() { curl -s --max-time 5 "$FR/__sandbox/state" > "$SL_TMP/fr.json" && json_get "$SL_TMP/fr.json" "$1"; }
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
check "registered" wait_ship 1 '$.reg_state' registered
check "Foroutel's factor id is the parcel key" eq "$(ship 1 '$.parcel_id')" 9204518
check "the quote's cost split (Rial / 10)" eq "$(ship 1 '$.cost_post'):$(ship 1 '$.cost_tax'):$(ship 1 '$.cost_service')" "22700:2043:3000"
check "COD amount is the invoice total" eq "$(ship 1 '$.cod_amount')" 1090000
check "the invoice is the shipment's document" test "$(ship 1 '$.document_id')" -gt 0
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
R0=$(state '$.requests[0]') R1=$(state '$.requests[1]')
check "server 0 goes down" curl -sf --max-time 5 -d '{"server":0}' "$FR/__sandbox/down" -o /dev/null
check "send order 5004 with a server down" "${SLX[@]}" shipment send ir shop 5004 --via post
check "registered through another server" wait_ship 3 '$.reg_state' registered
check "server 0 answered nothing more" eq "$(state '$.requests[0]')" "$R0"
check "server 1 took the quote and the register" eq "$(state '$.requests[1]')" $((R1 + 2))

# 4. kill -9 during the registration: one parcel, never a second register
curl -sf --max-time 5 -d '{"delay_ms":6000}' "$FR/__sandbox/next" -o /dev/null
( sl_exec --conf "$CONF" --plugins "$PLUGINS" shipment send ir shop 5003 --via post ) > /dev/null 2>&1 &
SEND_PID=$!
for ((i = 0; i < 100; i++)); do [ "$(state '$.registrations')" = 3 ] && break; sleep 0.1; done
kill -9 "$SEND_PID" 2>/dev/null; wait "$SEND_PID" 2>/dev/null
check "the service registered the parcel once" eq "$(state '$.registrations')" 3
check "the shipment waits, outcome unknown" eq "$(ship 4 '$.reg_state')" registering
check "a second send is refused" fails "${SLX[@]}" shipment send ir shop 5003 --via post
check "resolve: Foroutel cannot look it up" "${SLX[@]}" shipment resolve ir 4
check "unconfirmed for the operator" eq "$(ship 4 '$.reg_state')" unconfirmed
check "the reason says why" grep -q 'cannot look a parcel up' "$SL_TMP/ship.json"
check "still three registrations" eq "$(state '$.registrations')" 3

check "serve stops" stop_serve
"${SLX[@]}" ledger trial-balance ir --json > "$SL_TMP/tb.json"
check "the trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
finish

#!/usr/bin/env bash
# End to end through the CLI with the file-backed testshop connector:
# config check, plugin list/check, inbox add (operator replay), process,
# repeat and out-of-order deliveries, a totals mismatch, a cancellation,
# a bad body, and a balanced ledger at the end.
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
currency = EUR
database = $SL_TMP/shop.db

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
stock_file = $SL_TMP/stock.txt
products_file = $DATA/products.json
intake = poll
document = invoice
process_when = paid, cancelled
approve = yes
add_payment = yes
series = TS

[channel:ts.payments]
bacs = bank:2620
INI
SLX=(sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR")

# on_hand SKU: on-hand thousandths from `stock show`.
on_hand() {
  "${SLX[@]}" stock show shop --json > "$SL_TMP/stock.json" || return 1
  sqlite3 :memory: "select sum(json_extract(value,'\$.on_hand_milli')) from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1'"
}

# docs_where SQL-CONDITION FIELD: a field of the documents matching a
# condition on json_each's `value`, from the last doc list.
docs_field() {
  "${SLX[@]}" doc list shop --json > "$SL_TMP/docs.json" || return 1
  sqlite3 :memory: "select group_concat(json_extract(value,'\$.$2'), ',') from json_each(readfile('$SL_TMP/docs.json')) where $1"
}
refused_naming() { # FIELD COMMAND...: fails with a message naming FIELD
  local field=$1; shift
  ! "$@" > "$SL_TMP/out.txt" 2>&1 && grep -qi "$field" "$SL_TMP/out.txt"
}

check "config check passes" "${SLX[@]}" config check
"$SHOPLEDGER" --plugins "$SL_TEST_PLUGIN_DIR" plugin list --json > "$SL_TMP/plugins.json"
check "plugin list shows testshop" eq \
  "$(sqlite3 :memory: "select json_extract(value,'\$.version') from json_each(readfile('$SL_TMP/plugins.json'),'\$.plugins') where json_extract(value,'\$.name')='testshop'")" 1.0.0
check "plugin check passes for testshop" "${SLX[@]}" plugin check "$SL_TEST_PLUGIN_DIR/testshop.so"
check "plugin check fails for a crashing plugin" refused_naming "crashed" \
  "${SLX[@]}" plugin check "$SL_TEST_PLUGIN_DIR/bad_crash_on_open.so"

check "channel import loads the shop's products" "${SLX[@]}" channel import shop ts
check "imported stock is on hand" eq "$(on_hand MUG-BL)" 25000

check "inbox add stores the paid order" "${SLX[@]}" inbox add shop ts "$DATA/order-1001-paid.json"
check "a repeat delivery is accepted" "${SLX[@]}" inbox add shop ts "$DATA/order-1001-paid.json"
check "process" "${SLX[@]}" process shop
check "one invoice" eq "$(docs_field "1" type)" invoice
check "it is posted" eq "$(docs_field "1" status)" posted
check "numbered from the series" eq "$(docs_field "1" number)" TS-000001
check "gross equals the shop total" eq "$(docs_field "1" gross)" 3025
check "the invoice moved two mugs out" eq "$(on_hand MUG-BL)" 23000

check "a stale revision is accepted" "${SLX[@]}" inbox add shop ts "$DATA/order-1001-stale-pending.json"
check "process after the stale revision" "${SLX[@]}" process shop
check "the stale revision changed nothing" eq "$(docs_field "1" status)" posted

check "the mismatching order is stored" "${SLX[@]}" inbox add shop ts "$DATA/order-1002-mismatch.json"
check "process the mismatch" "${SLX[@]}" process shop
check "a mismatch stays draft" eq "$(docs_field "json_extract(value,'\$.external_id')='1002'" status)" draft
check "the draft says which total differs" bash -c \
  "[[ '$(docs_field "json_extract(value,'\$.external_id')='1002'" reason)' == *gross* ]]"

check "the cancellation is stored" "${SLX[@]}" inbox add shop ts "$DATA/order-1001-cancelled.json"
check "process the cancellation" "${SLX[@]}" process shop
check "the posted invoice got one credit note" eq \
  "$(docs_field "json_extract(value,'\$.type')='credit_note'" external_id)" 1001

check "the credit note brought the stock back" eq "$(on_hand MUG-BL)" 25000

check "a bad body is refused naming the field" refused_naming currency \
  "${SLX[@]}" inbox add shop ts "$DATA/order-bad-currency.json"

# order show: the order as the host knows it, documents with payments and notes
check "order show lists the order" "${SLX[@]}" order show shop ts 1001
"${SLX[@]}" order show shop ts 1001 --json > "$SL_TMP/order.json"
check "order show: invoice and credit note" eq "$(json_get "$SL_TMP/order.json" '$.documents[1].type')" credit_note
check "order show: the invoice's payment" eq "$(json_get "$SL_TMP/order.json" '$.payments[0].document')" TS-000001
NOTES=$(sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/order.json'), '\$.notes')")
check "order show: the notes back to the shop ($NOTES)" test "$NOTES" -ge 2
check "order show: no shipments yet" eq "$(json_get "$SL_TMP/order.json" '$.shipments')" "[]"
fails() { ! "$@" 2>/dev/null; }
check "order show: an unknown order fails" fails "${SLX[@]}" order show shop ts 999999

"${SLX[@]}" ledger trial-balance shop --json > "$SL_TMP/tb.json"
check "the trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
finish

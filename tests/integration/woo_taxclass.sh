#!/usr/bin/env bash
# WooCommerce tax classes through `serve`: the shop sends the standard class
# as "" on items and fees and none at all on shipping (it follows the items).
# The tenant's `standard = VAT21` must reach every standard-rate line, the
# reduced class its own group, and no group named after a bare percent
# (TAX-21) may appear. A rate the map lacks is a warning in `channel
# describe` and leaves the document Draft naming it.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

knob order '{"status":"processing","payment_method":"bacs","set_paid":true,
 "billing":{"first_name":"Test","last_name":"Buyer","country":"LV"},
 "line_items":[{"product_id":10,"quantity":1},{"product_id":12,"quantity":1}],
 "shipping_lines":[{"method_id":"flat_rate","method_title":"Flat rate","total":"3.50"}],
 "fee_lines":[{"name":"Gift wrap","tax_class":"","tax_status":"taxable","total":"2.00"}]}' \
  > "$SL_TMP/order.json"
ORDER=$(json_get "$SL_TMP/order.json" '$.id')
check "the shop sent the standard class as \"\"" eq \
  "$(q "select count(*) from json_each(json_extract(readfile('$SL_TMP/order.json'),'\$.line_items')) where json_extract(value,'\$.tax_class')=''")" 1
check "the order is booked" wait_true 20 docs_are 1
"${SLX[@]}" doc show shop 1 --json > "$SL_TMP/doc.json"
groups() { # KIND: the tax groups of the document's lines of that kind, sorted
  q "select group_concat(g, ',') from (select json_extract(value,'\$.tax_group') g
     from json_each(json_extract(readfile('$SL_TMP/doc.json'),'\$.lines'))
     where json_extract(value,'\$.kind')='$1' order by g)"
}
check "standard and reduced items map by class name" eq "$(groups product)" "VAT12,VAT21"
check "the fee of the standard class maps to VAT21" eq "$(groups fee)" "VAT21"
check "shipping follows the items' class" eq "$(groups shipping)" "VAT21"
check "no group named after a bare percent" eq \
  "$(q "select count(*) from json_each(json_extract(readfile('$SL_TMP/doc.json'),'\$.lines')) where json_extract(value,'\$.tax_group') like 'TAX-%'")" 0
check "its gross is the shop's total" eq "$(json_get "$SL_TMP/doc.json" '$.gross')" \
  "$(q "select cast(replace(json_extract(readfile('$SL_TMP/order.json'),'\$.total'),'.','') as int)")"
check "order $ORDER's document is posted" eq "$(json_get "$SL_TMP/doc.json" '$.status')" posted
"${SLX[@]}" doc show shop 1 > "$SL_TMP/doc.txt"
check "doc show prints a quantity of 1 as 1, not 1000" grep -Eq "TOWEL-LIN .* 1 VAT21 " "$SL_TMP/doc.txt"
"${SLX[@]}" channel describe shop woo > "$SL_TMP/describe.out" 2> "$SL_TMP/describe.err"
check "describe warns of no tax rate when every class is mapped" bash -c \
  "! grep -q 'tax rate .* is not mapped' '$SL_TMP/describe.err'"
check "SIGTERM stops serve cleanly" stop_serve

# ---- a rate the map lacks: a visible warning and a Draft, never a new group --
sed -i '/^reduced-rate = VAT12$/d' "$CONF/shop.ini"
"${SLX[@]}" channel describe shop woo > /dev/null 2> "$SL_TMP/describe2.err"
check "describe names the unmapped reduced rate" grep -q \
  "tax rate .*class reduced-rate) is not mapped in \[channel:woo.taxes\]" "$SL_TMP/describe2.err"
need "serve starts again" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks
O2=$(new_order bacs processing 12 1)
check "the order with the unmapped rate gets its document" wait_true 20 docs_are 2
"${SLX[@]}" doc show shop 2 --json > "$SL_TMP/doc2.json"
check "it is a Draft" eq "$(json_get "$SL_TMP/doc2.json" '$.status')" draft
json_get "$SL_TMP/doc2.json" '$.reason' > "$SL_TMP/reason2.txt"
check "saying which rate is not mapped" grep -q "not mapped in \[channel:woo.taxes\]" "$SL_TMP/reason2.txt"
check "SIGTERM stops serve cleanly" stop_serve
finish

#!/usr/bin/env bash
# `channel import` for WooCommerce: every product and variation of the store
# lands in the ledger with its SKU, name, parent, regular price and, where
# the store keeps it on that item, its stock (a variation whose stock the
# parent manages has none of its own; an unmanaged gift card neither). What
# was imported is what the store shows: the stock sync after it writes
# nothing. A second import changes nothing.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
"${SLX[@]}" channel import shop woo > "$SL_TMP/import.out" 2> "$SL_TMP/import.err"
check "the import runs" test $? -eq 0
check "it counts the store's nine items" grep -q "imported 9 product(s), 9 new" "$SL_TMP/import.out"
"${SLX[@]}" stock show shop --json > "$SL_TMP/stock.json"
level() { # SKU: on-hand units in the ledger, "" when it keeps none
  q "select json_extract(value,'\$.on_hand_milli')/1000 from json_each(readfile('$SL_TMP/stock.json')) where json_extract(value,'\$.sku')='$1'"
}
check "a simple product's stock" eq "$(level TOWEL-LIN)" 40
check "the variable parent's own stock (it manages it)" eq "$(level HOODIE)" 30
check "a variation with its own stock" eq "$(level HOODIE-S-GREY)" 8
check "a variation whose stock the parent manages has none" eq "$(level HOODIE-M-GREY)" ""
check "an unmanaged gift card has none" eq "$(level GIFT-25)" ""
db() { sqlite3 "$SL_TMP/shop.db" "$1"; }
check "variations name their parent" eq \
  "$(db "select count(*) from products c join products p on p.id=c.parent_id where p.sku='HOODIE'")" 3
check "prices land in the channel's price group" eq \
  "$(db "select pp.price from product_prices pp join products p on p.id=pp.product_id join price_groups g on g.id=pp.group_id where p.sku='TOWEL-LIN' and g.code='retail'")" \
  "$(q "select cast(round(json_extract(value,'\$.regular_price')*100) as int) from json_each(readfile('$SL_SOURCE_DIR/tests/sandbox/woocommerce/seed/demo.json'),'\$.products') where json_extract(value,'\$.sku')='TOWEL-LIN'")"
BEFORE=$(writes)
"${SLX[@]}" stock sync shop woo > "$SL_TMP/sync.out"
check "the sync after the import writes nothing to the store" eq "$(writes)" "$BEFORE"
"${SLX[@]}" channel import shop woo > "$SL_TMP/import2.out" 2>&1
check "a second import makes nothing new" grep -q "imported 9 product(s), 0 new" "$SL_TMP/import2.out"
finish

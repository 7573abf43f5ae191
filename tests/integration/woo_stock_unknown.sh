#!/usr/bin/env bash
# A product sold through the shop but never imported: with create_products
# the order creates it in the ledger with on hand -2, but the ledger does
# not know its stock. The stock sync must never push that -2 (the shop,
# holding 3, would show it out of stock); it reports "stock unknown" with
# the reason, keeps listing it, and pushes once a count sets its stock.
# Stock and price are separate decisions: a gift card that keeps no stock
# (manage_stock false in the shop, no level in the ledger) gets its price.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant "create_products = yes"
grep -v '^AMBER-PEND,' "$SL_SOURCE_DIR/tests/integration/data/woo/products.csv" > "$SL_TMP/products.csv"
need "products import, the pendant left out" "${SLX[@]}" import products shop "$SL_TMP/products.csv"
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

O1=$(new_order bacs processing 18 2)
need "the order for the unknown pendant is booked" wait_true 20 docs_are 1
check "the order created the product with its sale only" eq "$(on_hand AMBER-PEND)" -2
check "the shop reduced its own stock 5 -> 3" eq "$(shop_stock 18)" 3
check "SIGTERM stops serve cleanly" stop_serve

"${SLX[@]}" stock sync shop woo --json > "$SL_TMP/sync1.json"
check "the sync reports the pendant's stock as unknown" eq \
  "$(sync_item "$SL_TMP/sync1.json" AMBER-PEND outcome)" stock_unknown
contains() { [[ "$1" == *"$2"* ]]; }
check "with the reason" contains "$(sync_item "$SL_TMP/sync1.json" AMBER-PEND stock_message)" \
  "never imported"
check "and counts it" eq "$(q "select json_extract(readfile('$SL_TMP/sync1.json'),'\$[0].stock_unknown')")" 1
check "no -2 reached the shop" eq "$(shop_stock 18)" 3
"${SLX[@]}" stock sync shop woo > "$SL_TMP/sync1.txt"
check "the text summary says stock unknown" grep -q "1 stock unknown" "$SL_TMP/sync1.txt"

printf 'sku,on_hand,warehouse\nAMBER-PEND,4,main\n' > "$SL_TMP/count.csv"
need "a count sets the pendant's stock" "${SLX[@]}" import products shop "$SL_TMP/count.csv"
check "the ledger holds the count" eq "$(on_hand AMBER-PEND)" 4
"${SLX[@]}" stock sync shop woo --json > "$SL_TMP/sync2.json"
check "now the quantity is pushed" eq "$(sync_item "$SL_TMP/sync2.json" AMBER-PEND stock)" written
check "the shop holds the counted 4" eq "$(shop_stock 18)" 4
check "nothing is unknown any more" eq "$(q "select json_extract(readfile('$SL_TMP/sync2.json'),'\$[0].stock_unknown')")" 0

printf 'sku,price,price_group\nGIFT-25,27.50,retail\n' > "$SL_TMP/price.csv"
need "a new gift card price" "${SLX[@]}" import products shop "$SL_TMP/price.csv"
"${SLX[@]}" stock sync shop woo --json > "$SL_TMP/sync3.json"
check "the gift card's price is written" eq "$(sync_item "$SL_TMP/sync3.json" GIFT-25 price)" written
check "with no stock decision for it" eq "$(sync_item "$SL_TMP/sync3.json" GIFT-25 stock)" ""
check "the shop shows the new price" eq "$(save_state && q "select json_extract(value,'\$.regular_price') from json_each(readfile('$SL_TMP/state.json'),'\$.products') where json_extract(value,'\$.sku')='GIFT-25'")" 27.50
"${SLX[@]}" stock sync shop woo --json > "$SL_TMP/sync4.json"
check "a second sync lists nothing" eq "$(q "select json_extract(readfile('$SL_TMP/sync4.json'),'\$[0].listed')")" 0
finish

#!/usr/bin/env bash
# Variations whose stock the parent manages (manage_stock "parent", as a
# real store shows them) share the parent's one number. The ledger keeps
# each variation's own level; the sync must push the parent the SUM of
# those variations and never one variation's number, also after a sale
# of one of them (the host lists every sibling when one changed).
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

SEED=$(empty_seed)
# HOODIE-L-GREY (17) follows the parent too, beside HOODIE-M-GREY (16).
sqlite3 -batch :memory: "select json_set(readfile('$SEED'), '\$.products[' ||
  (select key from json_each(readfile('$SEED'),'\$.products') where json_extract(value,'\$.id')=17)
  || '].manage_stock', 'parent')" > "$SL_TMP/seed-parent.json"
need "sandbox starts" start_sandbox "$SL_TMP/seed-parent.json"
write_tenant
sed 's/^HOODIE-L-GREY,\(.*\),52.00,retail,,,$/HOODIE-L-GREY,\1,52.00,retail,7,main,21.00/' \
  "$SL_SOURCE_DIR/tests/integration/data/woo/products.csv" > "$SL_TMP/products.csv"
need "products import (M 20, L 7 in the ledger)" "${SLX[@]}" import products shop "$SL_TMP/products.csv"

check "the shop's parent holds 30" eq "$(shop_stock 14)" 30
"${SLX[@]}" stock sync shop woo --json > "$SL_TMP/sync1.json"
check "the parent gets the variations' sum, 20 + 7" eq "$(shop_stock 14)" 27
check "M is reported with the parent's write" eq "$(sync_item "$SL_TMP/sync1.json" HOODIE-M-GREY stock)" written
check "L likewise" eq "$(sync_item "$SL_TMP/sync1.json" HOODIE-L-GREY stock)" written
check "S keeps its own stock, 10" eq "$(shop_stock 15)" 10

need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks
O1=$(new_order bacs processing 16 2)
need "two M hoodies sold and booked" wait_true 20 docs_are 1
check "the shop took them from the parent's number" eq "$(shop_stock 14)" 25
check "SIGTERM stops serve cleanly" stop_serve
"${SLX[@]}" stock sync shop woo --json > "$SL_TMP/sync2.json"
check "the sale lists M and its siblings" eq \
  "$(q "select count(*) from json_each(json_extract(readfile('$SL_TMP/sync2.json'),'\$[0].items')) where json_extract(value,'\$.sku') in ('HOODIE-M-GREY','HOODIE-L-GREY')")" 2
check "the parent keeps the sum 18 + 7, not M's 18" eq "$(shop_stock 14)" 25
check "nothing needed writing" eq "$(sync_item "$SL_TMP/sync2.json" HOODIE-M-GREY stock)" unchanged
finish

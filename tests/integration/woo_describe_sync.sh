#!/usr/bin/env bash
# What a shop owner reads before and after the first sync. `channel
# describe` lists the methods configured in each shipping zone (zone name,
# method title, cost: the flat rate 3.50 lives there, not in the method
# types), as a real store serves them at /shipping/zones/{id}/methods.
# `stock sync` reports the stock and the price outcome of a SKU on lines of
# their own, counts each side on its own line, and every SKU the shop did
# not take says why ("GIFT-25 skipped" alone was what a real store showed).
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
"${SLX[@]}" channel describe shop woo > "$SL_TMP/describe.out" 2> "$SL_TMP/describe.err"
check "describe runs" test $? -eq 0
method_line() { grep -E "^shipping_method +$1 " "$SL_TMP/describe.out"; }
check "the method types are still listed" bash -c "grep -qE '^shipping_method +flat_rate +Flat rate' '$SL_TMP/describe.out'"
check "Latvia's flat rate with its cost 3.50" bash -c \
  "grep -E '^shipping_method +flat_rate:1 +Flat rate +zone=\"Latvia\" cost=3.50 enabled\$' '$SL_TMP/describe.out'"
check "the EU courier in its zone with 9.00" bash -c \
  "grep -E '^shipping_method +flat_rate:3 +Courier EU +zone=\"Baltics and EU\" cost=9.00 enabled\$' '$SL_TMP/describe.out'"
check "free shipping has no cost setting" bash -c \
  "grep -E '^shipping_method +free_shipping:2 +Free over 50 +zone=\"Latvia\" cost=- enabled\$' '$SL_TMP/describe.out'"
check "a disabled pickup is shown disabled" bash -c \
  "grep -E '^shipping_method +local_pickup:4 .*disabled\$' '$SL_TMP/describe.out'"
check "the uncovered-locations zone has no methods" eq \
  "$(grep -c 'Locations not covered' "$SL_TMP/describe.out")" 0
check "one methods call per zone" eq "$(calls 'GET /shipping/zones/{id}/methods')" 3
"${SLX[@]}" --json channel describe shop woo > "$SL_TMP/describe.json"
check "the JSON form has the zone methods too" eq \
  "$(q "select count(*) from json_each(json_extract(readfile('$SL_TMP/describe.json'),'\$.items')) where json_extract(value,'\$.id') like '%:%'")" 4

# the gift card (manage_stock off in the shop) gets a level and a new
# price, the variable parent a price of its own: both are not taken on
# one side, each for its own reason
sed -e 's/^GIFT-25,Gift Card 25,,25.00,retail,,,$/GIFT-25,Gift Card 25,,26.00,retail,5,main,20.00/' \
  -e 's/^HOODIE,Wool Hoodie,,,,,,$/HOODIE,Wool Hoodie,,50.00,retail,,,/' \
  "$SL_SOURCE_DIR/tests/integration/data/woo/products.csv" > "$SL_TMP/products.csv"
need "products import" "${SLX[@]}" import products shop "$SL_TMP/products.csv"
"${SLX[@]}" stock sync shop woo > "$SL_TMP/sync.out" 2> "$SL_TMP/sync.err"
check "the sync runs" test $? -eq 0
check "the stock side has its own counts line" grep -qE '^woo stock: [0-9]+ written, ' "$SL_TMP/sync.out"
check "the price side has its own counts line" grep -qE '^woo price: [0-9]+ written, ' "$SL_TMP/sync.out"
check "the gift card's stock is skipped with its reason" grep -qE \
  '^woo +GIFT-25 +stock +skipped +manage_stock is off in the shop$' "$SL_TMP/sync.out"
check "the gift card's price is a line of its own" grep -qE '^woo +GIFT-25 +price +written *$' "$SL_TMP/sync.out"
check "the variable parent's price is skipped with its reason" grep -qE \
  '^woo +HOODIE +price +skipped +[a-z].+' "$SL_TMP/sync.out"
check "no SKU that was not taken lacks a reason" eq \
  "$(grep -cE '^woo +[^ ]+ +(stock|price) +(skipped|not_found|failed|drift|stock_unknown) *$' "$SL_TMP/sync.out")" 0
"${SLX[@]}" --json stock sync shop woo > "$SL_TMP/sync2.json"
check "a second sync: each side counts on its own (nothing listed)" eq \
  "$(q "select json_extract(readfile('$SL_TMP/sync2.json'),'\$[0].stock_counts.written') + json_extract(readfile('$SL_TMP/sync2.json'),'\$[0].price_counts.written')")" 0
finish

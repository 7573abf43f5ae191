#!/usr/bin/env bash
# Retention of the deliveries log: `inbox prune TENANT [--dry-run]` takes
# away parsed deliveries older than [intake] keep_deliveries and keeps a
# failed one (evidence, replayable), one an unsettled inbox item (a
# draft) may still be replayed from, and young ones; --dry-run counts
# rows and bytes and deletes nothing; a bad keep_deliveries is refused
# naming FILE:LINE and the key. Ages are made by moving the stored clock
# values back (serve's own clock cannot be set).
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders" "$SL_TMP/bodies"
testshop_secrets
testshop_webhook_tenant "$CONF/shop.ini" shop "$SL_TMP/admin.token" ts
printf 'reject_sku = MUG-BL\napprove = yes\nadd_payment = yes\n' >> "$CONF/shop.ini"
SLX=(sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR")
TOKEN=admin-token-5678
B="$SL_TMP/bodies"
# 1003 and 1004: 1001 with another id and a SKU the connector takes.
sed 's/"1001"/"1003"/g; s/MUG-BL/MUG-RD/' "$DATA/order-1001-paid.json" > "$B/1003.json"
sed 's/"1001"/"1004"/g; s/MUG-BL/MUG-RD/' "$DATA/order-1001-paid.json" > "$B/1004.json"

sign() { openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$1" | base64; }
post() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 20 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $(sign "$1")" \
    --data-binary @"$1" "http://127.0.0.1:$PORT/hooks/shop/ts"
}
q() { sqlite3 "$SL_TMP/shop.db" "$1"; }
DAY=86400000
# age EXTERNAL_ID DAYS: the delivery of that order, and its inbox
# revisions, received and parsed DAYS earlier than they were.
age() {
  q "update inbox_deliveries set received_ms = received_ms - $2 * $DAY,
       parsed_ms = parsed_ms - $2 * $DAY where id in (select delivery_id from
       inbox_delivery_bodies where cast(body as text) like '%\"id\":\"$1\"%');
     update inbox_revisions set received_ms = received_ms - $2 * $DAY
       where item_id in (select id from inbox_items where external_id = '$1');"
}
states() { q "select group_concat(state, ' ') from (select state from inbox_deliveries order by id)"; }

check "serve starts" start_serve "$SL_TEST_PLUGIN_DIR"
check "a booked order is acknowledged" eq "$(post "$B/1003.json")" 200
check "it is parsed" wait_parsed "$TOKEN" shop
check "an order left draft (totals mismatch) is acknowledged" eq "$(post "$DATA/order-1002-mismatch.json")" 200
check "one the connector refuses is acknowledged" eq "$(post "$DATA/order-1001-paid.json")" 200
check "a recent booked one is acknowledged" eq "$(post "$B/1004.json")" 200
check "all are parsed" wait_parsed "$TOKEN" shop
check "SIGTERM stops cleanly" stop_serve
check "the log holds parsed, parsed, failed, parsed" eq "$(states)" "parsed parsed failed parsed"
check "1002 is a draft" eq "$(q "select state from inbox_items where external_id = '1002'")" draft

# 1003 is 101 days old, 1002 and 1001 100 days, 1004 is today's.
age 1003 101
age 1002 100
age 1001 100
BYTES=$(q "select length(body) + length(cast(headers as blob)) from inbox_delivery_bodies
  where cast(body as text) like '%\"id\":\"1003\"%'")

"${SLX[@]}" inbox prune shop --dry-run > "$SL_TMP/dry.txt"
check "--dry-run names the booked old delivery and its bytes" grep -q \
  "^would prune 1 deliveries ($BYTES bytes) received before .* (keep_deliveries 90 days)" "$SL_TMP/dry.txt"
check "--dry-run says why the older others stay" grep -q \
  "^older ones kept: 1 failed (replayable: inbox failed), 0 not parsed yet, 1 held for an inbox item not yet processed" \
  "$SL_TMP/dry.txt"
check "--dry-run deletes nothing" eq "$(states)" "parsed parsed failed parsed"
"${SLX[@]}" --json inbox prune shop --dry-run > "$SL_TMP/dry.json"
check "--json gives the same figures" eq \
  "$(json_get "$SL_TMP/dry.json" '$.prunable')/$(json_get "$SL_TMP/dry.json" '$.bytes')/$(json_get "$SL_TMP/dry.json" '$.kept_failed')/$(json_get "$SL_TMP/dry.json" '$.kept_for_replay')" \
  "1/$BYTES/1/1"

check "inbox prune runs" "${SLX[@]}" inbox prune shop
check "it took only the booked old delivery" eq "$(states)" "parsed failed parsed"
check "the booked order itself is untouched" eq \
  "$(q "select state from inbox_items where external_id = '1003'")" processed
"${SLX[@]}" --json inbox prune shop > "$SL_TMP/again.json"
check "a second run prunes nothing" eq "$(json_get "$SL_TMP/again.json" '$.pruned')" 0

# A longer period keeps what is 100 days old; a shorter one, once the
# draft is settled (set here by hand: its totals will never match), lets
# 1002 go too.
printf '\n[intake]\nkeep_deliveries = 200d\n' >> "$CONF/shop.ini"
q "update inbox_items set state = 'processed' where external_id = '1002'"
"${SLX[@]}" --json inbox prune shop --dry-run > "$SL_TMP/long.json"
check "keep_deliveries = 200d keeps the 100-day-old ones" eq \
  "$(json_get "$SL_TMP/long.json" '$.prunable')/$(json_get "$SL_TMP/long.json" '$.keep_seconds')" \
  "0/$((200 * 86400))"
sed -i 's/^keep_deliveries = 200d$/keep_deliveries = 30d/' "$CONF/shop.ini"
"${SLX[@]}" inbox prune shop > /dev/null
check "with 30d and the draft settled, 1002 goes; the failed one stays" eq "$(states)" "failed parsed"

sed -i 's/^keep_deliveries = 30d$/keep_deliveries = 90/' "$CONF/shop.ini"
LINE=$(grep -n '^keep_deliveries' "$CONF/shop.ini" | cut -d: -f1)
"${SLX[@]}" inbox prune shop > /dev/null 2> "$SL_TMP/bad.txt"
check "a duration without a unit is refused" test $? -ne 0
check "naming FILE:LINE and the key" grep -q \
  "$CONF/shop.ini:$LINE: \[intake\] keep_deliveries: not a duration" "$SL_TMP/bad.txt"
check "and nothing was pruned" eq "$(states)" "failed parsed"

# serve prunes by itself: its scheduler runs a retention batch per tenant
# turn, so an aged parsed delivery goes while serve runs, without the CLI.
sed -i 's/^keep_deliveries = 90$/keep_deliveries = 30d/' "$CONF/shop.ini"
age 1004 40
check "serve starts again" start_serve "$SL_TEST_PLUGIN_DIR"
states_are() { [ "$(states)" = "$1" ]; }
check "serve pruned the aged delivery by itself" wait_until 60 states_are failed
check "and logged it" grep -q "tenant shop: 1 old deliveries pruned" "$SL_TMP/serve.log"
check "SIGTERM stops cleanly (pruned)" stop_serve
finish

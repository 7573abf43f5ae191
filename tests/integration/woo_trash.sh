#!/usr/bin/env bash
# WooCommerce trash and restore through `serve`, as the real store does
# them: moving a paid order to the trash fires order.deleted (the order as
# it was) and restocks nothing; wp-admin's Restore fires order.restored
# with the order in its real state. Trash is not a refund: the invoice, its
# payment and the stock stay as booked, no credit note is made, and a
# restore books nothing twice. An order trashed before it was booked is
# booked when it comes back.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

event_seen() { # TEXT: the tenant's inbox events hold a line starting with TEXT
  [ "$(sqlite3 "$SL_TMP/shop.db" "select count(*) from inbox_events where text like '$1%'")" -gt 0 ]
}
payments() { # the payment rows of the tenant: kind/amount, one per line
  sqlite3 "$SL_TMP/shop.db" "select kind||'/'||amount from payments order by id"
}
MUG_BEFORE=$(on_hand MUG-CER)
O1=$(new_order bacs processing 11 2)
need "the paid order is booked" wait_true 20 docs_are 1
PAID=$(payments)
check "its payment is recorded" test -n "$PAID"
check "its stock left the ledger" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 2))"

woo DELETE "/orders/$O1" > "$SL_TMP/trash.json"
check "the shop trashed order $O1" eq "$(json_get "$SL_TMP/trash.json" '$.id')" "$O1"
check "the deletion is recorded" wait_true 20 event_seen "order deleted in the shop"
check "no credit note for a trashed order" docs_are 1
check "no refund recorded" eq "$(payments)" "$PAID"
check "no stock came back" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 2))"
check "the invoice is still posted" eq "$(q "select json_extract(value,'\$.status') from json_each(readfile('$SL_TMP/docs.json'))")" posted

restored_ok() { # the shop's order.restored webhook has delivered N times
  save_state && [ "$(q "select json_extract(value,'\$.succeeded') from json_each(readfile('$SL_TMP/state.json'),'\$.webhooks') where json_extract(value,'\$.topic')='order.restored'")" -ge "$1" ]
}
EVENTS=$(sqlite3 "$SL_TMP/shop.db" "select count(*) from inbox_events")
knob restore "{\"order_id\":$O1}" > /dev/null
check "the restore is delivered" wait_true 20 restored_ok 1
check "and filed" wait_true 20 bash -c \
  "[ \$(sqlite3 '$SL_TMP/shop.db' 'select count(*) from inbox_events') -gt $EVENTS ]"
check "and books nothing twice" docs_are 1
check "the payment is still the one" eq "$(payments)" "$PAID"

# ---- trashed before it was ever booked, then restored -------------------------
woo PUT /webhooks/1 '{"status":"paused"}' > /dev/null
woo PUT /webhooks/2 '{"status":"paused"}' > /dev/null
O2=$(new_order bacs processing 11 1)
woo DELETE "/orders/$O2" > /dev/null
check "an order first seen trashed is recorded, not booked" wait_true 20 bash -c \
  "[ \$(sqlite3 '$SL_TMP/shop.db' \"select count(*) from inbox_events where text = 'order deleted in the shop (trash); nothing booked'\") -ge 1 ]"
check "nothing was booked for it" docs_are 1
knob restore "{\"order_id\":$O2}" > /dev/null
check "its restore books it in its real state" wait_true 20 docs_are 2
check "SIGTERM stops serve cleanly" stop_serve
finish

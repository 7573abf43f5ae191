#!/usr/bin/env bash
# A WooCommerce refund with line items through `serve` (intake = webhook,
# poll). The shop refunds 1 of 3 mugs (14.50 + 21 % = 3.05) with
# restock_items: its order.updated webhook carries only refunds[] amounts,
# so the revision waits ("refund N waits for its lines") and books
# nothing, no stock either. The poll reads GET /orders/{id}/refunds: the
# credit note has the refund's own line (1 mug, -14.50 net, -3.05 tax, on
# VAT21), the refund payment is 17.55 and one mug comes back into stock.
# A later poll and a later webhook book nothing twice.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

events_like() { # TEXT: how many inbox events start with TEXT
  sqlite3 "$SL_TMP/shop.db" "select count(*) from inbox_events where text like '$1%'"
}
event_seen() { [ "$(events_like "$1")" -gt 0 ]; }
polled() { admin_poll_ok "$WOO_ADMIN" shop woo; }
payments() { sqlite3 "$SL_TMP/shop.db" "select kind||'/'||amount from payments order by id"; }
credit_id() { # the id of the order's credit note, "" while none
  save_docs && q "select json_extract(value,'\$.id') from json_each(readfile('$SL_TMP/docs.json'))
                  where json_extract(value,'\$.type')='credit_note'"
}
# cn_line FIELD: FIELD of each line of the credit note, comma-separated
cn_line() {
  "${SLX[@]}" doc show shop "$(credit_id)" --json > "$SL_TMP/cn.json" &&
    q "select group_concat(json_extract(value,'\$.$1')) from json_each(readfile('$SL_TMP/cn.json'),'\$.lines')"
}

MUG_BEFORE=$(on_hand MUG-CER)
O=$(new_order bacs processing 11 3)
need "the sale of 3 mugs is booked" wait_true 20 docs_are 1
check "3 mugs left the ledger's stock" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 3))"
LID=$(json_get "$SL_TMP/order.json" '$.line_items[0].id')
TAXID=$(json_get "$SL_TMP/order.json" '$.line_items[0].taxes[0].id')
PAID=$(payments)

woo POST "/orders/$O/refunds" '{"amount":"17.55","reason":"One mug broken","restock_items":true,
  "line_items":[{"id":'"$LID"',"quantity":1,"refund_total":"14.50",
  "refund_tax":[{"id":'"$TAXID"',"refund_total":"3.05"}]}]}' > "$SL_TMP/refund.json"
RID=$(json_get "$SL_TMP/refund.json" '$.id')
need "the shop made refund $RID" test -n "$RID"
need "the webhook revision waits for the refund's lines" wait_true 20 \
  event_seen "refund $RID waits for its lines from the next poll"
check "no credit note from the webhook" docs_are 1
check "no refund paid yet" eq "$(payments)" "$PAID"
check "no stock back yet" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 3))"

need "an admin poll runs" polled
need "the poll brings the credit note" wait_true 20 docs_are 2
check "the credit note has the refund's one line" eq "$(cn_line kind)" product
check "of 1 mug" eq "$(cn_line qty_milli)" 1000
check "net -14.50" eq "$(cn_line net)" -1450
check "tax -3.05" eq "$(cn_line tax)" -305
check "on the sale's tax group" eq "$(cn_line tax_group)" VAT21
check "gross -17.55 = the refund" eq "$(json_get "$SL_TMP/cn.json" '$.gross')" -1755
check "the credit note is posted" eq "$(json_get "$SL_TMP/cn.json" '$.status')" posted
check "refund 17.55 paid back" eq "$(payments | tail -1)" refund/1755
check "the restocked mug is back" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 2))"

AFTER=$(payments)
check "a second poll runs" polled
check "a second poll books nothing twice" docs_are 2
check "nor pays back twice" eq "$(payments)" "$AFTER"
REVS=$(sqlite3 "$SL_TMP/shop.db" "select count(*) from inbox_revisions")
woo PUT "/orders/$O" '{"customer_note":"thanks"}' > /dev/null
check "a later webhook is filed" wait_true 20 bash -c \
  "[ \$(sqlite3 '$SL_TMP/shop.db' 'select count(*) from inbox_revisions') -gt $REVS ]"
check "and books nothing twice" docs_are 2
check "the stock stays" eq "$(on_hand MUG-CER)" "$((MUG_BEFORE - 2))"
check "the refund stays once" eq "$(payments)" "$AFTER"
check "SIGTERM stops serve cleanly" stop_serve
finish

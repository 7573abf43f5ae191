#!/usr/bin/env bash
# An admin edits a booked order in the shop, as on a real store: two mugs
# added to a posted order (wp-admin "Add item" + "Recalculate"; the store
# takes them from its stock and fires order.updated with the new total).
# The books correct it by the rule in host/rules/rules_revise.c: a credit
# note for the old invoice (its stock back), a new invoice for the new
# total (its stock out), the bank payment moved to the new invoice (no
# second receipt of cash: the bank holds what was paid once) and one note
# back to the shop. A later edit that books nothing (an address typo, a
# customer note) is an inbox event only: no document, no note.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

O1=$(new_order bacs processing 10 2)
need "the order becomes a posted invoice" wait_true 20 docs_are 1
OLD_TOTAL=$(q "select cast(replace(json_extract(readfile('$SL_TMP/order.json'),'\$.total'),'.','') as int)")
need "its note reached the shop" wait_true 20 notes_are "$O1" 1
MUGS_BEFORE=$(shop_stock 11)

# ---- the edit: two mugs added ------------------------------------------------
knob edit "{\"order_id\":$O1,\"add_line_items\":[{\"product_id\":11,\"quantity\":2}]}" \
  > "$SL_TMP/edited.json"
NEW_TOTAL=$(q "select cast(replace(json_extract(readfile('$SL_TMP/edited.json'),'\$.total'),'.','') as int)")
check "the shop's total grew (9.90 x 2 + 14.50 x 2 with 21 %)" eq "$OLD_TOTAL/$NEW_TOTAL" "2396/5905"
check "the shop took the two mugs from its stock" eq "$(shop_stock 11)" "$((MUGS_BEFORE - 2))"
need "the edit makes a credit note and a new invoice" wait_true 20 docs_are 3
doc_field() { # N FIELD: a field of the N-th document (1-based)
  q "select json_extract(value,'\$.$2') from json_each(readfile('$SL_TMP/docs.json')) where key=$(($1 - 1))"
}
check "the old invoice stays posted" eq "$(doc_field 1 type)/$(doc_field 1 status)/$(doc_field 1 gross)" \
  "invoice/posted/$OLD_TOTAL"
check "a credit note for all of it" eq "$(doc_field 2 type)/$(doc_field 2 status)/$(doc_field 2 gross)" \
  "credit_note/posted/-$OLD_TOTAL"
check "a new invoice for the shop's new total" eq \
  "$(doc_field 3 type)/$(doc_field 3 status)/$(doc_field 3 gross)" "invoice/posted/$NEW_TOTAL"
"${SLX[@]}" doc show shop 2 --json > "$SL_TMP/cn.json"
"${SLX[@]}" doc show shop 3 --json > "$SL_TMP/new.json"
check "the credit note paid nothing back" eq "$(json_get "$SL_TMP/cn.json" '$.payments')" "[]"
check "the credit note returned the towels" eq \
  "$(json_get "$SL_TMP/cn.json" '$.stock_moves[0].kind')/$(json_get "$SL_TMP/cn.json" '$.stock_moves[0].qty_milli')" \
  "return/2000"
check "the new invoice holds the moved bank payment" eq \
  "$(json_get "$SL_TMP/new.json" '$.payments[0].amount')/$(json_get "$SL_TMP/new.json" '$.payments[0].account')/$(json_get "$SL_TMP/new.json" '$.payments[0].ref')" \
  "$OLD_TOTAL/2620/moved:1"
check "and only that one" eq "$(json_get "$SL_TMP/new.json" '$.payments[1]')" ""
check "the ledger took towels and mugs out once each" eq "$(on_hand TOWEL-LIN)/$(on_hand MUG-CER)" "43/28"
admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/trial-balance" > "$SL_TMP/tb.json"
balance() {
  q "select json_extract(value,'\$.balance') from json_each(json_extract(readfile('$SL_TMP/tb.json'),'\$.accounts')) where json_extract(value,'\$.account')='$1'"
}
check "the bank holds the money paid once, no double cash" eq "$(balance 2620)" "$OLD_TOTAL"
check "receivable: the new total less what was paid" eq "$(balance 2310)" "$((NEW_TOTAL - OLD_TOTAL))"
check "the books balance" eq "$(json_get "$SL_TMP/tb.json" '$.balanced')" 1
shop_note_has() { # ORDER TEXT
  save_state && [ "$(q "select count(*) from json_each(readfile('$SL_TMP/state.json'),'\$.orders') o,
      json_each(json_extract(o.value,'\$.notes')) n where json_extract(o.value,'\$.id')=$1
      and n.value like '%$2%'")" -ge 1 ]
}
check "the shop is told what replaced what" wait_true 20 shop_note_has "$O1" \
  "edited in the shop (total 23.96 -> 59.05%replaced by Invoice WOO-000002; payment 23.96 moved to WOO-000002; 35.09 open"
# 1 for the sale, the shop's own 2 ("Added line items", "Adjusted stock"),
# then ours: the credit note, the new invoice, what replaced what
check "every note of the correction reached the shop" wait_true 20 notes_are "$O1" 6
NOTES=$(notes_of "$O1")

# ---- an edit that books nothing ----------------------------------------------
EVENTS_BEFORE=$("${SLX[@]}" inbox show shop 1 | grep -c "changes nothing booked")
knob edit "{\"order_id\":$O1,\"billing\":{\"address_1\":\"Brivibas iela 12\"},\
\"customer_note\":\"Please ring twice\"}" > /dev/null
nothing_event() {
  [ "$("${SLX[@]}" inbox show shop 1 | grep -c "changes nothing booked on Invoice WOO-000002")" -gt "$EVENTS_BEFORE" ]
}
check "an address typo and a customer note are an inbox event" wait_true 20 nothing_event
check "no document for it" eq "$(doc_count)" 3
check "no note for it" eq "$(notes_of "$O1")" "$NOTES"
check "SIGTERM stops serve cleanly" stop_serve
finish

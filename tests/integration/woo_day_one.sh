#!/usr/bin/env bash
# Day one of a shop that has a history. The tenant (Europe/Riga) starts
# booking on start_date = 2026-11-01; the shop already holds orders from
# October. The first poll through `serve` does not page the shop's
# history: with history = skip (the default) it asks for orders created
# since (WooCommerce `after=`), so an old order touched in November is not
# fetched, and one created at 23:30 on 31 October Riga time (inside the
# query's safety margin) is fetched but not stored; with history = import
# it asks for orders modified since, and stores the old ones it finds as
# history: shown in the inbox, never booked, no note to the shop. An
# order never touched since October is fetched by neither. The first run
# logs what it will do and what it found. A webhook for an old order is
# kept and books nothing. An order created at 00:30 on
# 1 November Riga time (still 31 October in UTC) is booked, and its
# document carries the order date 2026-11-01 and the invoice date (the
# day it was booked, in Riga), in `doc show` and in the PDF.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
at() { knob clock "{\"now\":\"$1\"}" > /dev/null; }
order_at() { # WHEN: a processing order of one towel made then; prints its id
  at "$1" && new_order bacs processing 10 1
}
H1=$(order_at 2026-10-10T09:00:00Z)   # untouched since October
H2=$(order_at 2026-10-15T09:00:00Z)   # completed in November
H3=$(order_at 2026-10-31T21:30:00Z)   # 23:30 on 31 October in Riga
N1=$(order_at 2026-10-31T22:30:00Z)   # 00:30 on 1 November in Riga
N2=$(order_at 2026-11-04T10:00:00Z)
at 2026-11-03T12:00:00Z
knob status "{\"order_id\":$H2,\"status\":\"completed\"}" > /dev/null
at 2026-11-06T08:00:00Z
need "five orders in the shop" test -n "$H1$H2$H3$N1$N2"

# day_one HISTORY: a fresh tenant with that history setting, serve, one
# admin poll, until the inbox holds WANT items
day_one() {
  rm -rf "$CONF" "$SL_TMP/shop.db"* "$SL_TMP/serve.log"
  write_tenant "start_date = 2026-11-01${1:+
history = $1}"
  sed -i 's/^currency = EUR$/currency = EUR\ntimezone = Europe\/Riga/' "$CONF/shop.ini"
  start_serve "$SL_PLUGIN_DIR" && admin_post poll/woo > /dev/null
}
item_of() { # ORDER: its inbox item id, "" when not stored
  save_inbox && q "select json_extract(value,'\$.id') from json_each(readfile('$SL_TMP/inbox.json')) where json_extract(value,'\$.external_id')='$1'"
}

# ---- history = skip (the default) ---------------------------------------------
need "serve starts, first poll asked" day_one ""
check "config check passes with start_date" "${SLX[@]}" config check > /dev/null
check "config check says what day one does" bash -c \
  "'${SHOPLEDGER}' --conf '$CONF' --plugins '$SL_PLUGIN_DIR' config check | grep -q 'start_date 2026-11-01: orders created before it are history (history = skip: not fetched, never booked)'"
need "the two new orders are booked" wait_true 20 docs_are 2
check "only they are in the inbox" eq "$(inbox_count)" 2
check "the old order completed in November was not fetched" eq "$(item_of "$H2")" ""
check "nor the one from 23:30 on 31 October (fetched, not stored)" eq "$(item_of "$H3")" ""
check "nor the untouched one" eq "$(item_of "$H1")" ""
check "the first run says what it will do" grep -q \
  "first poll: start_date 2026-11-01 (Europe/Riga, from 2026-10-31T22:00:00Z): orders created before it are history, not stored (history = skip)" \
  "$SL_TMP/serve.log"
check "and what it found" grep -qE \
  "first poll: 3 order\(s\) found in [0-9]+ page\(s\): 2 from start_date on, 1 history \(skipped\)" \
  "$SL_TMP/serve.log"
check "the notes go to the booked orders only" wait_true 20 notes_are "$N1" 1
check "none to the skipped one" eq "$(notes_of "$H3")" 0
check "SIGTERM stops serve cleanly" stop_serve

DOC=$(q "select json_extract(value,'\$.id') from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$N1'")
"${SLX[@]}" doc show shop "$DOC" --json > "$SL_TMP/n1.json"
"${SLX[@]}" doc show shop "$DOC" > "$SL_TMP/n1.txt"
TODAY_BEFORE=$(TZ=Europe/Riga date +%F)
check "the order date is the shop's day in Riga, 1 November" eq "$(json_get "$SL_TMP/n1.json" '$.order_date')" 2026-11-01
INV_DATE=$(json_get "$SL_TMP/n1.json" '$.invoice_date')
check "the invoice date is the booking day in Riga" bash -c \
  "[ '$INV_DATE' = '$TODAY_BEFORE' ] || [ '$INV_DATE' = \"\$(TZ=Europe/Riga date -d yesterday +%F)\" ]"
check "doc show prints both" grep -q "invoice date $INV_DATE, order date 2026-11-01 (Europe/Riga)" "$SL_TMP/n1.txt"
NUMBER=$(json_get "$SL_TMP/n1.json" '$.number')
check "doc pdf writes it" "$SHOPLEDGER" --conf "$CONF" --plugins "$SL_PLUGIN_DIR" doc pdf shop "$NUMBER" -o "$SL_TMP/n1.pdf"
pdftotext -enc UTF-8 "$SL_TMP/n1.pdf" - | tr -s ' \n' ' ' > "$SL_TMP/n1.pdf.txt"
check "the PDF carries the order date" grep -q "Order date: 2026-11-01" "$SL_TMP/n1.pdf.txt"
check "and the invoice date" grep -q "Issue date: $INV_DATE" "$SL_TMP/n1.pdf.txt"

# ---- history = import ------------------------------------------------------------
need "a fresh tenant with history = import, first poll asked" day_one import
need "the two new orders are booked" wait_true 20 docs_are 2
inbox_is() { [ "$(inbox_count)" = "$1" ]; }
check "the history found is stored too" wait_true 20 inbox_is 4
H2_ITEM=$(item_of "$H2")
check "the old order completed in November is kept as history" bash -c \
  "'${SHOPLEDGER}' --conf '$CONF' --plugins '$SL_PLUGIN_DIR' inbox show shop '$H2_ITEM' | grep -q 'history: created 2026-10-15, before start_date 2026-11-01 of channel woo; stored, never booked'"
check "so is the one from 23:30 on 31 October" test -n "$(item_of "$H3")"
check "the untouched one is still not fetched" eq "$(item_of "$H1")" ""
check "no document for history" eq "$(doc_count)" 2
check "and what it found is said" grep -qE \
  "first poll: 4 order\(s\) found in [0-9]+ page\(s\): 2 from start_date on, 2 history \(stored, not booked\)" \
  "$SL_TMP/serve.log"
notes_for() { sqlite3 "$SL_TMP/shop.db" "select count(*) from outbox where external_id='$1'"; }
check "this tenant queued a note for each booked order" eq "$(notes_for "$N1")/$(notes_for "$N2")" "1/1"
check "and none for history" eq "$(notes_for "$H2")/$(notes_for "$H3")" "0/0"
check "the shop holds none for them" eq "$(notes_of "$H2")/$(notes_of "$H3")" "0/0"

# a webhook for a history order (the untouched one, completed now) is
# kept, as every authentic delivery is, and books nothing
need "shop webhooks point at serve" point_webhooks
knob status "{\"order_id\":$H1,\"status\":\"completed\"}" > /dev/null
check "the delivery is stored" wait_true 20 inbox_is 5
H1_ITEM=$(item_of "$H1")
history_event() {
  "$SHOPLEDGER" --conf "$CONF" --plugins "$SL_PLUGIN_DIR" inbox show shop "$H1_ITEM" |
    grep -q 'history: created 2026-10-10, before start_date 2026-11-01'
}
check "as history" wait_true 20 history_event
check "with no document" eq "$(doc_count)" 2
check "and no note" eq "$(notes_for "$H1")" 0
check "SIGTERM stops serve cleanly" stop_serve
finish

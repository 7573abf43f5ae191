#!/usr/bin/env bash
# Notes back to WooCommerce when the answer is not what it seems. A proxy
# that forwarded the note's POST and answered 504: the retry (a new outbox
# attempt, signed afresh, so the store's nonce check passes) reads the
# order's notes, finds the note's [sl:...] marker and writes no second
# note. A 200 with a proxy's HTML page: not a success, the row stays
# pending and the note arrives, once, when the fault clears. Each retry
# waits for the outbox backoff (about 10 s); every wait is bounded.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

# outbox ORDER COLUMN: that column of the order's note row in the outbox.
outbox() {
  sqlite3 -batch "file:$SL_TMP/shop.db?mode=ro" \
    "select group_concat($2) from outbox where kind = 1 and external_id = '$1'"
}
row_is() { [ "$(outbox "$1" state)" = "$2" ]; }
last_error_has() { outbox "$1" last_error | grep -q "$2"; }
fault() { knob fault "$1" > /dev/null; }
posts_are() { [ "$(calls 'POST /orders/{id}/notes')" = "$1" ]; }
note_text() {
  save_state && q "select json_extract(value,'\$.notes[0]') from
    json_each(readfile('$SL_TMP/state.json'),'\$.orders') where json_extract(value,'\$.id')=$1"
}

# ---- 504 after the store wrote the note --------------------------------------
need "fault: the next note POST is stored, then answered 504" \
  fault '{"route":"POST /orders/{id}/notes","mode":"store-then-504"}'
O1=$(new_order bacs processing 10 1)
check "the note was POSTed once and answered 504" wait_true 30 posts_are 1
check "the row stays pending after the 504" wait_true 30 row_is "$O1" pending
check "the 504 is the row's last error" last_error_has "$O1" "HTTP 504"
check "the retry marks the row sent" wait_true 60 row_is "$O1" sent
check "one note in the shop, not two" notes_are "$O1" 1
check "no second POST: the retry found the note's marker" eq "$(calls 'POST /orders/{id}/notes')" 1
check "the order's notes were read before each attempt" eq "$(calls 'GET /orders/{id}/notes')" 2
check "the note ends with its [sl:...] marker" bash -c '[[ $1 =~ \ \[sl:[0-9a-f]{12}\]$ ]]' _ "$(note_text "$O1")"
check "no request was refused for a reused nonce" bash -c "! grep -q 'nonce has already been used' '$SL_TMP/serve.log'"

# ---- 200 with an HTML page ---------------------------------------------------
need "fault: the next note POST is answered 200 with an HTML page" \
  fault '{"route":"POST /orders/{id}/notes","mode":"html-200"}'
O2=$(new_order bacs processing 10 1)
check "the HTML 200 is POST number 2" wait_true 30 posts_are 2
check "an HTML 200 leaves the row pending" wait_true 30 row_is "$O2" pending
check "the failure names what was expected" \
  last_error_has "$O2" "HTTP 200 but the answer is not a JSON object"
check "once the fault clears the row is sent" wait_true 60 row_is "$O2" sent
check "the note arrived once" notes_are "$O2" 1
check "it took a second POST" eq "$(calls 'POST /orders/{id}/notes')" 3
check "SIGTERM stops serve cleanly" stop_serve
finish

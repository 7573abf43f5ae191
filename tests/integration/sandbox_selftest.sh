#!/usr/bin/env bash
# Self-test of tests/sandbox (woo_sandbox): starts a webhook receiver and the
# sandbox on ports chosen at run time, then checks with curl what a
# connector relies on: OAuth 1.0a and each auth error body, pagination
# headers, modified_after, 413 over 100 batch items, per-item batch errors,
# stock habits, and a signed webhook delivery. Every wait is bounded.
set -u
BIN="${SL_BUILD_DIR:?SL_BUILD_DIR not set}/woo_sandbox"
SEED="${SL_SOURCE_DIR:?SL_SOURCE_DIR not set}/tests/sandbox/woocommerce/seed/demo.json"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT

FAILS=0
PASSES=0
ok() { PASSES=$((PASSES + 1)); echo "ok   - $1"; }
bad() { FAILS=$((FAILS + 1)); echo "FAIL - $1"; }
check() { # check NAME EXPECTED ACTUAL
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected [$2] got [$3]"; fi
}
contains() { # contains NAME NEEDLE HAYSTACK
  case "$3" in *"$2"*) ok "$1" ;; *) bad "$1: [$2] not in [${3:0:300}]" ;; esac
}
wait_file() { # wait_file PATH: up to 10 s
  for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done
  return 1
}
json() { # json EXPR < body  (python3 -c with the body as `d`)
  python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"
}

"$BIN" --version | grep -q woo_sandbox && ok "--version" || bad "--version"

# ---- receiver + sandbox -----------------------------------------------------
mkdir -p "$WORK/cap"
"$BIN" --receiver --port 0 --port-file "$WORK/rport" --capture-dir "$WORK/cap" \
  --webhook-secret whsec &
PIDS+=($!)
wait_file "$WORK/rport" || { bad "receiver did not start"; exit 1; }
RPORT=$(cat "$WORK/rport")

"$BIN" --seed "$SEED" --port 0 --port-file "$WORK/port" --consumer-key ck_test \
  --consumer-secret cs_test --webhook-url "http://127.0.0.1:$RPORT/hook" \
  --webhook-secret whsec --delivery-delay-ms 200 --state-file "$WORK/state.json" &
SBPID=$!
PIDS+=($SBPID)
wait_file "$WORK/port" || { bad "sandbox did not start"; exit 1; }
PORT=$(cat "$WORK/port")
BASE="http://127.0.0.1:$PORT/wp-json/wc/v3"

# req METHOD PATH_AND_QUERY [BODY] -> sets CODE, BODY, HDRS (signed request)
req() {
  local url
  url=$("$BIN" --sign-url "$1" "$BASE$2" ck_test cs_test ${SIGN_ALG:-sha1})
  LAST_URL=$url
  raw "$1" "$url" "${3-}"
}
raw() { # raw METHOD URL [BODY] [extra curl args...]
  local m=$1 u=$2 b=${3-}
  shift 3 2>/dev/null || shift $#
  local args=(-s -m 10 -X "$m" -D "$WORK/h" -o "$WORK/b" -w '%{http_code}')
  [ -n "$b" ] && args+=(-H 'Content-Type: application/json' --data-binary "$b")
  CODE=$(curl "${args[@]}" "$@" "$u")
  BODY=$(cat "$WORK/b")
  HDRS=$(tr -d '\r' <"$WORK/h")
}

# ---- auth -------------------------------------------------------------------
req GET "/orders"
check "OAuth HMAC-SHA1 GET /orders is 200" 200 "$CODE"
SIGN_ALG=sha256 req GET "/orders?per_page=2"
check "OAuth HMAC-SHA256 is 200" 200 "$CODE"
raw GET "$LAST_URL"
check "nonce reuse is 401" 401 "$CODE"
check "nonce reuse body" '{"code":"woocommerce_rest_authentication_error","message":"Invalid nonce - nonce has already been used.","data":{"status":401}}' "$BODY"
raw GET "$BASE/orders" "" -u ck_test:cs_test
check "Basic over http body" '{"code":"woocommerce_rest_cannot_view","message":"Sorry, you cannot list resources.","data":{"status":401}}' "$BODY"
check "Basic over http is 401" 401 "$CODE"
raw GET "$BASE/orders?oauth_consumer_key=ck_test&oauth_nonce=abc"
check "partial oauth params body" '{"code":"woocommerce_rest_authentication_missing_parameter","message":"Missing OAuth parameter oauth_timestamp, oauth_signature, oauth_signature_method","data":{"status":401}}' "$BODY"
URL=$("$BIN" --sign-url GET "$BASE/orders" ck_test cs_WRONG)
raw GET "$URL"
check "bad signature body" '{"code":"woocommerce_rest_authentication_error","message":"Invalid signature - provided signature does not match.","data":{"status":401}}' "$BODY"
URL=$("$BIN" --sign-url GET "$BASE/orders" ck_other cs_test)
raw GET "$URL"
check "unknown key body" '{"code":"woocommerce_rest_authentication_error","message":"Consumer key is invalid.","data":{"status":401}}' "$BODY"
URL=$("$BIN" --sign-url GET "$BASE/orders" ck_test cs_test)
Q=${URL#*\?}
raw GET "$BASE/orders" "" -H "Authorization: OAuth $(echo "$Q" | sed 's/&/", /g; s/=/="/g')\""
check "OAuth in Authorization header is 200" 200 "$CODE"
req GET "/nothing/here"
check "unknown route 404 body" '{"code":"rest_no_route","message":"No route was found matching the URL and request method.","data":{"status":404}}' "$BODY"

# ---- orders: pagination, filters, errors ------------------------------------
req GET "/orders?per_page=3&page=1"
contains "X-WP-Total" "X-WP-Total: 4" "$HDRS"
contains "X-WP-TotalPages" "X-WP-TotalPages: 2" "$HDRS"
contains "Link rel=next" 'page=2>; rel="next"' "$HDRS"
check "page 1 holds 3 orders, newest first" "[104, 103, 102]" "$(echo "$BODY" | json '[o["id"] for o in d]')"
check "line price is a JSON number, totals strings" "float str" \
  "$(echo "$BODY" | json 'type(d[0]["line_items"][1]["price"]).__name__ + " " + type(d[0]["total"]).__name__')"
req GET "/orders?per_page=3&page=2"
contains "page 2 Link rel=prev" 'rel="prev"' "$HDRS"
req GET "/orders?per_page=3&page=9"
check "page past the end is 200 []" "200 []" "$CODE $BODY"
req GET "/orders?modified_after=2026-11-21T10:00:00&dates_are_gmt=true&orderby=id&order=asc&status=any"
check "modified_after (gmt) filters" "[103, 104]" "$(echo "$BODY" | json '[o["id"] for o in d]')"
req GET "/orders/999999"
check "unknown order 404 body" '{"code":"woocommerce_rest_shop_order_invalid_id","message":"Invalid ID.","data":{"status":404}}' "$BODY"
req PUT "/orders/103" '{"status":"shipped"}'
check "bad status 400 body" '{"code":"rest_invalid_param","message":"Invalid parameter(s): status","data":{"status":400,"params":{"status":"status is not one of auto-draft, pending, processing, on-hold, completed, cancelled, refunded, failed, and checkout-draft."},"details":{"status":{"code":"rest_not_in_enum","message":"status is not one of auto-draft, pending, processing, on-hold, completed, cancelled, refunded, failed, and checkout-draft.","data":null}}}}' "$BODY"

# ---- products, batch --------------------------------------------------------
req GET "/products?sku=HOODIE-M-GREY"
check "sku lookup finds a variation with parent_id" "variation 14 parent" \
  "$(echo "$BODY" | json 'd[0]["type"] + " " + str(d[0]["parent_id"]) + " " + str(d[0]["manage_stock"])')"
ITEMS=$(python3 -c 'import json; print(json.dumps({"update":[{"id":10,"stock_quantity":1}]*101}))')
req POST "/products/batch" "$ITEMS"
check "batch over 100 is 413" 413 "$CODE"
check "413 body" '{"code":"woocommerce_rest_request_entity_too_large","message":"Unable to accept more than 100 items for this request.","data":{"status":413}}' "$BODY"
req POST "/products/batch" '{"update":[{"id":10,"stock_quantity":33},{"id":13,"stock_quantity":5},{"id":999999,"stock_quantity":5}]}'
check "batch with a bad item is still 200" 200 "$CODE"
check "per-item error in place" '{"id": 999999, "error": {"code": "woocommerce_rest_product_invalid_id", "message": "Invalid ID.", "data": {"status": 400}}}' \
  "$(echo "$BODY" | json 'json.dumps(d["update"][2])')"
check "stock written / ignored without manage_stock" "33 None" \
  "$(echo "$BODY" | json 'str(d["update"][0]["stock_quantity"]) + " " + str(d["update"][1]["stock_quantity"])')"
req PUT "/products/14/variations/16" '{"regular_price":"51.00"}'
check "variation PUT keeps manage_stock parent" "parent 51.00" \
  "$(echo "$BODY" | json 'd["manage_stock"] + " " + d["price"]')"

# ---- stock habits + webhook -------------------------------------------------
# Hold deliveries (released in reverse at flush) so that order.created is
# sent after the status changes below: its body must show the final status.
curl -s -m 5 -X POST "http://127.0.0.1:$PORT/__sandbox/reorder" >/dev/null
ORDER='{"status":"pending","line_items":[{"product_id":11,"quantity":2}],"shipping_lines":[{"method_id":"flat_rate","total":"4.00"}]}'
req POST "/orders" "$ORDER"
check "POST /orders is 201" 201 "$CODE"
OID=$(echo "$BODY" | json 'd["id"]')
check "created order totals" "29.00 6.09 0.84 39.93" \
  "$(echo "$BODY" | json 'd["line_items"][0]["total"]+" "+d["line_items"][0]["total_tax"]+" "+d["shipping_tax"]+" "+d["total"]')"
stock() { curl -s -m 5 "http://127.0.0.1:$PORT/__sandbox/state" | json "[p['stock_quantity'] for p in d['products'] if p['id']==$1][0]"; }
check "pending order leaves stock alone" 25 "$(stock 11)"
req PUT "/orders/$OID" '{"status":"processing"}'
check "processing reduces stock" 23 "$(stock 11)"
req PUT "/orders/$OID" '{"status":"cancelled"}'
check "cancelled restores stock" 25 "$(stock 11)"
req POST "/orders/$OID/notes" '{"note":"Synced to ledger","customer_note":false}'
check "note created 201" "201 Synced to ledger" "$CODE $(echo "$BODY" | json 'd["note"]')"
req POST "/orders/101/refunds" '{"amount":"5.00","reason":"Damaged towel","api_refund":false}'
check "refund 201" 201 "$CODE"
req GET "/orders/101"
check "refund listed in order" '-5.00' "$(echo "$BODY" | json 'd["refunds"][0]["total"]')"
curl -s -m 25 -X POST "http://127.0.0.1:$PORT/__sandbox/flush" >/dev/null

# Deliveries: pings first, then signed bodies that verify.
N=$(ls "$WORK/cap"/*.json 2>/dev/null | wc -l)
[ "$N" -ge 4 ] && ok "receiver got $N requests" || bad "receiver got only $N requests"
PINGS=$(grep -l '"webhook_id=' "$WORK/cap"/*.json | wc -l)
[ "$PINGS" -ge 3 ] && ok "creation pings sent ($PINGS)" || bad "creation pings: $PINGS"
SIGNED=$(grep -l '"signature_ok": true' "$WORK/cap"/*.json | wc -l)
UNSIGNED=$(grep -l '"signature_ok": false' "$WORK/cap"/*.json | wc -l)
[ "$SIGNED" -ge 3 ] && ok "signed deliveries verify ($SIGNED)" || bad "signed deliveries: $SIGNED"
check "no delivery with a bad signature" 0 "$UNSIGNED"
F=$(grep -l '"X-WC-Webhook-Topic": "order.created"' "$WORK/cap"/*.json | head -1)
if [ -n "$F" ]; then
  B=${F%.json}.body
  WANT=$(openssl dgst -sha256 -hmac whsec -binary "$B" | base64)
  GOT=$(json 'd["headers"]["X-WC-Webhook-Signature"]' <"$F")
  check "order.created signature (openssl)" "$WANT" "$GOT"
  check "order.created body built at send time" "cancelled" "$(json 'd["status"]' <"$B")"
  check "User-Agent" "WooCommerce/10.0.2 Hookshot (WordPress/6.8)" "$(json 'd["headers"]["User-Agent"]' <"$F")"
else
  bad "no order.created delivery captured"
fi
STATE=$(curl -s -m 5 "http://127.0.0.1:$PORT/__sandbox/state")
check "state counts the batch requests" 2 "$(echo "$STATE" | json 'd["batch_requests"]')"
check "state lists the note" "['Synced to ledger']" "$(echo "$STATE" | json "[o['notes'] for o in d['orders'] if o['id']==$OID][0]")"

# ---- failures disable the webhook on the 7th in a row ----------------------
curl -s -m 5 "http://127.0.0.1:$RPORT/__receiver/status/500" >/dev/null
hookstate() {
  curl -s -m 5 "http://127.0.0.1:$PORT/__sandbox/state" | json "[str(w['$1']) for w in d['webhooks'] if w['topic']=='order.updated'][0]"
}
for i in 1 2 3 4 5 6 7; do
  [ "$i" = 7 ] && check "6 failures counted, still active" "6 active" "$(hookstate failure_count) $(hookstate status)"
  curl -s -m 5 -X POST "http://127.0.0.1:$PORT/__sandbox/status" \
    -d "{\"order_id\":103,\"status\":\"$([ $((i % 2)) = 0 ] && echo on-hold || echo completed)\"}" >/dev/null
  curl -s -m 25 -X POST "http://127.0.0.1:$PORT/__sandbox/flush" >/dev/null
done
check "order.updated webhook disabled after 7 failures" "disabled" \
  "$(curl -s -m 5 "http://127.0.0.1:$PORT/__sandbox/state" | json '[w["status"] for w in d["webhooks"] if w["topic"]=="order.updated"][0]')"

# ---- duplicate-next / drop-next on the still active product.updated hook -----
curl -s -m 5 "http://127.0.0.1:$RPORT/__receiver/status/200" >/dev/null
before=$(grep -l '"X-WC-Webhook-Topic": "product.updated"' "$WORK/cap"/*.json | wc -l)
curl -s -m 5 -X POST "http://127.0.0.1:$PORT/__sandbox/duplicate-next" >/dev/null
req PUT "/products/18" '{"stock_quantity":4}'
curl -s -m 25 -X POST "http://127.0.0.1:$PORT/__sandbox/flush" >/dev/null
after=$(grep -l '"X-WC-Webhook-Topic": "product.updated"' "$WORK/cap"/*.json | wc -l)
check "duplicate-next delivers the event twice" 2 $((after - before))
curl -s -m 5 -X POST "http://127.0.0.1:$PORT/__sandbox/drop-next" >/dev/null
req PUT "/products/18" '{"stock_quantity":3}'
curl -s -m 25 -X POST "http://127.0.0.1:$PORT/__sandbox/flush" >/dev/null
last=$(grep -l '"X-WC-Webhook-Topic": "product.updated"' "$WORK/cap"/*.json | wc -l)
check "drop-next loses the event" 0 $((last - after))

# ---- refunds with line items and restock_items ------------------------------
# A refund of one of two units with restock_items: stock 23 -> 24, the
# order line's cumulative _restock_refunded_items, the refund's own lines.
req POST "/orders" '{"status":"processing","line_items":[{"product_id":11,"quantity":2}]}'
RID=$(echo "$BODY" | json 'd["id"]')
LID=$(echo "$BODY" | json 'd["line_items"][0]["id"]')
TAXID=$(echo "$BODY" | json 'd["line_items"][0]["taxes"][0]["id"]')
check "restock order reduces stock" 23 "$(stock 11)"
req POST "/orders/$RID/refunds" '{"amount":"17.55","restock_items":true,"line_items":[{"id":'"$LID"',"quantity":1,"refund_total":"14.50","refund_tax":[{"id":'"$TAXID"',"refund_total":"3.05"}]}]}'
check "restocking refund 201" 201 "$CODE"
check "refund keeps its lines" "-1 -14.50 -3.05 $LID" \
  "$(echo "$BODY" | json 'str(d["line_items"][0]["quantity"])+" "+d["line_items"][0]["total"]+" "+d["line_items"][0]["total_tax"]+" "+d["line_items"][0]["meta_data"][0]["value"]')"
check "restock raises stock" 24 "$(stock 11)"
req POST "/orders/$RID/refunds" '{"amount":"1.00"}'
check "refund without lines leaves stock" 24 "$(stock 11)"
req GET "/orders/$RID"
check "line meta _restock_refunded_items" 1 \
  "$(echo "$BODY" | json '[m["value"] for m in d["line_items"][0]["meta_data"] if m["key"]=="_restock_refunded_items"][0]')"
req GET "/orders/$RID/refunds"
check "GET refunds lists both, lines kept" "2 1 0" \
  "$(echo "$BODY" | json 'str(len(d))+" "+str(len(d[0]["line_items"]))+" "+str(len(d[1]["line_items"]))')"
req POST "/orders/$RID/refunds" '{"amount":"1.00","line_items":[{"id":'"$LID"',"quantity":3}]}'
check "refunding more units than the line has is 400" 400 "$CODE"

# ---- clean stop writes the state file ---------------------------------------
kill -TERM "$SBPID"
for _ in $(seq 1 50); do kill -0 "$SBPID" 2>/dev/null || break; sleep 0.1; done
wait "$SBPID"
check "sandbox exits 0 on SIGTERM" 0 "$?"
[ -s "$WORK/state.json" ] && ok "state file written" || bad "state file missing"

echo "sandbox selftest: $PASSES passed, $FAILS failed"
[ "$FAILS" = 0 ]

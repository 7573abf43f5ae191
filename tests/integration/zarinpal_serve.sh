#!/usr/bin/env bash
# ZarinPal end to end through `serve` against zarinpal_sandbox: pay link
# -> the buyer pays on the start-pay page -> the return -> verify ->
# payment and fee booked, the shop told (outbox note); a buyer who
# cancels -> nothing booked; the return repeated 3 times -> one payment;
# a verify whose answer is lost -> recovery by inquiry books it once; a
# forged return (unknown authority) and a tampered session (the bank took
# another amount) -> refused and recorded; a USD shop with a Rial gateway
# (rate 100037 multiply, rounding 2, Toman on the wire) -> the exact
# figures of the rule; a shop reference the gateway refuses -> the invoice
# Draft with the gateway's answer; a verify answer lost with inquiry
# failing -> reversed near the deadline; reconcile from both sides;
# the trial balance is zero after each.
source "$(dirname "$0")/lib.bash"
# Under valgrind, serve is checked and the many foreground commands run
# natively (lib.bash: sl): with them under memcheck this test alone took
# over 5 minutes of CI.
SL_VALGRIND_CLI=0
CONF="$SL_TMP/conf.d"
PLUG="$SL_TMP/plugins"
mkdir -p "$CONF" "$SL_TMP/orders" "$PLUG"
ln -s "$SL_TEST_PLUGIN_DIR/testshop.so" "$PLUG/testshop.so"
ln -s "$SL_PLUGIN_DIR/zarinpal.so" "$PLUG/zarinpal.so"
printf '1f0e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b' > "$SL_TMP/ir.key"
printf '2a1b0c9d-8e7f-4061-9293-a4b5c6d7e8f9' > "$SL_TMP/us.key"
chmod 600 "$SL_TMP/ir.key" "$SL_TMP/us.key"
printf 'admin-token-5678' > "$SL_TMP/admin.token"
chmod 600 "$SL_TMP/admin.token"

"$SL_BUILD_DIR/zarinpal_sandbox" --port 0 --port-file "$SL_TMP/zp.port" --fee-permille 10 &
SL_PIDS+=($!)
wait_for_file "$SL_TMP/zp.port" 10 || exit 1
ZP="http://127.0.0.1:$(cat "$SL_TMP/zp.port")"

# tenant FILE ID CURRENCY LANGUAGE GATEWAY-RULE-LINES
tenant() {
  cat > "$CONF/$2.ini" <<INI
[tenant]
id = $2
currency = $3
database = $SL_TMP/$2.db
admin_token_file = $SL_TMP/admin.token

[documents]
language = $4

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders/$2
notes_file = $SL_TMP/notes-$2.txt
intake = poll
poll_every = 1h
document = invoice
process_when = processing
approve = yes
add_payment = yes
series = TS

[channel:ts.payments]
zarinpal = gateway:zp
card = zpcash:1115

[channel:zp]
plugin = zarinpal
process_when = paid
merchant_key_file = $SL_TMP/$2.key
api_url = $ZP/pg/v4/payment
start_url = $ZP/pg/StartPay
public_url = http://127.0.0.1:1
http_timeout_ms = 1500
recover_after = 0s
recover_every = 1s
reverse_after = 3s
verify_deadline = 6s
$5
INI
  mkdir -p "$SL_TMP/orders/$2"
}
tenant ir.ini ir IRR fa "cash = zarinpal:1115
fee_percent = 2"
tenant us.ini us USD en "gateway_currency = IRR
rate = 100037
rate_mode = multiply
rounding = 2
currency = IRT
cash = zarinpal:1115"
SLX=(sl --conf "$CONF" --plugins "$PLUG")

# order TENANT ID TOTAL CURRENCY [REFERENCE]: an order paid (the shop
# says) through zarinpal, filed and invoiced; without the shop's gateway
# reference no payment is booked, so it waits for a pay link.
order() {
  cat > "$SL_TMP/order-$2.json" <<JSON
{"id":"$2","number":"$2","status":"processing","currency":"$4","modified":"2026-11-20T12:00:00Z",
 "email":"sara@example.ir","first_name":"Sara","last_name":"Ahmadi","payment_method":"${METHOD:-zarinpal}",
 "transaction_id":"${5:-}","prices_include_tax":false,"total":"$3","total_tax":"0",
 "lines":[{"id":"1","sku":"TEA","name":"Tea","qty":"1","unit_price":"$3","total":"$3","total_tax":"0"}]}
JSON
  "${SLX[@]}" inbox add "$1" ts "$SL_TMP/order-$2.json" >/dev/null && "${SLX[@]}" process "$1" >/dev/null
}
# link TENANT ID: prints the start URL of a new attempt.
link() { "${SLX[@]}" pay link "$1" ts "$2" --via zp --json > "$SL_TMP/link.json" &&
  json_get "$SL_TMP/link.json" '$.start_url'; }
# buyer URL ACTION: the buyer pays or cancels; prints the return URL.
buyer() { curl -s -o /dev/null -w '%{redirect_url}' "$1?action=$2"; }
# back URL: the buyer's browser follows the return; prints the page.
back() { curl -s --max-time 10 "$1"; }
# until_final URL: follows the return, then the page's own reloads (its
# meta refresh, bounded) until the page is final; prints it.
until_final() {
  local i page url=$1 next
  for ((i = 0; i < 100; i++)); do
    page=$(back "$url")
    [[ "$page" != *refresh* ]] && { printf '%s' "$page"; return 0; }
    next=$(printf '%s' "$page" | sed -n 's/.*url=\([^"]*\)".*/\1/p' | sed 's/&amp;/\&/g')
    url="${1%%/return*}/$next"
    sleep 0.1
  done
  echo "  the page never became final" >&2; return 1
}
status_of() { # TENANT ID: the status of the order's last attempt
  "${SLX[@]}" pay show "$1" ts "$2" --json > "$SL_TMP/show.json" &&
    json_get "$SL_TMP/show.json" '$[#-1].status'; }
settled() { # TENANT ID: bounded wait until the attempt is final (the page says
  # paid once verified; the booking commits right after)
  local i st
  for ((i = 0; i < 100; i++)); do
    st=$(status_of "$1" "$2")
    case "$st" in booked|cancelled|refused|failed|reversed) return 0 ;; esac
    sleep 0.1
  done; }
paid_sum() { # TENANT ID: payments booked on the order's invoice (minor units)
  sqlite3 "$SL_TMP/$1.db" "select ifnull(sum(p.amount),0) from payments p join documents d on d.id=p.document_id where d.external_id='$2'"; }
balance() { # TENANT ACCOUNT
  "${SLX[@]}" ledger trial-balance "$1" --json > "$SL_TMP/tb.json"
  sqlite3 :memory: "select ifnull(sum(json_extract(value,'\$.balance')),0) from json_each(readfile('$SL_TMP/tb.json'),'\$.accounts') where json_extract(value,'\$.account')='$2'"; }
balanced() {
  "${SLX[@]}" ledger trial-balance "$1" --json > "$SL_TMP/tb.json" &&
    eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" "$(json_get "$SL_TMP/tb.json" '$.credit_total')"; }
events() { sqlite3 "$SL_TMP/$1.db" "select count(*) from gateway_events where kind='$2'"; }

check "plugin check runs zarinpal against its sandbox" "${SLX[@]}" plugin check "$PLUG/zarinpal.so"
# The buyers' return address is serve's own: take a free port from a first
# start, then serve again on it with public_url pointing there.
start_serve "$PLUG" || exit 1
stop_serve || exit 1
sed -i "s|public_url = http://127.0.0.1:1|public_url = http://127.0.0.1:$PORT|" "$CONF"/*.ini
rm -f "$SL_TMP/serve.port" "$SL_TMP/admin.port"
sl_exec --conf "$CONF" --plugins "$PLUG" serve --listen "127.0.0.1:$PORT" \
  --port-file "$SL_TMP/serve.port" --admin-listen 127.0.0.1:0 \
  --admin-port-file "$SL_TMP/admin.port" --tick-ms 200 2>>"$SL_TMP/serve.log" &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
wait_for_file "$SL_TMP/admin.port" 30 && ADMIN_PORT=$(cat "$SL_TMP/admin.port") || exit 1
check "config check passes" "${SLX[@]}" config check

# 1. pay link -> pay -> return -> verify -> booked once with the fee
order ir 5001 250000 IRR
URL=$(link ir 5001)
check "pay link prints the start-pay URL" bash -c "[[ '$URL' == $ZP/pg/StartPay/S* ]]"
check "the attempt was stored pending" eq "$(status_of ir 5001)" pending
BACK=$(buyer "$URL" pay)
check "the buyer is sent back to serve" bash -c "[[ '$BACK' == http://127.0.0.1:$PORT/pay/ir/zp/return?* ]]"
PAGE=$(until_final "$BACK")
check "the result page is Persian, right to left" bash -c "[[ '$PAGE' == *'dir=\"rtl\"'* && '$PAGE' == *'پرداخت با موفقیت'* ]]"
check "the page shows the reference" bash -c "[[ '$PAGE' == *38104251* ]]"
settled ir 5001
check "the attempt is booked" eq "$(status_of ir 5001)" booked
check "one payment of the full amount" eq "$(paid_sum ir 5001)" 250000
check "the gateway's fee (1%) went to gateway_fees" eq "$(balance ir 7610)" 2500
check "pay show lists the card mask" bash -c "[[ '$("${SLX[@]}" pay show ir ts 5001)' == *603799* ]]"
"${SLX[@]}" order show ir ts 5001 --json > "$SL_TMP/order.json"
check "order show lists the attempt among the order's gateway transactions" eq \
  "$(json_get "$SL_TMP/order.json" '$.gateway_attempts[0].status')/$(json_get "$SL_TMP/order.json" '$.gateway_attempts[0].gateway')" booked/zp
check "and the order is confirmed by the gateway in its status history" eq \
  "$(json_get "$SL_TMP/order.json" '$.status')/$(sqlite3 :memory: "select json_extract(value,'\$.who') from json_each(readfile('$SL_TMP/order.json'),'\$.status_history') where json_extract(value,'\$.to')='confirmed'")" confirmed/gateway:zp
for i in 1 2 3; do back "$BACK" > /dev/null; done
sleep 1.5
check "the return repeated 3 times: still one payment" eq "$(paid_sum ir 5001)" 250000
check "the repeats were recorded" eq "$(events ir return_repeated)" 3
check "verify ran once at the gateway" eq "$(curl -s "$ZP/__sandbox/stats" > "$SL_TMP/st.json"; json_get "$SL_TMP/st.json" '$.sessions[0].verifies')" 1
check "the shop is told through the outbox" bash -c "sleep 1; grep -q 'Paid 250000 IRR through zp' '$SL_TMP/notes-ir.txt'"
check "trial balance zero (paid)" balanced ir

# 2. the buyer cancels -> nothing booked
order ir 5002 120000 IRR
URL=$(link ir 5002)
PAGE=$(until_final "$(buyer "$URL" cancel)")
check "the cancel page says not paid" bash -c "[[ '$PAGE' == *'پرداخت انجام نشد'* ]]"
check "the attempt is cancelled" eq "$(status_of ir 5002)" cancelled
check "nothing booked for the cancelled order" eq "$(paid_sum ir 5002)" 0
check "trial balance zero (cancelled)" balanced ir

# 3. the verify's answer is lost -> inquiry -> verify again (101) -> booked once
order ir 5003 300000 IRR
URL=$(link ir 5003)
curl -s -X POST "$ZP/__sandbox/fault" -d '{"endpoint":"verify","mode":"lost","count":1}' > /dev/null
PAGE=$(until_final "$(buyer "$URL" pay)")
check "after a lost verify answer the page still ends paid" bash -c "[[ '$PAGE' == *'پرداخت با موفقیت'* ]]"
settled ir 5003
check "the unknown outcome was recorded" bash -c "[ \$(sqlite3 '$SL_TMP/ir.db' \"select count(*) from gateway_events where kind='unknown'\") -ge 1 ]"
check "recovery asked the gateway by inquiry" eq "$(sqlite3 "$SL_TMP/ir.db" "select count(*) from gateway_events e join gateway_attempts a on a.id=e.attempt_id where a.external_id='5003' and e.kind='inquiry' and e.text='inquiry: the gateway says verified'")" 1
check "recovered and booked once" eq "$(paid_sum ir 5003)" 300000

# 4. verify times out -> unknown -> inquiry -> booked
order ir 5004 400000 IRR
URL=$(link ir 5004)
curl -s -X POST "$ZP/__sandbox/fault" -d '{"endpoint":"verify","mode":"timeout","count":1,"delay_ms":4000}' > /dev/null
PAGE=$(until_final "$(buyer "$URL" pay)")
settled ir 5004
check "a verify that timed out is recovered" eq "$(status_of ir 5004)" booked
check "booked once after the timeout" eq "$(paid_sum ir 5004)" 400000
check "trial balance zero (recovered)" balanced ir

# 5. forged and tampered returns
FORGED=$(back "http://127.0.0.1:$PORT/pay/ir/zp/return?Authority=S000000000000000000000000000forged1&Status=OK")
check "a return for an unknown authority is refused" bash -c "[[ '$FORGED' == *'شناخته نشد'* ]]"
check "and recorded" eq "$(events ir forged_return)" 1
order ir 5005 500000 IRR
URL=$(link ir 5005)
AUTH=${URL##*/}
curl -s -X POST "$ZP/__sandbox/tamper" -d "{\"authority\":\"$AUTH\",\"amount\":5000}" > /dev/null
PAGE=$(until_final "$(buyer "$URL" pay)")
check "a session paid with another amount is refused (-50)" eq "$(status_of ir 5005)" refused
check "the refusal names the gateway's answer" bash -c "[[ \"\$(sqlite3 '$SL_TMP/ir.db' \"select message from gateway_attempts where external_id='5005'\")\" == *amount* ]]"
check "nothing booked for the tampered session" eq "$(paid_sum ir 5005)" 0
check "trial balance zero (refused)" balanced ir

# 6. a buyer who paid and never came back: found by unVerified, booked
order ir 5006 610000 IRR
URL=$(link ir 5006)
buyer "$URL" pay > /dev/null
for ((i = 0; i < 100; i++)); do [ "$(status_of ir 5006)" = booked ] && break; sleep 0.1; done
check "a paid session whose buyer never returned is booked by recovery" eq "$(status_of ir 5006)" booked

# 7. orders the shop's own plugin says were paid through ZarinPal: the
#    reference is confirmed with the gateway before anything is booked
session() { # AMOUNT: a session made at the gateway by the shop itself; prints its authority
  curl -s -X POST "$ZP/pg/v4/payment/request.json" -d "{\"merchant_id\":\"$(cat "$SL_TMP/ir.key")\",\"amount\":$1,\"callback_url\":\"http://127.0.0.1:9/shop\",\"description\":\"shop\"}" > "$SL_TMP/sess.json"
  json_get "$SL_TMP/sess.json" '$.data.authority'; }
A8=$(session 330000)
buyer "$ZP/pg/StartPay/$A8" pay > /dev/null
order ir 5008 330000 IRR "$A8"
for ((i = 0; i < 100; i++)); do [ "$(status_of ir 5008)" = booked ] && break; sleep 0.1; done
check "a shop-paid order is confirmed by the gateway, then booked" eq "$(status_of ir 5008)" booked
check "booked once" eq "$(paid_sum ir 5008)" 330000
A9=$(session 440000) # never paid
order ir 5009 440000 IRR "$A9"
for ((i = 0; i < 100; i++)); do [ "$(status_of ir 5009)" = refused ] && break; sleep 0.1; done
check "a shop reference the gateway does not confirm stays unpaid" eq "$(status_of ir 5009)" refused
check "nothing booked for it" eq "$(paid_sum ir 5009)" 0
doc_of() { # TENANT ID FIELD: a field of the order's document
  sqlite3 "$SL_TMP/$1.db" "select $3 from documents where external_id='$2'"; }
wait_reason() { # TENANT ID TEXT: bounded wait until the document's reason has TEXT
  local i
  for ((i = 0; i < 100; i++)); do [[ "$(doc_of "$1" "$2" reason)" == *"$3"* ]] && return 0; sleep 0.1; done
  echo "  reason: $(doc_of "$1" "$2" reason)" >&2; return 1; }
check "its invoice is Draft with the gateway's answer as the reason" \
  wait_reason ir 5009 "zp did not confirm the payment (reference $A9): refused by the gateway"
check "the Draft is unposted: no number, no journal" eq \
  "$(doc_of ir 5009 status)/$(doc_of ir 5009 "ifnull(number,'')")/$(sqlite3 "$SL_TMP/ir.db" "select count(*) from postings p join documents d on d.id=p.document_id where d.external_id='5009'")" "draft//0"
check "the inbox item is left draft" eq "$(sqlite3 "$SL_TMP/ir.db" "select state from inbox_items where external_id='5009'")" draft
check "the shop is told why" bash -c "for ((i = 0; i < 50; i++)); do grep -q 'left Draft: zp did not confirm' '$SL_TMP/notes-ir.txt' && exit 0; sleep 0.1; done; exit 1"
check "the confirmed one was posted before its payment was booked" eq "$(doc_of ir 5008 status)" posted
order ir 5011 330000 IRR "$A8"
check "a reference of another order is refused at once, the invoice Draft" \
  wait_reason ir 5011 "zp reference $A8 belongs to order ts/5008"
check "and nothing booked for it" eq "$(paid_sum ir 5011)" 0
check "trial balance zero (shop references)" balanced ir

# 8. the admin API's pay link: queued (202), made by the scheduler, read back
order ir 5010 210000 IRR
ADM="http://127.0.0.1:$ADMIN_PORT/admin/ir"
AUTH=(-H "Authorization: Bearer admin-token-5678")
curl -s "${AUTH[@]}" -o "$SL_TMP/pl.json" -w '%{http_code}' -X POST \
  "$ADM/pay-link?channel=ts&external_id=5010&via=zp" > "$SL_TMP/pl.code"
check "POST pay-link is queued (202)" eq "$(cat "$SL_TMP/pl.code")" 202
N=$(json_get "$SL_TMP/pl.json" '$.request')
for ((i = 0; i < 100; i++)); do
  curl -s "${AUTH[@]}" "$ADM/pay-link/$N" > "$SL_TMP/pl.json"
  [ "$(json_get "$SL_TMP/pl.json" '$.status')" = done ] && break
  sleep 0.1
done
URL=$(json_get "$SL_TMP/pl.json" '$.start_url')
check "the scheduler made the link; GET gives its start URL" bash -c "[[ '$URL' == $ZP/pg/StartPay/S* ]]"
PAGE=$(until_final "$(buyer "$URL" pay)")
settled ir 5010
check "the admin's link is paid and booked" eq "$(paid_sum ir 5010)" 210000
check "a pay link without via is refused naming it (400)" eq "$(curl -s "${AUTH[@]}" -o "$SL_TMP/pl.json" -w '%{http_code}' -X POST "$ADM/pay-link?channel=ts&external_id=5010"):$(json_get "$SL_TMP/pl.json" '$.error' | grep -c via)" 400:1
curl -s "${AUTH[@]}" -X POST "$ADM/pay-link?channel=ts&external_id=5010&via=zp" > "$SL_TMP/pl.json"
N=$(json_get "$SL_TMP/pl.json" '$.request')
for ((i = 0; i < 100; i++)); do
  curl -s "${AUTH[@]}" "$ADM/pay-link/$N" > "$SL_TMP/pl.json"
  [ "$(json_get "$SL_TMP/pl.json" '$.status')" = failed ] && break
  sleep 0.1
done
check "a second link for the paid order fails with the reason" eq \
  "$(json_get "$SL_TMP/pl.json" '$.error')" "attempt $(sqlite3 "$SL_TMP/ir.db" "select id from gateway_attempts where external_id='5010' and status='booked'") of this order is booked"

# 8b. the verify happened but its answer was lost, and inquiry cannot
#     answer either: reversed reverse_after (3s here; 15m by default)
#     after the return, inside ZarinPal's 30 minutes
order ir 5013 270000 IRR
URL=$(link ir 5013)
curl -s -X POST "$ZP/__sandbox/fault" -d '{"endpoint":"verify","mode":"lost","count":1}' > /dev/null
curl -s -X POST "$ZP/__sandbox/fault" -d '{"endpoint":"inquiry","mode":"5xx","count":1000}' > /dev/null
back "$(buyer "$URL" pay)" > /dev/null
for ((i = 0; i < 150; i++)); do [ "$(status_of ir 5013)" = reversed ] && break; sleep 0.1; done
check "an unknown verify with inquiry unanswered is reversed near the deadline" eq "$(status_of ir 5013)" reversed
check "ZarinPal reversed the session" eq "$(curl -s "$ZP/__sandbox/stats" > "$SL_TMP/st.json"; sqlite3 :memory: "select json_extract(value,'\$.state') from json_each(readfile('$SL_TMP/st.json'),'\$.sessions') where json_extract(value,'\$.authority')='${URL##*/}'")" reversed
check "nothing booked for it" eq "$(paid_sum ir 5013)" 0
curl -s -X POST "$ZP/__sandbox/fault" -d '{"clear":true}' > /dev/null
check "trial balance zero (reversed)" balanced ir

# 9. USD shop, Rial gateway, rate 100037 multiply, rounding 2; the
#    connector sends Toman (currency = IRT): one unit end to end
order us 7001 12.34 USD
URL=$(link us 7001)
check "the rule's exact figure: 12.34 USD x 100037 = 1234456.58, rounded to 10^2: 1234500 IRR" \
  eq "$(json_get "$SL_TMP/link.json" '$.gateway.amount')" 1234500
check "ZarinPal was asked for Toman: 123450 IRT" eq "$(curl -s "$ZP/__sandbox/stats" > "$SL_TMP/st.json"; sqlite3 :memory: "select json_extract(value,'\$.currency')||' '||json_extract(value,'\$.amount') from json_each(readfile('$SL_TMP/st.json'),'\$.sessions') where json_extract(value,'\$.authority')='${URL##*/}'")" "IRT 123450"
PAGE=$(until_final "$(buyer "$URL" pay)")
check "the English page says paid" bash -c "[[ '$PAGE' == *'Payment received'* ]]"
settled us 7001
check "USD order booked in USD cents" eq "$(paid_sum us 7001)" 1234
check "the gateway's fee (1%: 1234 IRT = 12340 IRR) converted back: 0.12 USD" eq "$(balance us 7610)" 12
check "trial balance zero (USD)" balanced us
# The emulator's reverse window (30 minutes, on the clock the test moves).
M=$(cat "$SL_TMP/ir.key")
A5001=$(sqlite3 "$SL_TMP/ir.db" "select authority from gateway_attempts where external_id='5001'")
A5003=$(sqlite3 "$SL_TMP/ir.db" "select authority from gateway_attempts where external_id='5003'")
rev() { curl -s -X POST "$ZP/pg/v4/payment/reverse.json" -d "{\"merchant_id\":\"$M\",\"authority\":\"$1\"}" > "$SL_TMP/rev.json"
  sqlite3 :memory: "select coalesce(json_extract(readfile('$SL_TMP/rev.json'),'\$.errors.code'), json_extract(readfile('$SL_TMP/rev.json'),'\$.data.code'))"; }
check "the emulator reverses a verified session within 30 minutes" eq "$(rev "$A5001")" 100
curl -s -X POST "$ZP/__sandbox/clock" -d '{"advance_s":1860}' > /dev/null
check "and refuses after 30 minutes (-63)" eq "$(rev "$A5003")" -63
# an order the shop's payments map books straight to the gateway's
# merchant account (card = zpcash:1115): paid on the books, never confirmed
METHOD=card order ir 5012 99000 IRR
"${SLX[@]}" gateway reconcile ir zp --json > "$SL_TMP/rec.json"
check "reconcile reports findings (exit 1)" eq "$?" 1
findings() { sqlite3 :memory: "select group_concat(json_extract(value,'\$.kind')||':'||json_extract(value,'\$.external_id')) from json_each(readfile('$1'),'\$.issues')"; }
check "reconcile finds the booked payment the gateway reversed, the shop's unconfirmed reference, the payment on the gateway's account without a transaction and the refused session the gateway holds" eq \
  "$(findings "$SL_TMP/rec.json")" \
  gateway_says:5001,shop_paid_unconfirmed:5009,reversed:5013,paid_without_transaction:5012,gateway_unverified:5005
check "the books' finding names the payment" eq \
  "$(sqlite3 :memory: "select json_extract(value,'\$.amount')||' '||json_extract(value,'\$.detail') from json_each(readfile('$SL_TMP/rec.json'),'\$.issues') where json_extract(value,'\$.kind')='paid_without_transaction'")" \
  "99000 a payment of 99000 IRR on the gateway's account zp (payment, ref order) that no confirmed transaction of zp made"
check "and counts the payments it read (6 booked attempts and that one)" eq "$(json_get "$SL_TMP/rec.json" '$.payments_checked')" 7
"${SLX[@]}" gateway reconcile ir zp --from 2000-01-01 --to 2000-01-02 --json > "$SL_TMP/rec.json"
check "--from/--to bound the attempts and the books (the gateway's own list is not dated)" eq \
  "$(findings "$SL_TMP/rec.json")/$(json_get "$SL_TMP/rec.json" '$.checked')/$(json_get "$SL_TMP/rec.json" '$.payments_checked')" \
  gateway_unverified:5005/0/0
"${SLX[@]}" gateway reconcile ir zp > "$SL_TMP/rec.txt"
check "the text form lists the same findings" eq "$(grep -c 'shop_paid_unconfirmed\|paid_without_transaction' "$SL_TMP/rec.txt")" 2
check "reconcile of the USD tenant finds nothing" "${SLX[@]}" gateway reconcile us zp
# a booked payment whose amount was changed by hand no longer matches its attempt
sqlite3 "$SL_TMP/us.db" "update payments set amount = amount + 1 where ref like 'gateway:%'"
"${SLX[@]}" gateway reconcile us zp --json > "$SL_TMP/rec.json"
check "reconcile finds the amount mismatch" eq "$(findings "$SL_TMP/rec.json")" amount_mismatch:7001
check "naming both amounts" eq "$(json_get "$SL_TMP/rec.json" '$.issues[0].detail')" "booked 12.35 USD; the attempt's amount is 12.34 USD"
check "serve stops cleanly" stop_serve
finish

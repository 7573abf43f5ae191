#!/usr/bin/env bash
# mellat_sandbox against the wire format (shared/api/mellat.md), with curl:
# the SOAP quirks (unqualified children, unmarshalling faults, credentials,
# duplicate order ids), the start page and its Referer check, the buyer's
# callback POSTed to a receiver, verify/settle/inquiry/reversal codes, the
# verify deadline's auto-reversal and the auto-settle on the sandbox clock,
# the fault knobs; then `plugin check` runs mellat.so against it. Ports are
# chosen at run time; every wait is bounded.
source "$(dirname "$0")/lib.bash"

SB="$SL_BUILD_DIR/mellat_sandbox"
mkdir -p "$SL_TMP/cap"
"$SL_BUILD_DIR/woo_sandbox" --receiver --port 0 --port-file "$SL_TMP/rport" \
  --capture-dir "$SL_TMP/cap" &
SL_PIDS+=($!)
"$SB" --port 0 --port-file "$SL_TMP/port" --terminal 7001234 --username shop7 \
  --password 'p&w' --verify-deadline-s 1200 --auto-settle-s 10800 \
  --referer-host shop.example.ir &
SL_PIDS+=($!)
check "receiver starts" wait_for_file "$SL_TMP/rport" 10
check "sandbox starts" wait_for_file "$SL_TMP/port" 10
P=$(cat "$SL_TMP/port")
R=$(cat "$SL_TMP/rport")
URL="http://127.0.0.1:$P/pgwchannel/services/pgw"
KNOB="http://127.0.0.1:$P/__sandbox"

# soap OP CHILDREN: POSTs an envelope; prints "HTTP_STATUS BODY".
soap() {
  curl -s --max-time 10 -o "$SL_TMP/soap.out" -w '%{http_code}' -H 'Content-Type: text/xml' \
    --data "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\" xmlns:int=\"http://interfaces.core.sw.bps.com/\"><soapenv:Header/><soapenv:Body><int:$1>$2</int:$1></soapenv:Body></soapenv:Envelope>" \
    "$URL"
  printf ' '
  cat "$SL_TMP/soap.out"
}
# ret OP CHILDREN: just the <return> text.
ret() { soap "$@" | sed -n 's:.*<return>\(.*\)</return>.*:\1:p'; }
CRED='<terminalId>7001234</terminalId><userName>shop7</userName><userPassword>p&amp;w</userPassword>'
payargs() { # payargs ORDER AMOUNT
  echo "$CRED<orderId>$1</orderId><amount>$2</amount><localDate>20261129</localDate><localTime>001500</localTime><additionalData>order</additionalData><callBackUrl>http://127.0.0.1:$R/return</callBackUrl><payerId>0</payerId>"
}
sale() { echo "$CRED<orderId>$1</orderId><saleOrderId>$1</saleOrderId><saleReferenceId>$2</saleReferenceId>"; }
knob() { curl -s --max-time 30 -X POST -H 'Content-Type: application/json' --data "$2" "$KNOB/$1"; }
state() { curl -s --max-time 10 "$KNOB/state" > "$SL_TMP/state.json"; json_get "$SL_TMP/state.json" "$1"; }
buyer() { # buyer REFID ACTION: the callback fields as JSON in $SL_TMP/buyer.json
  knob buyer "{\"RefId\":\"$1\",\"action\":\"$2\",\"post\":false}" > "$SL_TMP/buyer.json"
}
field() { json_get "$SL_TMP/buyer.json" "\$.fields.$1"; }
has() { grep -q -- "$1" <<<"$2" || { echo "  [$1] not in [${2:0:300}]" >&2; return 1; }; }

# ---- SOAP quirks -------------------------------------------------------------
out=$(soap bpPayRequest "<int:terminalId>7001234</int:terminalId>")
check "a qualified child is a SOAP fault (HTTP 500)" has '^500 .*faultstring>Unmarshalling Error: unexpected element' "$out"
out=$(soap bpPayRequest "$(payargs 12x 1000)")
check "a bad long is the unmarshalling fault" has 'For input string: &quot;12x&quot;\|For input string: "12x"' "$out"
out=$(soap bpNoSuchRequest "$CRED")
check "an unknown operation is a fault" has '^500 .*soap:Fault' "$out"
check "wrong password answers 24" eq "$(ret bpPayRequest "${CRED/p&amp;w/nope}<orderId>1</orderId>")" 24
check "wrong terminal answers 21" eq "$(ret bpPayRequest "${CRED/7001234/7001235}<orderId>1</orderId>")" 21
check "amount 0 answers 25" eq "$(ret bpPayRequest "$(payargs 100 0)")" 25
PAY=$(ret bpPayRequest "$(payargs 100045 1250000)")
check "pay answers 0,RefId" has '^0,[0-9A-F]\{16\}$' "$PAY"
REF=${PAY#0,}
check "a reused orderId answers 41" eq "$(ret bpPayRequest "$(payargs 100045 1250000)")" 41
check "the answer is ns2:bpPayRequestResponse" has 'ns2:bpPayRequestResponse xmlns:ns2="http://interfaces.core.sw.bps.com/"><return>' "$(soap bpPayRequest "$(payargs 100046 10)")"

# ---- start page ---------------------------------------------------------------
code=$(curl -s -o /dev/null -w '%{http_code}' --data "RefId=$REF" "http://127.0.0.1:$P/pgwchannel/startpay.mellat")
check "start page refuses a POST without the shop's Referer" eq "$code" 403
page=$(curl -s -e "https://shop.example.ir/checkout" --data "RefId=$REF" "http://127.0.0.1:$P/pgwchannel/startpay.mellat")
check "start page with the Referer offers pay and cancel" has 'value="pay"' "$page"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$P/pgwchannel/startpay.mellat?RefId=$REF")
check "start page is POST only" eq "$code" 405
form=$(curl -s --data "RefId=$REF&action=pay" "http://127.0.0.1:$P/pgwchannel/__pay")
check "pay button gives the bank's auto-submit form to callBackUrl" has "action=\"http://127.0.0.1:$R/return\"" "$form"
check "that form carries ResCode 0" has 'name="ResCode" value="0"' "$form"
SREF=$(state "\$.sales.$REF.sale_reference")
check "the sale is paid with a 12-digit reference" has '^[0-9]\{12\}$' "$SREF"

# ---- verify, settle, inquiry, reversal -------------------------------------------
check "settle before verify answers 44" eq "$(ret bpSettleRequest "$(sale 100045 "$SREF")")" 44
check "inquiry of a paid, unverified sale answers 44" eq "$(ret bpInquiryRequest "$(sale 100045 "$SREF")")" 44
check "verify with another reference answers 42" eq "$(ret bpVerifyRequest "$(sale 100045 999)")" 42
check "verify answers 0" eq "$(ret bpVerifyRequest "$(sale 100045 "$SREF")")" 0
check "verify twice answers 43" eq "$(ret bpVerifyRequest "$(sale 100045 "$SREF")")" 43
check "settle answers 0" eq "$(ret bpSettleRequest "$(sale 100045 "$SREF")")" 0
check "settle twice answers 45" eq "$(ret bpSettleRequest "$(sale 100045 "$SREF")")" 45
check "reversal after settle answers 45" eq "$(ret bpReversalRequest "$(sale 100045 "$SREF")")" 45
check "inquiry of a settled sale answers 0" eq "$(ret bpInquiryRequest "$(sale 100045 "$SREF")")" 0

# ---- the buyer's callback, posted as the browser would ---------------------------
PAY=$(ret bpPayRequest "$(payargs 200 5000)")
REF2=${PAY#0,}
knob buyer "{\"RefId\":\"$REF2\",\"action\":\"pay\",\"card\":\"6104337812345678\"}" > "$SL_TMP/b.json"
check "the buyer's callback reached callBackUrl (200)" eq "$(json_get "$SL_TMP/b.json" '$.callback_status')" 200
body=$(cat "$SL_TMP"/cap/*.body 2>/dev/null)
check "callback form: RefId, ResCode, SaleOrderId" has "RefId=$REF2&ResCode=0&SaleOrderId=200&" "$body"
check "callback form: the masked card" has 'CardHolderPan=610433%2A%2A%2A%2A%2A%2A5678' "$body"
check "callback form: FinalAmount" has 'FinalAmount=5000' "$body"
check "a used RefId cannot pay again" eq "$(knob buyer "{\"RefId\":\"$REF2\",\"action\":\"pay\",\"post\":false}" | grep -c 'already used')" 1

PAY=$(ret bpPayRequest "$(payargs 201 5000)")
buyer "${PAY#0,}" cancel
check "cancel: ResCode 17" eq "$(field ResCode)" 17
check "cancel: empty SaleReferenceId" eq "$(field SaleReferenceId)" ""
check "inquiry of a cancelled sale answers 17" eq "$(ret bpInquiryRequest "$(sale 201 0)")" 17
check "verify of a cancelled sale answers 42" eq "$(ret bpVerifyRequest "$(sale 201 0)")" 42

# ---- deadlines on the sandbox clock --------------------------------------------------
PAY=$(ret bpPayRequest "$(payargs 300 7000)")
buyer "${PAY#0,}" pay
S300=$(field SaleReferenceId)
PAY=$(ret bpPayRequest "$(payargs 301 7000)")
buyer "${PAY#0,}" pay
S301=$(field SaleReferenceId)
check "verify 301 in time" eq "$(ret bpVerifyRequest "$(sale 301 "$S301")")" 0
knob clock '{"advance_s":1201}' > /dev/null
check "an unverified sale is auto-reversed after 20 min: inquiry 48" eq "$(ret bpInquiryRequest "$(sale 300 "$S300")")" 48
check "verify after the deadline answers 48" eq "$(ret bpVerifyRequest "$(sale 300 "$S300")")" 48
check "the verified sale is still only verified" eq "$(state "\$.sales.${PAY#0,}.status")" verified
knob clock '{"advance_s":10800}' > /dev/null
check "a verified, unsettled sale is auto-settled after 180 min" eq "$(state "\$.sales.${PAY#0,}.status")" settled
check "settle after the auto-settle answers 45" eq "$(ret bpSettleRequest "$(sale 301 "$S301")")" 45
PAY=$(ret bpPayRequest "$(payargs 302 7000)")
knob clock '{"advance_s":901}' > /dev/null
buyer "${PAY#0,}" pay
check "a RefId past its session comes back 415" eq "$(field ResCode)" 415

# ---- fault knobs -------------------------------------------------------------------
PAY=$(ret bpPayRequest "$(payargs 400 9000)")
buyer "${PAY#0,}" pay
S400=$(field SaleReferenceId)
knob fault '{"op":"bpVerifyRequest","mode":"done-then-drop"}' > /dev/null
out=$(soap bpVerifyRequest "$(sale 400 "$S400")")
check "done-then-drop: no answer" eq "${out%% *}" 000
check "done-then-drop: the verify happened (inquiry 0)" eq "$(ret bpInquiryRequest "$(sale 400 "$S400")")" 0
knob fault '{"op":"bpSettleRequest","mode":"fault"}' > /dev/null
check "fault knob: HTTP 500 with a SOAP fault" has '^500 .*soap:Fault' "$(soap bpSettleRequest "$(sale 400 "$S400")")"
check "fault knob: nothing was settled" eq "$(state "\$.sales.${PAY#0,}.status")" verified
knob fault '{"op":"bpSettleRequest","mode":"garbage"}' > /dev/null
check "garbage knob: an HTML page" has '^200 <html>' "$(soap bpSettleRequest "$(sale 400 "$S400")")"
knob fault '{"op":"bpSettleRequest","mode":"code","code":34}' > /dev/null
check "code knob: 34 and nothing done" eq "$(ret bpSettleRequest "$(sale 400 "$S400")")" 34
check "after the knobs the settle answers 0" eq "$(ret bpSettleRequest "$(sale 400 "$S400")")" 0
check "calls are counted per operation" has '^[0-9]\+$' "$(state '$.calls.bpSettleRequest')"

# ---- the connector against the sandbox ------------------------------------------------
check "plugin check passes against the mellat sandbox" sl plugin check "$SL_PLUGIN_DIR/mellat.so"
finish

#!/usr/bin/env bash
# TARAD U-Commerce end to end through `shopledger serve`: the TARAD
# simulator (tarad_sandbox) pushes signed paid and cancelled orders (the
# format assumed in plugins/tarad/tarad_wire.h) to two THB tenants, one
# VAT registered and one not, both with document = receipt, approve, add
# payment and shipping_as_other_income. A paid push becomes a posted
# receipt with its payment, contact, product and service; a cancel within
# seconds voids it and its postings net to zero; duplicate pushes make one
# receipt; replayed, wrongly signed and unsigned pushes are refused with
# nothing stored; `plugin check` passes.
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/tarad"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF"
printf 'admin-token-5678' > "$SL_TMP/admin.token"
chmod 600 "$SL_TMP/admin.token"

# tenant_ini ID VAT_REGISTERED: one tenant with its own user token.
tenant_ini() {
  printf 'utk-%s-0123456789' "$1" > "$SL_TMP/$1.token"
  chmod 600 "$SL_TMP/$1.token"
  cat > "$CONF/$1.ini" <<INI
[tenant]
id = $1
currency = THB
database = $SL_TMP/$1.db
vat_registered = $2
admin_token_file = $SL_TMP/admin.token

[accounts]
receivable = 1130
revenue = 4110
other_income = 4190
shipping_income = 4180
vat_output = 2150

[channel:tarad]
plugin = tarad
user_token_file = $SL_TMP/$1.token
webhook_secret_file = $SL_TMP/$1.token
intake = webhook
document = receipt
process_when = paid, cancelled
approve = yes
add_payment = yes
shipping_as_other_income = yes
series = TRD
INI
}
tenant_ini thvat yes
tenant_ini thnovat no

rm -f "$SL_TMP/port"
sl_exec --conf "$CONF" --plugins "$SL_PLUGIN_DIR" serve --listen 127.0.0.1:0 \
  --admin-listen 127.0.0.1:0 --admin-port-file "$SL_TMP/admin.port" \
  --port-file "$SL_TMP/port" --tick-ms 100 2>>"$SL_TMP/serve.log" &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
check "serve starts" wait_for_file "$SL_TMP/port" 30
wait_for_file "$SL_TMP/admin.port" 30 && ADMIN_PORT=$(cat "$SL_TMP/admin.port")
PORT=$(cat "$SL_TMP/port")

# start_sim TENANT: a simulator pushing to that tenant's hook; sets SIM_<T>.
start_sim() {
  "$SL_BUILD_DIR/tarad_sandbox" --port 0 --port-file "$SL_TMP/$1.simport" \
    --token-file "$SL_TMP/$1.token" --target "http://127.0.0.1:$PORT/hooks/$1/tarad" \
    2>>"$SL_TMP/sim.log" &
  SL_PIDS+=("$!")
  wait_for_file "$SL_TMP/$1.simport" 15
}
check "simulator for thvat starts" start_sim thvat
check "simulator for thnovat starts" start_sim thnovat

sim() { # sim TENANT PATH [BODY-FILE|-]: POST to the simulator, prints JSON
  local port; port=$(cat "$SL_TMP/$1.simport")
  curl -s --max-time 60 -X POST --data-binary @"${3:-/dev/null}" \
    "http://127.0.0.1:$port$2"
}
admin() { curl -s --max-time 20 -H "Authorization: Bearer admin-token-5678" "$@"; }
q() { sqlite3 "$SL_TMP/$1.db" "$2"; } # q TENANT SQL

# wait_docs TENANT N: bounded wait until the ledger holds N documents.
wait_docs() {
  local i n
  for ((i = 0; i < 200; i++)); do
    n=$(q "$1" "select count(*) from documents" 2>/dev/null)
    [ "$n" = "$2" ] && return 0
    sleep 0.1
  done
  echo "  $1: timed out waiting for $2 documents (have $n)" >&2
  return 1
}
# wait_status TENANT ORDER STATUS: bounded wait for a document status.
wait_status() {
  local i s
  for ((i = 0; i < 200; i++)); do
    s=$(q "$1" "select status from documents where external_id='$2'" 2>/dev/null)
    [ "$s" = "$3" ] && return 0
    sleep 0.1
  done
  echo "  $1/$2: status '$s', wanted '$3'" >&2
  return 1
}
deliveries() { json_get "$1" '$.deliveries'; }
spec_with() { # spec_with KEY-JSON... : the scarves spec with extra members
  sqlite3 :memory: "select json_patch(readfile('$DATA/order-scarves.json'), '$1');" \
    > "$SL_TMP/spec.json"
}

for T in thvat thnovat; do
  # 1. A paid push becomes a posted receipt with payment, contact,
  #    product, service, and shipping on other income.
  spec_with '{"order_no":"'$T'-1"}'
  sim $T /__sandbox/push "$SL_TMP/spec.json" > "$SL_TMP/r1.json"
  check "$T: paid push answered 200" eq "$(deliveries "$SL_TMP/r1.json")" "[200]"
  check "$T: a receipt is created" wait_docs $T 1
  check "$T: the receipt is posted" wait_status $T $T-1 posted
  check "$T: it is a receipt" eq "$(q $T "select type from documents where external_id='$T-1'")" receipt
  check "$T: gross is the shop's total 980.00" eq \
    "$(q $T "select gross from documents where external_id='$T-1'")" 98000
  check "$T: one payment of the total" eq \
    "$(q $T "select count(*)||':'||sum(amount) from payments p join documents d on d.id=p.document_id where d.external_id='$T-1'")" "1:98000"
  check "$T: contact created from the buyer's name" eq \
    "$(q $T "select first_name||'|'||last_name||'|'||email from customers")" \
    "สมชาย|ใจดี|somchai@example.co.th"
  check "$T: product created by SKU" eq "$(q $T "select count(*) from products where sku='SILK-SCARF'")" 1
  check "$T: service created for the gift wrapping" eq \
    "$(q $T "select count(*) from services where name='Gift wrapping'")" 1
  check "$T: shipping booked to other income (4190)" eq \
    "$(q $T "select l.account from doc_lines l join documents d on d.id=l.document_id where d.external_id='$T-1' and l.kind='shipping'")" 4190
done

check "thvat: VAT 64.11 kept as output tax" eq \
  "$(q thvat "select tax from documents where external_id='thvat-1'")" 6411
check "thvat: output VAT posted to 2150" eq \
  "$(q thvat "select sum(credit)-sum(debit) from postings where account='2150'")" 6411
check "thnovat: no VAT, tax folded into revenue" eq \
  "$(q thnovat "select tax||':'||net from documents where external_id='thnovat-1'")" "0:98000"
check "thnovat: nothing posted to output VAT" eq \
  "$(q thnovat "select count(*) from postings where account='2150'")" 0

for T in thvat thnovat; do
  # 2. Duplicate deliveries of one paid push: one receipt.
  spec_with '{"order_no":"'$T'-2","duplicate":2}'
  sim $T /__sandbox/push "$SL_TMP/spec.json" > "$SL_TMP/r2.json"
  check "$T: three deliveries of one push answered" eq "$(deliveries "$SL_TMP/r2.json")" "[200,200,200]"
  check "$T: duplicates make one receipt" wait_docs $T 2
  check "$T: one document for the duplicated order" eq \
    "$(q $T "select count(*) from documents where external_id='$T-2'")" 1

  # 3. Paid, then cancelled within seconds: the receipt is void and its
  #    postings net to zero on every account.
  spec_with '{"order_no":"'$T'-3"}'
  sim $T /__sandbox/push "$SL_TMP/spec.json" > /dev/null
  check "$T: order 3 posted" wait_status $T $T-3 posted
  sim $T /__sandbox/cancel/$T-3 > "$SL_TMP/r3.json"
  check "$T: cancel push answered 200" eq "$(deliveries "$SL_TMP/r3.json")" "[200]"
  check "$T: the receipt is void" wait_status $T $T-3 void
  check "$T: the void receipt's postings net to zero" eq \
    "$(q $T "select count(*) from (select account from postings p join documents d on d.id=p.document_id where d.external_id='$T-3' group by account having sum(debit)-sum(credit)<>0)")" 0
  check "$T: no extra document for the cancel" eq "$(q $T "select count(*) from documents")" 3

  # 4. Refused pushes store nothing.
  n=0
  for knob in '"skew_s":-3600' '"bad_signature":true' '"unsigned":true'; do
    n=$((n + 1))
    spec_with "{\"order_no\":\"$T-bad-$n\",$knob}"
    sim $T /__sandbox/push "$SL_TMP/spec.json" > "$SL_TMP/r4.json"
    check "$T: push with $knob is 401" eq "$(deliveries "$SL_TMP/r4.json")" "[401]"
  done
  check "$T: refused pushes stored nothing" eq \
    "$(q $T "select count(*) from inbox_items where external_id like '$T-bad%'")" 0

  # 5. The ledger balances; without order 3 the books match orders 1 and 2.
  admin "http://127.0.0.1:$ADMIN_PORT/admin/$T/trial-balance" > "$SL_TMP/tb.json"
  check "$T: trial balance is balanced" eq "$(json_get "$SL_TMP/tb.json" '$.balanced')" 1
  check "$T: receivable nets to zero (every receipt paid or void)" eq \
    "$(q $T "select ifnull(sum(debit)-sum(credit),0) from postings where account='1130'")" 0
done

check "plugin check passes against the simulator" bash -c \
  "'$SHOPLEDGER' plugin check '$SL_PLUGIN_DIR/tarad.so' > '$SL_TMP/check.txt' 2>&1"

kill -TERM "$SERVE_PID"
wait "$SERVE_PID"
check "SIGTERM stops serve cleanly" eq "$?" 0
finish

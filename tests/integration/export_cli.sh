#!/usr/bin/env bash
# `export orders|documents|journal` end to end, and the admin API's
# document PDF. Orders come in through the testshop connector and are
# booked; each export is read back for real: the CSV with Python's csv
# module, the XLSX by unzipping its sheet XML (data/export/xlsx_read.py:
# cell types, values, number formats, the frozen header, column widths,
# right to left for a Persian tenant). serve renders PDFs, so it runs
# outside valgrind (pango's font thread, TOOLCHAIN.md); every export runs
# through `sl` (valgrind when SL_VALGRIND=1).
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data"
export PYTHONPATH="$DATA/export"
PY=/usr/bin/python3
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders" "$SL_TMP/orders-fa"
printf 'admin-token-5678' > "$SL_TMP/admin.token"
chmod 600 "$SL_TMP/admin.token"
cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
name = Rīgas Veikals SIA
currency = EUR
database = $SL_TMP/shop.db
vat_registered = yes
timezone = Europe/Riga
admin_token_file = $SL_TMP/admin.token

[documents]
language = lv

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
intake = poll
document = invoice
process_when = paid
approve = yes
add_payment = yes
series = TS

[channel:ts.payments]
bacs = bank:2620
stripe = stripe:2621
INI
cat > "$CONF/fars.ini" <<INI
[tenant]
id = fars
currency = IRR
database = $SL_TMP/fars.db
vat_registered = no
timezone = Asia/Tehran

[documents]
language = fa
amount_in_words = yes

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders-fa
notes_file = $SL_TMP/notes-fa.txt
intake = poll
document = invoice
process_when = paid
approve = yes
add_payment = yes
series = FA

[channel:ts.payments]
zarinpal = bank:1110
INI
SLX=(--conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR")
for f in "$DATA/testshop/order-1001-paid.json" "$DATA/export/order-2001-coupon.json" \
         "$DATA/export/order-2002-pending.json"; do
  check "stored: $(basename "$f")" sl "${SLX[@]}" inbox add shop ts "$f"
done
check "stored: the Persian tenant's order" sl "${SLX[@]}" inbox add fars ts "$DATA/export/order-3001-irr.json"
check "process shop" sl "${SLX[@]}" process shop
check "process fars" sl "${SLX[@]}" process fars

# ---- orders as CSV ---------------------------------------------------------
check "export orders as CSV with a BOM" sl "${SLX[@]}" export orders shop --bom -o "$SL_TMP/orders.csv"
check "the orders CSV parses with the documented columns and values" $PY - "$SL_TMP/orders.csv" <<'PY'
import csv, io, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), 'no BOM'
assert b'\r\n' in raw, 'records are not CRLF-terminated'
rows = list(csv.reader(io.StringIO(raw[3:].decode('utf-8'), newline='')))
assert rows[0] == ['order_number', 'shop_order_id', 'channel', 'order_date', 'registered_date',
                   'order_status', 'status_normalized', 'inbox_state', 'tracking_code',
                   'shipping_status', 'currency', 'total', 'total_tax', 'shipping_total',
                   'discount_total', 'paid', 'payment_method', 'payment_reference',
                   'discount_code', 'customer_name', 'customer_company', 'customer_email',
                   'document_number', 'document_type', 'document_status'], rows[0]
assert len(rows) == 4, rows
by_id = {r[1]: dict(zip(rows[0], r)) for r in rows[1:]}
a = by_id['2001']
# 22:30 UTC on 20 November is 00:30 on the 21st in Riga (UTC+2)
assert a['order_date'] == '2026-11-21 00:30:00', a
assert a['total'] == '1234.56' and a['total_tax'] == '214.26' and a['paid'] == '1234.56', a
assert a['payment_method'] == 'stripe' and a['payment_reference'] == 'pi_778', a
assert a['customer_name'] == 'Jānis Ozols' and a['customer_company'] == 'Ozols, "Zaļš" SIA', a
assert a['document_number'].startswith('TS-') and a['document_type'] == 'invoice', a
assert a['inbox_state'] == 'processed' and a['status_normalized'] == 'confirmed', a
assert a['tracking_code'] == '' and a['shipping_status'] == '', a
assert len(a['registered_date']) == 19, a
p = by_id['2002']
assert p['discount_code'] == 'WELCOME10' and p['order_status'] == 'pending', p
# not a status the channel books: filed, no document
assert p['document_number'] == '' and p['paid'] == '0.00' and p['document_status'] == '', p
o = by_id['1001']
assert o['order_date'] == '' and o['total'] == '30.25' and o['customer_email'] == 'ilze@example.lv', o
PY
count_rows() { $PY -c 'import csv,sys; print(len(list(csv.reader(open(sys.argv[1], newline="", encoding="utf-8")))) - 1)' "$1"; }
sl "${SLX[@]}" export orders shop --status pending -o "$SL_TMP/o1.csv"
check "--status matches the shop's word" eq "$(count_rows "$SL_TMP/o1.csv")" 1
sl "${SLX[@]}" export orders shop --status confirmed -o "$SL_TMP/o2.csv"
check "--status matches the normalized word" eq "$(count_rows "$SL_TMP/o2.csv")" 2
sl "${SLX[@]}" export orders shop --from 2026-11-21 --to 2026-11-21 -o "$SL_TMP/o3.csv"
check "--from/--to are days of the tenant's zone" bash -c "grep -q '^A-2001,' '$SL_TMP/o3.csv' && [ \$(wc -l < '$SL_TMP/o3.csv') = 2 ]"
sl "${SLX[@]}" export orders shop --to 2026-11-20 -o "$SL_TMP/o4.csv"
check "--to 2026-11-20 leaves the Riga 21st out" bash -c "! grep -q '^A-2001,' '$SL_TMP/o4.csv'"
sl "${SLX[@]}" export orders shop --channel nope -o "$SL_TMP/o5.csv"
check "--channel filters" eq "$(count_rows "$SL_TMP/o5.csv")" 0
sl "${SLX[@]}" --json export orders shop -o "$SL_TMP/o6.csv" > "$SL_TMP/sum.json"
check "export --json" eq "$?" 0
check "the summary counts the rows" eq "$(json_get "$SL_TMP/sum.json" '$.rows')/$(json_get "$SL_TMP/sum.json" '$.matched')/$(json_get "$SL_TMP/sum.json" '$.format')" "3/3/csv"
check "no progress on stderr when it is not a terminal" bash -c "'$SHOPLEDGER' ${SLX[*]} export orders shop -o '$SL_TMP/o7.csv' 2>'$SL_TMP/o7.err' && [ ! -s '$SL_TMP/o7.err' ]"
if command -v script >/dev/null; then
  check "progress on a terminal: rows done of total" bash -c "script -qec \"'$SHOPLEDGER' ${SLX[*]} export orders shop -o '$SL_TMP/o8.csv'\" /dev/null | grep -q 'export: 3 / 3'"
fi
check "an unknown format is a usage error" bash -c "'$SHOPLEDGER' ${SLX[*]} export orders shop --format ods -o '$SL_TMP/x' 2>/dev/null; [ \$? = 2 ]"
check "a bad day is a usage error" bash -c "'$SHOPLEDGER' ${SLX[*]} export journal shop --to 2026-02-30 -o '$SL_TMP/x' 2>/dev/null; [ \$? = 2 ]"
check "an unwritable file fails naming it" bash -c "! '$SHOPLEDGER' ${SLX[*]} export orders shop -o '$SL_TMP/no/such/dir.csv' 2>'$SL_TMP/err' && grep -q 'no/such/dir.csv' '$SL_TMP/err'"

# ---- orders as XLSX ----------------------------------------------------------
check "export orders as XLSX" sl "${SLX[@]}" export orders shop --format xlsx -o "$SL_TMP/orders.xlsx"
check "the orders sheet: types, formats, frozen header, widths" $PY - "$SL_TMP/orders.xlsx" <<'PY'
import datetime, sys
from xlsx_read import Sheet, excel_serial
s = Sheet(sys.argv[1])
assert s.header[:3] == ['order_number', 'shop_order_id', 'channel'] and len(s.header) == 25, s.header
assert s.rows == 4, s.rows
assert s.frozen_rows == 1, 'header row not frozen'
assert not s.right_to_left
assert s.widths.get(s.header.index('customer_email')) and s.widths[s.header.index('customer_email')] > 20, s.widths
row = next(r for r in range(1, s.rows) if s.cell(r, 'shop_order_id')[1] == '2001')
kind, value, fmt = s.cell(row, 'total')
assert kind == 'n' and value == '1234.56' and fmt == '#,##0.00', (kind, value, fmt)
kind, value, fmt = s.cell(row, 'order_date')
want = excel_serial(datetime.datetime(2026, 11, 21, 0, 30))
assert kind == 'n' and abs(float(value) - want) < 1e-6 and fmt == 'yyyy-mm-dd hh:mm:ss', (kind, value, fmt)
assert s.cell(row, 'customer_name') == ('inlineStr', 'Jānis Ozols', 'General'), s.cell(row, 'customer_name')
assert s.cell(row, 'tracking_code')[0] == 'blank'
pend = next(r for r in range(1, s.rows) if s.cell(r, 'shop_order_id')[1] == '2002')
assert s.cell(pend, 'discount_code')[1] == 'WELCOME10'
assert s.cell(pend, 'order_date')[0] == 'n'
PY
check "export the Persian tenant's orders as XLSX" sl "${SLX[@]}" export orders fars --format xlsx -o "$SL_TMP/fars.xlsx"
check "its sheet is right to left, IRR without decimals, times of Tehran" $PY - "$SL_TMP/fars.xlsx" <<'PY'
import datetime, sys
from xlsx_read import Sheet, excel_serial
s = Sheet(sys.argv[1])
assert s.right_to_left, 'no rightToLeft'
assert s.cell(1, 'total') == ('n', '1250000', '#,##0'), s.cell(1, 'total')
assert s.cell(1, 'customer_name')[1] == 'سارا رضایی'
# 05:45 UTC is 09:15 in Tehran (UTC+3:30)
assert abs(float(s.cell(1, 'order_date')[1]) - excel_serial(datetime.datetime(2026, 11, 21, 9, 15))) < 1e-6
PY

# ---- documents and journal ------------------------------------------------------
check "export documents as XLSX" sl "${SLX[@]}" export documents shop --format xlsx -o "$SL_TMP/docs.xlsx"
check "the documents sheet: gross as a number, issue date as a date" $PY - "$SL_TMP/docs.xlsx" <<'PY'
import sys
from xlsx_read import Sheet
s = Sheet(sys.argv[1])
assert s.header == ['number', 'type', 'status', 'channel', 'shop_order_id', 'order_number',
                    'issue_date', 'currency', 'net', 'tax', 'gross', 'paid', 'customer_name',
                    'customer_email'], s.header
assert s.rows == 3 and s.frozen_rows == 1, s.rows
gross = sorted(s.cell(r, 'gross')[1] for r in range(1, s.rows))
assert gross == ['1234.56', '30.25'], gross
assert all(s.cell(r, 'gross')[2] == '#,##0.00' for r in range(1, s.rows))
assert all(s.cell(r, 'issue_date')[2] == 'yyyy-mm-dd' for r in range(1, s.rows))
PY
check "export journal as CSV" sl "${SLX[@]}" export journal shop -o "$SL_TMP/journal.csv"
check "the journal balances per document and names accounts" $PY - "$SL_TMP/journal.csv" <<'PY'
import csv, sys
from decimal import Decimal
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
assert rows[0] == ['posting_id', 'date', 'document_number', 'document_type', 'document_status',
                   'channel', 'shop_order_id', 'order_number', 'account', 'debit', 'credit',
                   'currency', 'tax_group', 'payment_kind', 'payment_reference', 'memo'], rows[0]
recs = [dict(zip(rows[0], r)) for r in rows[1:]]
assert len(recs) >= 6, recs
docs = {}
for r in recs:
    d = docs.setdefault(r['document_number'], [Decimal(0), Decimal(0)])
    d[0] += Decimal(r['debit']); d[1] += Decimal(r['credit'])
    assert r['account'] and len(r['date']) == 10, r
assert len(docs) == 2 and all(dc[0] == dc[1] for dc in docs.values()), docs
assert any(r['payment_kind'] and r['account'] == '2621' for r in recs), 'no stripe payment posting'
assert int(recs[-1]['posting_id']) > int(recs[0]['posting_id'])
PY
check "export journal as XLSX" sl "${SLX[@]}" export journal shop --format xlsx -o "$SL_TMP/journal.xlsx"
check "the journal sheet: ids and debits are numbers" $PY - "$SL_TMP/journal.xlsx" <<'PY'
import sys
from xlsx_read import Sheet
s = Sheet(sys.argv[1])
assert s.cell(1, 'posting_id')[0] == 'n' and s.cell(1, 'posting_id')[2] == '0'
assert all(s.cell(r, 'debit')[0] == 'n' for r in range(1, s.rows))
assert all(s.cell(r, 'date')[2] == 'yyyy-mm-dd' for r in range(1, s.rows))
PY

# ---- GET /admin/<tenant>/documents/<ID>.pdf -----------------------------------------
ID=$(sqlite3 "$SL_TMP/shop.db" "select id from documents where external_id = '2001'")
NUMBER=$(sqlite3 "$SL_TMP/shop.db" "select number from documents where external_id = '2001'")
rm -f "$SL_TMP/admin.port"
( exec "$SHOPLEDGER" "${SLX[@]}" serve --listen 127.0.0.1:0 --port-file "$SL_TMP/serve.port" \
    --admin-listen 127.0.0.1:0 --admin-port-file "$SL_TMP/admin.port" --tick-ms 200 \
    2>>"$SL_TMP/serve.log" ) &
SERVE_PID=$!
SL_PIDS+=("$SERVE_PID")
check "serve starts" wait_for_file "$SL_TMP/admin.port" 30
ADMIN_PORT=$(cat "$SL_TMP/admin.port")
AUTH=(-H "Authorization: Bearer admin-token-5678")
code=$(curl -s --max-time 30 "${AUTH[@]}" -o "$SL_TMP/doc.pdf" -D "$SL_TMP/doc.hdr" -w '%{http_code}' \
  "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents/$ID.pdf")
check "the PDF route answers 200" eq "$code" 200
check "as application/pdf" grep -qi '^content-type: application/pdf' "$SL_TMP/doc.hdr"
check "pdftotext shows the document number" bash -c "pdftotext -enc UTF-8 '$SL_TMP/doc.pdf' - | grep -q '$NUMBER'"
code=$(curl -s --max-time 30 "${AUTH[@]}" -o "$SL_TMP/none.json" -w '%{http_code}' \
  "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents/999999.pdf")
check "an unknown id is 404" eq "$code" 404
code=$(curl -s --max-time 30 -H "Authorization: Bearer wrong" -o /dev/null -w '%{http_code}' \
  "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents/$ID.pdf")
check "a wrong token is 401" eq "$code" 401
code=$(curl -s --max-time 30 "${AUTH[@]}" -o /dev/null -w '%{http_code}' \
  "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents/${ID}x.pdf")
check "a malformed id is 404" eq "$code" 404
check "the document list still answers JSON" bash -c "curl -s --max-time 30 -H 'Authorization: Bearer admin-token-5678' http://127.0.0.1:$ADMIN_PORT/admin/shop/documents | grep -q '$NUMBER'"
check "serve stops" stop_serve

# ---- amount in words ([documents] amount_in_words = yes) -----------------------------
FA_NUMBER=$(sqlite3 "$SL_TMP/fars.db" "select number from documents where external_id = '3001'")
check "doc pdf of the Persian invoice" "$SHOPLEDGER" "${SLX[@]}" doc pdf fars "$FA_NUMBER" -o "$SL_TMP/fa.pdf"
# pdftotext writes bidi embedding marks around the RTL runs: dropped with the blanks
pdf_words() { pdftotext -enc UTF-8 "$1" - | LC_ALL=C sed 's/\xe2\x80[\x8c\x8e\x8f\xaa-\xae]//g' | tr -d ' \n\f'; }
pdf_words "$SL_TMP/fa.pdf" > "$SL_TMP/fa.txt"
check "its total in Persian words" grep -q 'مبلغبهحروف:یکمیلیونودویستوپنجاههزارریال' "$SL_TMP/fa.txt"
printf '[documents]\nlanguage = lv\namount_in_words = yes\n' > "$SL_TMP/docs.part"
sed -i '/^\[documents\]$/,/^language = lv$/d' "$CONF/shop.ini"
sed -i "/^admin_token_file/r $SL_TMP/docs.part" "$CONF/shop.ini"
check "words in a language without them are refused naming the key" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} doc pdf shop '$NUMBER' -o '$SL_TMP/lv.pdf' 2>'$SL_TMP/err' && grep -q amount_in_words '$SL_TMP/err'"
finish

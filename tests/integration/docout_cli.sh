#!/usr/bin/env bash
# `doc pdf` end to end: an order through the testshop connector becomes an
# invoice whose PDF is in the tenant's language ([documents] language =
# lv), a channel's own `language` wins, and a bad language is refused
# naming the key. `doc pdf` itself runs outside valgrind: pango's font
# thread leaves fontconfig blocks that memcheck counts as lost (see
# TOOLCHAIN.md); the PDF code is covered by test_docout_pdf under ASan.
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
write_ini() { # LANGUAGE CHANNEL-LANGUAGE-LINE
  cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
name = Rīgas Veikals SIA
currency = EUR
database = $SL_TMP/shop.db
vat_registered = yes

[documents]
language = $1
seller_address = Brīvības iela 1 | Rīga, LV-1010
seller_vat_id = LV40003000000
payment_terms_days = 14

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
stock_file = $SL_TMP/stock.txt
products_file = $DATA/products.json
intake = poll
document = invoice
process_when = paid, cancelled
approve = yes
add_payment = yes
series = TS
$2

[channel:ts.payments]
bacs = bank:2620
INI
}
SLX=(--conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR")
pdf_text() { pdftotext -enc UTF-8 "$1" - | tr -s ' \n' ' '; }
has() { [[ "$1" == *"$2"* ]]; }

write_ini lv ""
check "the paid order is stored" sl "${SLX[@]}" inbox add shop ts "$DATA/order-1001-paid.json"
check "process" sl "${SLX[@]}" process shop
check "doc pdf writes the invoice" "$SHOPLEDGER" "${SLX[@]}" doc pdf shop TS-000001 -o "$SL_TMP/lv.pdf"
T=$(pdf_text "$SL_TMP/lv.pdf")
check "Latvian title" has "$T" "Rēķins"
check "number" has "$T" "TS-000001"
check "seller VAT number" has "$T" "LV40003000000"
check "buyer" has "$T" "Ilze Ozola"
check "total with a decimal comma" has "$T" "30,25 EUR"
check "page numbers" has "$T" "Lapa 1 no 1"
check "fonts are embedded" bash -c "pdffonts '$SL_TMP/lv.pdf' | tail -n +3 | grep -vq ' no '"
check "an unknown number fails" bash -c "! '$SHOPLEDGER' ${SLX[*]} doc pdf shop TS-999 -o '$SL_TMP/x.pdf' 2>'$SL_TMP/err' && grep -q TS-999 '$SL_TMP/err'"

write_ini lv "language = hu"
check "the channel's language wins" "$SHOPLEDGER" "${SLX[@]}" doc pdf shop TS-000001 -o "$SL_TMP/hu.pdf"
check "Hungarian title" has "$(pdf_text "$SL_TMP/hu.pdf")" "Számla"

# export documents: CSV read back with Python's csv module
check "export documents" sl "${SLX[@]}" export documents shop --bom -o "$SL_TMP/docs.csv"
check "the CSV parses with the stable columns and the invoice row" /usr/bin/python3 - "$SL_TMP/docs.csv" <<'PY'
import csv, sys
raw = open(sys.argv[1], 'rb').read()
assert raw.startswith(b'\xef\xbb\xbf'), 'no BOM'
rows = list(csv.reader(raw[3:].decode('utf-8').splitlines()))
assert rows[0] == ['number', 'type', 'status', 'channel', 'shop_order_id', 'order_number',
                   'issue_date', 'currency', 'net', 'tax', 'gross', 'paid',
                   'customer_name', 'customer_email'], rows[0]
assert len(rows) == 2, rows
r = dict(zip(rows[0], rows[1]))
assert r['number'] == 'TS-000001' and r['gross'] == '30.25' and r['paid'] == '30.25', r
assert r['customer_name'] == 'Ilze Ozola' and r['shop_order_id'] == '1001', r
PY
check "a status filter leaves only the header" bash -c "'$SHOPLEDGER' ${SLX[*]} export documents shop --status void -o '$SL_TMP/none.csv' && [ \$(wc -l < '$SL_TMP/none.csv') = 1 ]"
check "a bad date is a usage error" bash -c "'$SHOPLEDGER' ${SLX[*]} export documents shop --from 2026-13-01 -o '$SL_TMP/x.csv' 2>/dev/null; [ \$? = 2 ]"

write_ini de ""
check "a bad language is refused naming the key" bash -c "! '$SHOPLEDGER' ${SLX[*]} doc pdf shop TS-000001 -o '$SL_TMP/de.pdf' 2>'$SL_TMP/err' && grep -q language '$SL_TMP/err'"
finish

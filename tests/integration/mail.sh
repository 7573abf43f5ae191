#!/usr/bin/env bash
# E-mailing documents end to end against tests/sandbox/smtp: a booked
# order of a channel with `email = yes` becomes one message to the buyer
# (headers, Message-ID, the PDF attachment whose text shows the number),
# a kill -9 of serve between the send and the mark resends the same
# Message-ID once, a 550 recipient ends dead with the reason after one
# attempt, a 451 is scheduled again (not failed), `doc send` resends by
# hand. serve and doc send render PDFs, so they run outside valgrind
# (pango's font thread, see docout_cli.sh); the PDF and MIME code are
# covered under ASan by test_docout_pdf and test_mail_mime.
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
MAIL="$SL_TMP/mail"
DB="$SL_TMP/shop.db"
mkdir -p "$CONF" "$SL_TMP/orders" "$MAIL"
printf 'smtp-secret-42' > "$SL_TMP/smtp.password"
chmod 600 "$SL_TMP/smtp.password"

"$SL_BUILD_DIR/smtp_sandbox" --dir "$MAIL" --port-file "$SL_TMP/smtp.port" --user shop \
  --password smtp-secret-42 --reply bad@example.com=550 --reply later@example.com=451 \
  --stall-after 1 2>>"$SL_TMP/smtp.log" &
SL_PIDS+=("$!")
wait_for_file "$SL_TMP/smtp.port" 10 || exit 1
SMTP_PORT=$(cat "$SL_TMP/smtp.port")

write_ini() { # SMTP-URL STARTTLS MAIL-FROM
  cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
name = Rīgas Veikals SIA
currency = EUR
database = $DB
vat_registered = yes

[documents]
language = lv
smtp_url = $1
smtp_starttls = $2
smtp_user = shop
smtp_password_file = $SL_TMP/smtp.password
mail_from = $3
reply_to = Klientu serviss <help@veikals.example>

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
stock_file = $SL_TMP/stock.txt
products_file = $DATA/products.json
intake = poll
poll_every = 1h
document = invoice
process_when = paid
approve = yes
add_payment = yes
series = TS
email = yes

[channel:ts.payments]
bacs = bank:2620
INI
}
SLX=(--conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR")
# start_mail_serve: lib.bash's start_serve without valgrind (serve renders
# the PDFs it mails; fontconfig's caches read as lost under memcheck).
start_mail_serve() {
  rm -f "$SL_TMP/serve.port"
  ( exec "$SHOPLEDGER" "${SLX[@]}" serve --listen 127.0.0.1:0 --port-file "$SL_TMP/serve.port" \
      --tick-ms 200 2>>"$SL_TMP/serve.log" ) &
  SERVE_PID=$!
  SL_PIDS+=("$SERVE_PID")
  wait_for_file "$SL_TMP/serve.port" 30 && PORT=$(cat "$SL_TMP/serve.port")
}
q() { sqlite3 "$DB" "$1"; }
row() { q "SELECT $1 FROM outbox WHERE kind = 2 AND key = '$2'"; }
# wait_until SECONDS COMMAND...: bounded wait for a command to succeed.
wait_until() {
  local i n=$1; shift
  for ((i = 0; i < n * 20; i++)); do "$@" && return 0; sleep 0.05; done
  echo "  timed out waiting for: $*" >&2; return 1
}
# order_as ID EMAIL: the paid order 1001 under another id and buyer e-mail.
order_as() {
  sed -e "s/\"1001\"/\"$1\"/g" -e "s/ilze@example.lv/$2/" "$DATA/order-1001-paid.json" \
    > "$SL_TMP/order-$1.json"
}

write_ini "smtp://127.0.0.1:$SMTP_PORT" off "Rīgas Veikals <shop@veikals.example>"
check "config check lists the mail settings" bash -c \
  "'$SHOPLEDGER' ${SLX[*]} config check | grep -q 'mail: smtp://127.0.0.1:$SMTP_PORT (STARTTLS off), from Rīgas Veikals <shop@veikals.example>, reply to Klientu serviss <help@veikals.example>, user shop, password (set)'"
check "the paid order is stored" sl "${SLX[@]}" inbox add shop ts "$DATA/order-1001-paid.json"
check "process books TS-000001" sl "${SLX[@]}" process shop
check "one e-mail row queued" eq "$(row state email:1)" pending

# serve sends it; the server stalls after storing the message and serve
# is killed before it can mark the row: the crash between send and mark.
start_mail_serve
check "the message reaches the server" wait_for_file "$MAIL/msg-001.eml" 60
kill -9 "$SERVE_PID"; wait "$SERVE_PID" 2>/dev/null
check "after the crash the row is still sending" eq "$(row state,attempts email:1)" "sending|1"
# The lease (60 s) ends as a restart a minute later would find it.
q "UPDATE outbox SET next_attempt_ms = 0 WHERE key = 'email:1'"
start_mail_serve
check "the row is resent once and marked sent" wait_until 60 \
  bash -c "[ \"\$(sqlite3 '$DB' \"SELECT state FROM outbox WHERE key = 'email:1'\")\" = sent ]"
check "serve stops" stop_serve
check "two deliveries, no third" bash -c "[ -f '$MAIL/msg-002.eml' ] && [ ! -e '$MAIL/msg-003.eml' ]"
check "the attempts count says resent once" eq "$(row attempts email:1)" 2

check "the message parses: headers, body, PDF" /usr/bin/python3 - "$MAIL" <<'PY'
import email, email.policy, email.utils, sys
d = sys.argv[1]
raw1, raw2 = (open(f'{d}/msg-00{i}.eml', 'rb').read() for i in (1, 2))
for raw in (raw1, raw2):
    assert all(len(l) <= 78 for l in raw.split(b'\r\n')), 'a line is longer than 78'
    assert b'\n' not in raw.replace(b'\r\n', b''), 'a bare LF'
m = email.message_from_bytes(raw2, policy=email.policy.default)
m1 = email.message_from_bytes(raw1, policy=email.policy.default)
assert m['Message-ID'] == '<doc-1.shop@veikals.example>', m['Message-ID']
assert m1['Message-ID'] == m['Message-ID'], 'the resend has another Message-ID'
assert str(m['Subject']) == 'Jūsu dokuments: Rēķins TS-000001', str(m['Subject'])
assert m['To'].addresses[0].addr_spec == 'ilze@example.lv', str(m['To'])
assert m['To'].addresses[0].display_name == 'Ilze Ozola', str(m['To'])
assert m['From'].addresses[0].display_name == 'Rīgas Veikals', str(m['From'])
assert m['From'].addresses[0].addr_spec == 'shop@veikals.example', str(m['From'])
assert m['Reply-To'].addresses[0].addr_spec == 'help@veikals.example'
assert m['Reply-To'].addresses[0].display_name == 'Klientu serviss'
assert email.utils.parsedate_to_datetime(m['Date']) is not None
assert m.get_content_type() == 'multipart/mixed'
text, pdf = list(m.iter_parts())
assert text.get_content_type() == 'text/plain'
assert text.get_content().replace('\r\n', '\n').startswith('Labdien!\n\nPielikumā Jūsu dokuments.'), text.get_content()
assert pdf.get_content_type() == 'application/pdf' and pdf.get_filename() == 'TS-000001.pdf'
open(f'{d}/att.pdf', 'wb').write(pdf.get_content())
PY
check "the attachment is the document's PDF" bash -c \
  "pdftotext -enc UTF-8 '$MAIL/att.pdf' - | grep -q 'TS-000001'"
check "the envelope: buyer, sender, login" bash -c \
  "grep -qx 'RCPT TO:<ilze@example.lv>' '$MAIL/msg-002.env' && grep -qx 'MAIL FROM:<shop@veikals.example>' '$MAIL/msg-002.env' && grep -qx 'AUTH shop' '$MAIL/msg-002.env'"
check "the password is not in the logs" bash -c "! grep -rq smtp-secret-42 '$SL_TMP/serve.log'"

# A 550 recipient gives up after one attempt; a 451 is tried again later.
order_as 1002 bad@example.com
order_as 1003 later@example.com
check "orders to a bad and a busy mailbox" sl "${SLX[@]}" inbox add shop ts "$SL_TMP/order-1002.json"
check "second order" sl "${SLX[@]}" inbox add shop ts "$SL_TMP/order-1003.json"
check "process books TS-000002 and TS-000003" sl "${SLX[@]}" process shop
start_mail_serve
check "the 550 row ends dead" wait_until 60 \
  bash -c "[ \"\$(sqlite3 '$DB' \"SELECT state FROM outbox WHERE key = 'email:2'\")\" = dead ]"
check "the 451 row was attempted" wait_until 60 \
  bash -c "[ \"\$(sqlite3 '$DB' \"SELECT attempts FROM outbox WHERE key = 'email:3'\")\" -ge 1 ]"
check "serve stops" stop_serve
check "550: one attempt, the reason recorded" bash -c \
  "[ \"\$(sqlite3 '$DB' \"SELECT attempts FROM outbox WHERE key = 'email:2'\")\" = 1 ] && sqlite3 '$DB' \"SELECT last_error FROM outbox WHERE key = 'email:2'\" | grep -q 'gave up: SMTP refused bad@example.com: 550 5.1.1 <bad@example.com>: no such mailbox here'"
check "451: pending, due again a minute or more later, the reply recorded" bash -c \
  "[ \"\$(sqlite3 '$DB' \"SELECT state FROM outbox WHERE key = 'email:3'\")\" = pending ] && [ \"\$(sqlite3 '$DB' \"SELECT next_attempt_ms - updated_ms >= 60000 FROM outbox WHERE key = 'email:3'\")\" = 1 ] && sqlite3 '$DB' \"SELECT last_error FROM outbox WHERE key = 'email:3'\" | grep -q '451 4.3.0'"
check "nothing was delivered to them" bash -c "[ ! -e '$MAIL/msg-003.eml' ]"

# doc send: by hand, to another address, a message of its own.
check "doc send --to sends at once" "$SHOPLEDGER" "${SLX[@]}" doc send shop TS-000001 --to other@example.com
check "doc send: one more message to the new address" bash -c \
  "grep -qx 'RCPT TO:<other@example.com>' '$MAIL/msg-003.env' && [ ! -e '$MAIL/msg-004.eml' ]"
HAND_ID=$(q "SELECT id FROM outbox WHERE key LIKE 'email:1:other@example.com:%'")
check "doc send: the row is sent" eq "$(q "SELECT state FROM outbox WHERE id = $HAND_ID")" sent
check "doc send: its own Message-ID" bash -c \
  "grep -qa '^Message-ID: <doc-1-r$HAND_ID.shop@veikals.example>.$' '$MAIL/msg-003.eml' && ! grep -qa 'Ilze' '$MAIL/msg-003.eml'"
check "doc send to a 550 address fails with the reason" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} doc send shop TS-000002 2>'$SL_TMP/err' && grep -q '550 5.1.1' '$SL_TMP/err'"
check "doc send: a bad --to is refused before queuing" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} doc send shop TS-000001 --to 'not an address' 2>'$SL_TMP/err' && grep -q -- '--to' '$SL_TMP/err'"

# STARTTLS required (the default) against a server that offers none: no
# fallback to clear text, nothing delivered, the row waits for a retry.
write_ini "smtp://127.0.0.1:$SMTP_PORT" required "shop@veikals.example"
check "STARTTLS required: doc send refuses a server without it" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} doc send shop TS-000001 2>'$SL_TMP/err' && grep -q 'queued: the SMTP server offers no STARTTLS' '$SL_TMP/err'"
check "STARTTLS required: nothing more was delivered" bash -c "[ ! -e '$MAIL/msg-004.eml' ]"

# The settings are checked at load, naming FILE:LINE and key.
write_ini "smtp://mail.example.com:587" off "shop@veikals.example"
check "STARTTLS off is refused for a remote host" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} config check 2>'$SL_TMP/err' && grep -q 'shop.ini:[0-9]*: \[documents\] smtp_starttls: off is allowed only' '$SL_TMP/err'"
write_ini "http://127.0.0.1:$SMTP_PORT" required "shop@veikals.example"
check "a non-SMTP URL is refused" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} config check 2>'$SL_TMP/err' && grep -q 'shop.ini:10: \[documents\] smtp_url: expected smtp://' '$SL_TMP/err'"
write_ini "smtps://mail.example.com" required "Veikals <shop@>"
check "a bad mail_from is refused" bash -c \
  "! '$SHOPLEDGER' ${SLX[*]} config check 2>'$SL_TMP/err' && grep -q 'shop.ini:14: \[documents\] mail_from: ' '$SL_TMP/err'"
mkdir -p "$SL_TMP/conf2"
cat > "$SL_TMP/conf2/shop.ini" <<INI
[tenant]
id = shop
currency = EUR
database = $SL_TMP/other.db

[documents]
smtp_user = shop

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
email = yes
INI
check "email = yes needs smtp_url and mail_from; smtp_user needs its password" bash -c \
  "! '$SHOPLEDGER' --conf '$SL_TMP/conf2' --plugins '$SL_TEST_PLUGIN_DIR' config check 2>'$SL_TMP/err' && grep -q 'shop.ini:6: \[documents\] smtp_url: missing (a channel has email = yes)' '$SL_TMP/err' && grep -q 'shop.ini:6: \[documents\] mail_from: missing' '$SL_TMP/err' && grep -q 'shop.ini:7: \[documents\] smtp_password_file: missing (smtp_user is set)' '$SL_TMP/err'"
finish

#!/usr/bin/env bash
# `serve` refuses what is ambiguous or not configured: Content-Length given
# twice with different values is 400 (nothing stored), and a channel with
# `intake = poll` takes no webhook, even a signed one. The admin API lets
# a token see its own tenant only, and answers an unknown tenant exactly
# as a wrong token (no enumeration of ids), logging the refusal.
source "$(dirname "$0")/lib.bash"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
testshop_secrets
testshop_webhook_tenant "$CONF/ts.ini" ts "$SL_TMP/admin.token" hook
cat >> "$CONF/ts.ini" <<INI

[channel:polled]
plugin = testshop
orders_dir = $SL_TMP/orders
notes_file = $SL_TMP/notes.txt
intake = poll
poll_every = 1h
webhook_secret_file = $SL_TMP/webhook.secret
document = invoice
process_when = paid
INI

printf 'other-token-9999' > "$SL_TMP/other.token"
chmod 600 "$SL_TMP/other.token"
testshop_webhook_tenant "$CONF/other.ini" other "$SL_TMP/other.token" hook

BODY="$TS_DATA/order-1001-paid.json"
SIG=$(openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$BODY" | base64)
post() { # PATH: a signed delivery; prints the status
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $SIG" \
    --data-binary @"$BODY" "http://127.0.0.1:$PORT$1"
}
# two_lengths: the delivery with a second, different Content-Length.
two_lengths() {
  python3 - "$PORT" "$BODY" "$SIG" <<'PY'
import socket, sys
port, body_file, sig = sys.argv[1], sys.argv[2], sys.argv[3]
body = open(body_file, "rb").read()
req = (f"POST /hooks/ts/hook HTTP/1.1\r\nHost: x\r\nX-Testshop-Signature: {sig}\r\n"
       f"Content-Length: {len(body)}\r\nContent-Length: 5\r\n\r\n").encode() + body
c = socket.create_connection(("127.0.0.1", int(port)), timeout=10)
c.sendall(req)
print(c.recv(100).split(b" ")[1].decode())
PY
}
inbox_size() {
  curl -s --max-time 10 -H 'Authorization: Bearer admin-token-5678' \
    "http://127.0.0.1:$ADMIN_PORT/admin/ts/inbox" > "$SL_TMP/inbox.json" &&
    sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/inbox.json'))"
}

check "serve starts" start_serve "$SL_TEST_PLUGIN_DIR"
check "Content-Length twice, differently, is 400" eq "$(two_lengths)" 400
check "a poll-only channel refuses a signed webhook" eq "$(post /hooks/ts/polled)" 404
check "nothing was stored" eq "$(inbox_size)" 0
check "the webhook channel still takes it" eq "$(post /hooks/ts/hook)" 200
admin_as() { # TOKEN PATH: prints status and body
  curl -s -w ' %{http_code}' --max-time 10 -H "Authorization: Bearer $1" "http://127.0.0.1:$ADMIN_PORT/admin/$2"
}
curl -s --max-time 10 -H 'Authorization: Bearer admin-token-5678' \
  "http://127.0.0.1:$ADMIN_PORT/admin/health" > "$SL_TMP/health.json"
check "health with one tenant's token lists that tenant only" eq \
  "$(sqlite3 :memory: "select group_concat(json_extract(value,'\$.id')) from json_each(readfile('$SL_TMP/health.json'),'\$.tenants')")" ts
check "an unknown tenant answers like a wrong token" eq \
  "$(admin_as admin-token-5678 nosuch/documents)" "$(admin_as wrong-token other/documents)"
check "which is 401" eq "$(admin_as wrong-token other/documents | awk '{print $NF}')" 401
check "a refused token is logged (without it)" bash -c \
  "grep -q 'admin: refused' '$SL_TMP/serve.log' && ! grep -q wrong-token '$SL_TMP/serve.log'"
check "SIGTERM stops cleanly" stop_serve
finish

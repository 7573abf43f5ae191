#!/usr/bin/env bash
# One broken tenant never stops the others: `serve` runs the tenant whose
# file loads, answers the broken one's webhooks 503 (the shop delivers
# again later) and logs its FILE:LINE; after the file is fixed, SIGHUP
# starts it. The listeners are host settings: a tenant with another
# `listen` is refused at its line, the admin API has a listener of its own
# and a public admin address is refused without admin_public = yes.
source "$(dirname "$0")/lib.bash"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
testshop_secrets
printf 'bad-token-4321' > "$SL_TMP/bad.token"
chmod 600 "$SL_TMP/bad.token"
testshop_webhook_tenant "$CONF/a-good.ini" good "$SL_TMP/admin.token" hook
testshop_webhook_tenant "$CONF/b-bad.ini" bad "$SL_TMP/bad.token" hook
# Line 6 of the bad tenant's file: a key [tenant] does not have.
sed -i '5a colour = blue' "$CONF/b-bad.ini"
check "the broken line is line 6" eq "$(sed -n 6p "$CONF/b-bad.ini")" "colour = blue"

BODY="$TS_DATA/order-1001-paid.json"
SIG=$(openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$BODY" | base64)
post() { # TENANT: a signed delivery to the tenant's channel; prints the status
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $SIG" \
    --data-binary @"$BODY" "http://127.0.0.1:$PORT/hooks/$1/hook"
}
orders_in() { sqlite3 "$SL_TMP/$1.db" "select count(*) from inbox_items;" 2>/dev/null; }
# stored TENANT N: bounded wait until the tenant's inbox holds N orders
# (a delivery is parsed and filed right after its 200).
stored() {
  local i
  for ((i = 0; i < 200; i++)); do
    [ "$(orders_in "$1")" = "$2" ] && return 0
    sleep 0.05
  done
  echo "  $1 holds $(orders_in "$1") orders, expected $2" >&2
  return 1
}

start_serve "$SL_TEST_PLUGIN_DIR"
check "serve runs with one tenant broken" kill -0 "$SERVE_PID"
check "the good tenant takes its delivery" eq "$(post good)" 200
check "which is stored" stored good 1
check "the broken tenant answers 503, not 404" eq "$(post bad)" 503
check "an unknown tenant is still 404" eq "$(post nosuch)" 404
check "the log names the broken file and line" \
  grep -q "b-bad.ini:6: \[tenant\] colour" "$SL_TMP/serve.log"
check "webhooks are not served on the admin listener" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  --max-time 10 -X POST --data-binary @"$BODY" "http://127.0.0.1:$ADMIN_PORT/hooks/good/hook")" 404
check "the admin API is not served on the webhook listener" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  --max-time 10 -H 'Authorization: Bearer admin-token-5678' "http://127.0.0.1:$PORT/admin/health")" 404

health_as() { # TOKEN FILE: GET /admin/health into FILE; prints the status
  curl -s -o "$2" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $1" \
    "http://127.0.0.1:$ADMIN_PORT/admin/health"
}
check "health is 200 with one tenant broken" eq "$(health_as admin-token-5678 "$SL_TMP/h1.json")" 200
check "overall degraded, 1 served, 1 broken" eq \
  "$(json_get "$SL_TMP/h1.json" '$.status') $(json_get "$SL_TMP/h1.json" '$.served') $(json_get "$SL_TMP/h1.json" '$.broken')" \
  "degraded 1 1"
check "the good token sees its own tenant only, ok" eq \
  "$(json_get "$SL_TMP/h1.json" '$.tenants[0].id') $(json_get "$SL_TMP/h1.json" '$.tenants[0].state') $(json_get "$SL_TMP/h1.json" '$.tenants[1].id')" \
  "good ok "
has_value() { [ -n "$(json_get "$1" "$2")" ]; }
value_has() { json_get "$1" "$2" | grep -q -- "$3"; }
check "its channel shows the last webhook" has_value "$SL_TMP/h1.json" '$.tenants[0].channels[0].last_webhook_at'
check "the broken tenant's token reads its error" eq "$(health_as bad-token-4321 "$SL_TMP/h2.json")" 200
check "as broken, with FILE:LINE" eq \
  "$(json_get "$SL_TMP/h2.json" '$.tenants[0].id') $(json_get "$SL_TMP/h2.json" '$.tenants[0].state')" "bad broken"
check "naming the file, line and key" value_has "$SL_TMP/h2.json" '$.tenants[0].error' \
  'b-bad.ini:6: \[tenant\] colour'
check "and not the other tenant" eq "$(json_get "$SL_TMP/h2.json" '$.tenants[1].id')" ""
check "a wrong token is still 401" eq "$(health_as wrong "$SL_TMP/h3.json")" 401

# Fixed file + SIGHUP: the tenant starts (bounded wait, no timing in the verdict).
sed -i '6d' "$CONF/b-bad.ini"
kill -HUP "$SERVE_PID"
served_after_hup() {
  local i
  for ((i = 0; i < 100; i++)); do
    [ "$(post bad)" = 200 ] && return 0
    sleep 0.1
  done
  return 1
}
check "after the fix and SIGHUP the second tenant is served" served_after_hup
check "its delivery is in its own database" stored bad 1
check "the good tenant still serves" eq "$(post good)" 200
check "the reload is logged" grep -q "tenant bad (.*b-bad.ini) is served" "$SL_TMP/serve.log"

# A running tenant whose file breaks keeps its last good configuration.
sed -i '5a colour = red' "$CONF/a-good.ini"
kill -HUP "$SERVE_PID"
said_last_good() { # bounded wait for the reload's log line
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "tenant good keeps running on its last good configuration; .*a-good.ini:6" \
      "$SL_TMP/serve.log" && return 0
    sleep 0.1
  done
  return 1
}
check "a running tenant whose file breaks says it keeps its last good config" said_last_good
check "and still takes deliveries" eq "$(post good)" 200
health_as admin-token-5678 "$SL_TMP/h4.json" >/dev/null
check "health shows the running tenant ok with the file's error" eq \
  "$(json_get "$SL_TMP/h4.json" '$.tenants[0].state') $(json_get "$SL_TMP/h4.json" '$.broken')" "ok 0"
check "as config_error" value_has "$SL_TMP/h4.json" '$.tenants[0].config_error' \
  'a-good.ini:6: \[tenant\] colour'

# A new file whose database cannot be opened: reported, the others unharmed.
testshop_webhook_tenant "$CONF/c-nodb.ini" nodb "$SL_TMP/admin.token" hook
sed -i "s|^database = .*|database = $SL_TMP/no/such/dir/nodb.db|" "$CONF/c-nodb.ini"
kill -HUP "$SERVE_PID"
said_nodb() {
  local i
  for ((i = 0; i < 100; i++)); do
    grep -q "tenant nodb (.*c-nodb.ini) is not served: " "$SL_TMP/serve.log" && return 0
    sleep 0.1
  done
  return 1
}
check "a tenant whose database cannot be opened is reported" said_nodb
check "and its webhooks answer 503" eq "$(post nodb)" 503
check "the others still serve" eq "$(post bad)" 200
check "SIGTERM still stops cleanly" stop_serve
rm "$CONF/c-nodb.ini"

# The listeners are one host setting: another tenant's different listen is
# refused at its line, and that tenant alone is left out.
sed -i '6d' "$CONF/a-good.ini"
sed -i '5a listen = 127.0.0.1:1' "$CONF/a-good.ini"
sed -i '5a listen = 127.0.0.1:2' "$CONF/b-bad.ini"
sl --conf "$CONF" config check > "$SL_TMP/check.out" 2>&1
check "config check refuses the second listen at its line" grep -q \
  "b-bad.ini:6: \[tenant\] listen: '127.0.0.1:2' differs from '127.0.0.1:1' set at .*a-good.ini:6" \
  "$SL_TMP/check.out"
sed -i '6d' "$CONF/b-bad.ini"

# A public admin address needs admin_public = yes (no TLS in the host).
sed -i '6d' "$CONF/a-good.ini"
sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" serve --listen 127.0.0.1:0 \
  --admin-listen 0.0.0.0:0 2> "$SL_TMP/public.err"
check "a public admin listener is refused" eq "$?" 1
check "naming admin_public" grep -q "admin_listen 0.0.0.0:0 is not a loopback address.*admin_public = yes" \
  "$SL_TMP/public.err"

# Not one tenant can run: serve exits 1.
sed -i '5a colour = blue' "$CONF/a-good.ini"
sed -i '5a colour = blue' "$CONF/b-bad.ini"
sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" serve --listen 127.0.0.1:0 \
  --admin-listen 127.0.0.1:0 2> "$SL_TMP/none.err"
check "with every tenant broken serve exits 1" eq "$?" 1
check "saying no tenant can be served" grep -q "no tenant can be served (2 broken)" "$SL_TMP/none.err"
finish

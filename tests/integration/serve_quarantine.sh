#!/usr/bin/env bash
# A plugin that crashes is quarantined: serve dies inside crashy's
# parse_webhook (SIGSEGV); the call marker it left names the plugin, call,
# tenant and channel; the restarted serve keeps that channel stopped (503,
# the reason in health and `plugin list`) while the other tenant is served;
# `plugin retry crashy` (or a new crashy.so) runs it again at the next start.
source "$(dirname "$0")/lib.bash"
# The crash must reach the host's own handler (only a recorded fatal signal
# quarantines; a kill from outside does not): AddressSanitizer keeps SEGV
# to itself unless told otherwise.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
TS_DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
PLUGINS="$SL_TMP/plugins" # a copy of our own: the test touches crashy.so
mkdir -p "$CONF" "$SL_TMP/orders" "$PLUGINS"
cp "$SL_TEST_PLUGIN_DIR/testshop.so" "$SL_TEST_PLUGIN_DIR/crashy.so" "$PLUGINS/"
testshop_secrets
testshop_webhook_tenant "$CONF/other.ini" other "$SL_TMP/admin.token" hook
cat > "$CONF/shop.ini" <<INI
[tenant]
id = shop
currency = EUR
database = $SL_TMP/shop.db
admin_token_file = $SL_TMP/admin.token

[channel:boom]
plugin = crashy
intake = webhook
webhook_secret_file = $SL_TMP/webhook.secret
document = invoice
process_when = paid
INI

BODY="$TS_DATA/order-1001-paid.json"
SIG=$(openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$BODY" | base64)
post_other() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $SIG" \
    --data-binary @"$BODY" "http://127.0.0.1:$PORT/hooks/other/hook"
}
post_boom() { # BODY
  curl -s -o /dev/null -w '%{http_code}' --max-time 10 -X POST --data-binary "$1" \
    "http://127.0.0.1:$PORT/hooks/shop/boom"
}
died() { # PID: bounded wait for a crashed serve to be gone; 0 when it died not cleanly
  local i
  for ((i = 0; i < 200; i++)); do
    kill -0 "$1" 2>/dev/null || { wait "$1"; [ "$?" -ne 0 ]; return; }
    sleep 0.05
  done
  echo "  serve $1 still runs" >&2
  return 1
}
health() {
  curl -s --max-time 10 -H 'Authorization: Bearer admin-token-5678' \
    "http://127.0.0.1:$ADMIN_PORT/admin/health" > "$SL_TMP/health.json"
}
boom_health() { # the boom channel of tenant shop in health
  sqlite3 :memory: "select json_extract(t.value, '\$.channels[0].quarantined')
    from json_each(readfile('$SL_TMP/health.json'), '\$.tenants') t
    where json_extract(t.value, '\$.id') = 'shop';"
}

check "serve starts" start_serve "$PLUGINS"
check "crashy acknowledges a plain delivery" eq "$(post_boom '{"ping":1}')" 200
FIRST_PID=$SERVE_PID
post_boom '{"please":"crash"}' > /dev/null
check "a delivery asking for it kills serve" died "$FIRST_PID"
check "the dead process left its call marker" test -s "$SHOPLEDGER_STATE/plugin-calls-$FIRST_PID.map"

# systemd would restart it: the marker quarantines crashy.
check "serve starts again" start_serve "$PLUGINS"
check "the log says which plugin and call died" grep -q \
  "plugin crashy quarantined: the last run died in its call parse_delivery (tenant shop, channel boom" \
  "$SL_TMP/serve.log"
check "the old marker file is gone" test ! -e "$SHOPLEDGER_STATE/plugin-calls-$FIRST_PID.map"
check "the quarantined channel answers 503" eq "$(post_boom '{"ping":2}')" 503
check "even a delivery that would crash it (never called)" eq "$(post_boom '{"please":"crash"}')" 503
check "the other tenant is served" eq "$(post_other)" 200
health
check "health names the crash for channel boom" bash -c \
  "grep -qE '^crashed( \(signal 11\))? in parse_delivery \(tenant shop, channel boom\) at ' <<< '$(boom_health)'"
check "overall degraded" eq "$(json_get "$SL_TMP/health.json" '$.status')" degraded
sl --plugins "$PLUGINS" plugin list > "$SL_TMP/list.txt"
check "plugin list shows the quarantine" grep -qE \
  'QUARANTINED: crashed \(signal 11\) in parse_delivery \(tenant shop, channel boom\)' "$SL_TMP/list.txt"
check "naming the signal the call took" grep -q "crashed (signal 11) in parse_delivery" "$SL_TMP/list.txt"
check "and only for crashy" eq "$(grep -c QUARANTINED "$SL_TMP/list.txt")" 1
check "SIGTERM stops it cleanly" stop_serve
check "a clean stop leaves no marker" bash -c "! ls '$SHOPLEDGER_STATE' | grep -q plugin-calls-"

check "plugin retry lifts it" sl plugin retry crashy
sl plugin retry crashy 2> "$SL_TMP/retry2.err"
check "a second retry says it is not quarantined" eq "$?" 1
check "naming it" grep -q "plugin crashy is not quarantined" "$SL_TMP/retry2.err"
check "serve starts after the retry" start_serve "$PLUGINS"
check "the channel runs again" eq "$(post_boom '{"ping":3}')" 200
health
check "and health shows no quarantine" eq "$(boom_health)" ""

# A new crashy.so lifts the quarantine as well.
SECOND_PID=$SERVE_PID
post_boom '{"please":"crash"}' > /dev/null
check "it crashes again" died "$SECOND_PID"
check "serve starts after the second crash" start_serve "$PLUGINS"
check "quarantined again" eq "$(post_boom '{"ping":4}')" 503
check "SIGTERM stops it" stop_serve
touch -d '+1 minute' "$PLUGINS/crashy.so"
check "serve starts with the new file" start_serve "$PLUGINS"
check "a new crashy.so runs again" eq "$(post_boom '{"ping":5}')" 200
check "saying why" grep -q "is not the file that crashed; quarantine lifted" "$SL_TMP/serve.log"
check "SIGTERM stops serve" stop_serve
finish

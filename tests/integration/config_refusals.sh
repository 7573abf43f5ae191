#!/usr/bin/env bash
# `config check` refuses, promptly and naming the field, what would run
# wrong: a FIFO as INI or as secret file (it used to hang waiting for a
# writer), an unknown time zone, a webhook secret too short to sign with.
source "$(dirname "$0")/lib.bash"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
printf 'whsec-test-1234' > "$SL_TMP/webhook.secret"
printf 'ab' > "$SL_TMP/short.secret"
chmod 600 "$SL_TMP/webhook.secret" "$SL_TMP/short.secret"
mkfifo -m 600 "$SL_TMP/fifo.secret"

# tenant TIMEZONE SECRET_FILE: one tenant INI on stdout.
tenant() {
  cat <<INI
[tenant]
id = shop
currency = EUR
timezone = $1
database = $SL_TMP/shop.db

[channel:ts]
plugin = testshop
orders_dir = $SL_TMP/orders
intake = webhook
webhook_secret_file = $2
document = invoice
process_when = paid
INI
}

# refused PATTERN: config check fails (bounded in time) and says PATTERN.
refused() {
  timeout 20 "$SHOPLEDGER" --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" config check \
    > "$SL_TMP/check.out" 2>&1
  local rc=$?
  [ "$rc" != 0 ] && [ "$rc" != 124 ] && grep -q "$1" "$SL_TMP/check.out" ||
    { echo "  rc $rc:" >&2; cat "$SL_TMP/check.out" >&2; return 1; }
}

tenant Europe/Riga "$SL_TMP/webhook.secret" > "$CONF/shop.ini"
check "a good tenant passes" sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" config check
tenant Mars/Olympus "$SL_TMP/webhook.secret" > "$CONF/shop.ini"
check "an unknown time zone is refused" refused "timezone"
tenant UTC "$SL_TMP/short.secret" > "$CONF/shop.ini"
check "a 2-byte webhook secret is refused" refused "webhook_secret"
tenant UTC "$SL_TMP/fifo.secret" > "$CONF/shop.ini"
check "a FIFO as secret file is refused, not waited on" refused "not a regular file"
rm -f "$CONF/shop.ini"
mkfifo -m 600 "$CONF/shop.ini"
check "a FIFO as INI file is refused, not waited on" refused "not a regular file"
# The example tenants a newcomer copies stay valid (secrets from unset
# environment variables are warnings, never errors).
check "the example tenants in conf.d pass config check" sl --conf "$SL_SOURCE_DIR/conf.d" \
  --plugins "$SL_PLUGIN_DIR" config check
finish

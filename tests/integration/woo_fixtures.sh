#!/usr/bin/env bash
# Every order recorded from a real WooCommerce store
# ($SL_SHARED_DIR/fixtures/woocommerce/*/orders/*.json) goes through
# `inbox add` + `process` into a document whose gross equals the order's
# total, or into a Draft whose reason names the differing total. One
# tenant per recorded store (order ids are unique per store only). Also:
# `plugin check` passes for the built woocommerce.so against its sandbox.
source "$(dirname "$0")/lib.bash"
FIXTURES="${SL_SHARED_DIR:-$SL_SOURCE_DIR/../shared}/fixtures/woocommerce"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF"
printf 'cs_fixture_not_used' > "$SL_TMP/woo.secret"
printf 'whsec-fixture-not-used' > "$SL_TMP/woo.webhook"
chmod 600 "$SL_TMP/woo.secret" "$SL_TMP/woo.webhook"
SLX=(sl --conf "$CONF" --plugins "$SL_PLUGIN_DIR")

check "plugin check passes for woocommerce.so" \
  sl --plugins "$SL_PLUGIN_DIR" plugin check "$SL_PLUGIN_DIR/woocommerce.so"

if ! ls "$FIXTURES"/*/orders/*.json > /dev/null 2>&1; then
  echo "no recorded orders under $FIXTURES: skipping the fixture cases"
  finish
  exit $?
fi

write_store_tenant() { # STORE
  cat > "$CONF/$1.ini" <<INI
[tenant]
id = $1
currency = USD
vat_registered = yes
database = $SL_TMP/$1.db

[channel:woo]
plugin = woocommerce
url = http://127.0.0.1:9
key = ck_fixture
secret_file = $SL_TMP/woo.secret
webhook_secret_file = $SL_TMP/woo.webhook
# Webhook only: a replayed body has only its refunds' amounts and no poll
# will bring their lines, so a refund is split at once (on a channel that
# polls it would wait for the poll).
intake = webhook
document = invoice
process_when = pending, processing, on-hold, completed, cancelled, refunded
approve = yes
add_payment = yes
series = WOO

[channel:woo.payments]
bacs = bank:2620
INI
}

# cents TEXT: "31.12" -> 3112 (2 decimals, as the stores wrote them).
cents() {
  local t=${1/./} sign=1
  [ "${t:0:1}" = - ] && { sign=-1; t=${t#-}; }
  echo $((sign * 10#$t))
}

# One line per fixture: STORE/CASE result.
case_result() { # STORE FILE
  local store=$1 f=$2 id total docs
  id=$(json_get "$f" '$.id')
  total=$(cents "$(json_get "$f" '$.total')")
  "${SLX[@]}" inbox add "$store" woo "$f" > /dev/null 2>"$SL_TMP/add.err" ||
    { echo "inbox add refused: $(head -1 "$SL_TMP/add.err")"; return 1; }
  "${SLX[@]}" process "$store" > /dev/null 2>&1
  "${SLX[@]}" doc list "$store" --json > "$SL_TMP/docs.json" || return 1
  docs=$(sqlite3 :memory: "select json_extract(value,'\$.type')||'|'||json_extract(value,'\$.status')||'|'||json_extract(value,'\$.gross')||'|'||json_extract(value,'\$.reason') from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$id' and json_extract(value,'\$.original_id')=0")
  if [ -z "$docs" ]; then
    # An order first seen cancelled was never sold: nothing to book.
    [ "$(json_get "$f" '$.status')" = cancelled ] && { echo "no document: cancelled before booking"; return 0; }
    echo "no document (total $total)"
    return 1
  fi
  local refunds credits
  refunds=$(sqlite3 :memory: "select coalesce(sum(cast(replace(json_extract(value,'\$.total'),'.','') as int)),0) from json_each(readfile('$f'),'\$.refunds')")
  credits=$(sqlite3 :memory: "select coalesce(sum(json_extract(value,'\$.gross')),0) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.external_id')='$id' and json_extract(value,'\$.original_id')>0")
  # Cancelled after payment: the sale and its payment are booked and a
  # credit note takes back the whole of it.
  if [ "$(json_get "$f" '$.status')" = cancelled ] && [ -n "$(json_get "$f" '$.date_paid_gmt')" ]; then
    refunds=$((-total))
  fi
  [ "$refunds" = "$credits" ] || { echo "refunds $refunds but credit notes $credits"; return 1; }
  [ "$refunds" = 0 ] || echo -n "credit notes $credits = refunds; "
  IFS='|' read -r type status gross reason <<< "$docs"
  if [ "$gross" = "$total" ]; then
    echo "$type $status gross $gross = total"
  elif [ "$status" = draft ] && printf '%s' "$reason" | grep -qi "total\|gross"; then
    echo "$type draft: $reason"
  else
    echo "$type $status gross $gross != total $total, reason '$reason'"
    return 1
  fi
}

for dir in "$FIXTURES"/*/; do
  store=$(basename "$dir")
  write_store_tenant "$store"
done
check "config check passes" "${SLX[@]}" config check
for f in "$FIXTURES"/*/orders/*.json; do
  store=$(basename "$(dirname "$(dirname "$f")")")
  name="$store/$(basename "$f" .json)"
  out=$(case_result "$store" "$f")
  rc=$?
  echo "     $name: $out"
  check "fixture $name" test "$rc" = 0
done
for dir in "$FIXTURES"/*/; do
  store=$(basename "$dir")
  "${SLX[@]}" ledger trial-balance "$store" --json > "$SL_TMP/tb.json"
  check "trial balance of $store is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
    "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
done
finish

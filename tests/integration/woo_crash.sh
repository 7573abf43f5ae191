#!/usr/bin/env bash
# WooCommerce: kill -9 of `serve` during a burst of webhooks (the shop's own
# deliveries plus concurrent signed replays), then a restart, the webhooks
# pointed at the new port and a poll: every order is booked exactly once
# and the trial balance is zero. Every wait is bounded.
source "$(dirname "$0")/lib.bash"
source "$SL_SOURCE_DIR/tests/integration/data/woo/lib.bash"
N=40

need "sandbox starts" start_sandbox "$(empty_seed)"
write_tenant
need "products and stock import" import_stock
need "serve starts" start_serve "$SL_PLUGIN_DIR"
need "shop webhooks point at serve" point_webhooks

sign_post() { # FILE
  local sig
  sig=$(openssl dgst -sha256 -hmac "$WOO_HOOK_SECRET" -binary "$1" | base64)
  curl -s -o /dev/null --max-time 20 -X POST -H 'Content-Type: application/json' \
    -H 'X-WC-Webhook-Topic: order.updated' -H 'X-WC-Webhook-Resource: order' \
    -H 'X-WC-Webhook-Event: updated' -H 'X-WC-Webhook-ID: 2' \
    -H "X-WC-Webhook-Signature: $sig" --data-binary @"$1" "http://127.0.0.1:$PORT/hooks/shop/woo"
}

IDS=()
BURST=()
for ((i = 0; i < N; i++)); do
  id=$(new_order cod processing $((10 + i % 3)) 1) && IDS+=("$id")
  cp "$SL_TMP/order.json" "$SL_TMP/burst-$i.json"
  sign_post "$SL_TMP/burst-$i.json" &
  BURST+=($!)
done
check "the shop took $N orders" eq "${#IDS[@]}" "$N"
sleep 0.2
kill -9 "$SERVE_PID"
for j in "${BURST[@]}"; do wait "$j" 2>/dev/null; done
wait "$SERVE_PID" 2>/dev/null
need "serve restarts" start_serve "$SL_PLUGIN_DIR"
need "webhooks point at the new port" point_webhooks
REPLAYS=()
for ((i = 0; i < N; i += 4)); do sign_post "$SL_TMP/burst-$i.json" > /dev/null & REPLAYS+=($!); done
for j in "${REPLAYS[@]}"; do wait "$j"; done
check "admin poll is queued and runs" admin_poll_ok "$WOO_ADMIN" shop woo
check "every order is booked" wait_true 40 docs_are "$N"
check "each exactly once" eq \
  "$(q "select count(distinct json_extract(value,'\$.external_id')) from json_each(readfile('$SL_TMP/docs.json'))")" "$N"
check "all posted" eq \
  "$(q "select count(*) from json_each(readfile('$SL_TMP/docs.json')) where json_extract(value,'\$.status')='posted'")" "$N"
admin "http://127.0.0.1:$ADMIN_PORT/admin/shop/trial-balance" > "$SL_TMP/tb.json"
check "trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
check "SIGTERM stops serve cleanly" stop_serve
finish

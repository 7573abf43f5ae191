#!/usr/bin/env bash
# Prints figures, never pass/fail: the reference raw receiver, an older
# build's serve and this build's serve (intake only, then booking in the
# same process), alternated ROUNDS times with the same distinct, signed
# WooCommerce deliveries, so a shared machine's noise hits each alike.
#   bench/webhook_alternate.sh NEW_BENCH_WEBHOOK [OLD_BENCH_WEBHOOK] [ROUNDS] [ORDERS] [CONNS]
# e.g. bench/webhook_alternate.sh build/bench/bench_webhook /tmp/old/build/bench/bench_webhook
set -uo pipefail
NEW=${1:?usage: webhook_alternate.sh NEW_BENCH_WEBHOOK [OLD_BENCH_WEBHOOK] [ROUNDS] [ORDERS] [CONNS]}
OLD=${2:-}
ROUNDS=${3:-3}
ORDERS=${4:-8000}
CONNS=${5:-64}
rate() { grep -oE "[0-9]+ (orders|deliveries)/s, request p50 [0-9.]+ ms, p99 [0-9.]+ ms" | head -1; }
for ((r = 1; r <= ROUNDS; r++)); do
  echo "== round $r"
  echo "raw receiver: $("$NEW" "$ORDERS" "$CONNS" woo raw-http 2>/dev/null | rate)"
  [ -n "$OLD" ] && echo "old serve:    $("$OLD" "$ORDERS" "$CONNS" woo 2>/dev/null | tee /tmp/wa.$$ | rate)  $(grep -o 'MHD-worker [0-9]* us' /tmp/wa.$$)"
  echo "new serve:    $("$NEW" "$ORDERS" "$CONNS" woo 2>/dev/null | tee /tmp/wa.$$ | rate)  $(grep -o 'MHD-worker [0-9]* us' /tmp/wa.$$)"
  echo "new + booking: $("$NEW" "$ORDERS" "$CONNS" woo book 2>/dev/null | tee /tmp/wa.$$ | rate)  $(grep -o 'booked [0-9.]* s after' /tmp/wa.$$)"
done
rm -f /tmp/wa.$$

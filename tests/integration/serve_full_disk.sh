#!/usr/bin/env bash
# A full disk is a passing outage, never a loss: the tenant's database
# lives on a small tmpfs of its own (a private mount namespace, gone with
# the test). Filled up, a delivery is answered 503 with nothing stored,
# health says the tenant fails to store because the disk is full (and,
# before that, that its volume is below the reserve it needs) while a
# second tenant on another volume goes on taking orders; once space is
# freed the shop's retry is 200 and every acknowledged order is booked
# exactly once with a zero trial balance.
if [ -z "${SL_FULL_DISK_NS:-}" ]; then
  export SL_FULL_DISK_NS=1
  if [ "$(id -u)" = 0 ]; then
    exec unshare --mount --propagation private bash "$0" "$@"
  fi
  exec unshare --map-root-user --mount bash "$0" "$@"
fi
source "$(dirname "$0")/lib.bash"
DATA="$SL_SOURCE_DIR/tests/integration/data/testshop"
CONF="$SL_TMP/conf.d"
DISK="$SL_TMP/disk"
mkdir -p "$CONF" "$SL_TMP/orders" "$DISK"
check "a 6 MB tmpfs for the tenant" mount -t tmpfs -o size=6m tmpfs "$DISK"
# serve first, then the mount, then the files (lib.bash's cleanup).
trap 'for pid in "${SL_PIDS[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
      umount "$DISK" 2>/dev/null; sl_cleanup' EXIT
testshop_secrets
testshop_webhook_tenant "$CONF/shop.ini" shop "$SL_TMP/admin.token" ts
testshop_webhook_tenant "$CONF/other.ini" other "$SL_TMP/admin.token" ts
sed -i "s#^database = .*#database = $DISK/shop.db#" "$CONF/shop.ini"
printf 'approve = yes\nadd_payment = yes\n' | tee -a "$CONF/shop.ini" >> "$CONF/other.ini"

sign() { openssl dgst -sha256 -hmac "whsec-test-1234" -binary "$1" | base64; }
# order N: writes a distinct paid order and prints its path.
order() {
  sed -e "s/\"id\":\"1001\"/\"id\":\"$1\"/" -e "s/\"number\":\"1001\"/\"number\":\"$1\"/" \
    "$DATA/order-1001-paid.json" > "$SL_TMP/o-$1.json"
  echo "$SL_TMP/o-$1.json"
}
# post FILE [TENANT]: prints the HTTP status.
post() {
  curl -s -o /dev/null -w '%{http_code}' --max-time 30 -X POST \
    -H 'Content-Type: application/json' -H "X-Testshop-Signature: $(sign "$1")" \
    --data-binary @"$1" "http://127.0.0.1:$PORT/hooks/${2:-shop}/ts"
}
# tenant_get ID PATH: a field of one tenant's entry in the last health.
tenant_get() {
  sqlite3 :memory: "select json_extract(value, '\$.$2') from
    json_each(readfile('$SL_TMP/health.json'), '\$.tenants') where json_extract(value, '\$.id') = '$1'"
}
health() {
  curl -s --max-time 20 -H 'Authorization: Bearer admin-token-5678' \
    "http://127.0.0.1:$ADMIN_PORT/admin/health" > "$SL_TMP/health.json"
}
# wait_docs N: bounded wait until the ledger holds N documents.
wait_docs() {
  local i
  for ((i = 0; i < 300; i++)); do
    curl -s --max-time 20 -H 'Authorization: Bearer admin-token-5678' \
      "http://127.0.0.1:$ADMIN_PORT/admin/shop/documents" > "$SL_TMP/docs.json"
    [ "$(sqlite3 :memory: "select json_array_length(readfile('$SL_TMP/docs.json'))" \
         2>/dev/null)" = "$1" ] && return 0
    sleep 0.1
  done
  echo "  timed out waiting for $1 documents" >&2
  return 1
}

check "serve starts" start_serve "$SL_TEST_PLUGIN_DIR"
accepted=0
for n in 2001 2002 2003; do [ "$(post "$(order $n)")" = 200 ] && accepted=$((accepted + 1)); done
check "three orders accepted" eq "$accepted" 3
check "and booked" wait_docs 3
health
check "health shows the tenant's storage" bash -c "[ $(tenant_get shop storage.free_bytes) -gt 0 ] && [ $(tenant_get shop storage.database_bytes) -gt 0 ]"
check "with the reserve a tenant needs" eq "$(tenant_get shop storage.reserve_bytes)" $((2 * 2000 * 4096))
check "a 6 MB volume is below it: disk_low, degraded" eq \
  "$(tenant_get shop storage.disk_low)/$(json_get "$SL_TMP/health.json" '$.status')" "1/degraded"

# Fill the volume, then deliver until a commit needs the missing space.
dd if=/dev/zero of="$DISK/filler" bs=64k 2>/dev/null
refused=""
for ((n = 3001; n < 3400; n++)); do
  code=$(post "$(order $n)")
  if [ "$code" = 200 ]; then accepted=$((accepted + 1)); continue; fi
  refused=$n
  break
done
check "a delivery on the full disk is refused" test -n "$refused"
check "with 503, not 413" eq "$code" 503
health
check "health: the tenant fails to store" eq "$(tenant_get shop state)" store_failing
check "because the disk is full" eq "$(tenant_get shop disk_full)" 1
check "overall degraded: the other tenant still stores" eq "$(json_get "$SL_TMP/health.json" '$.status')" degraded
check "and takes its orders meanwhile" eq "$(post "$(order 5001)" other)" 200
# Health reads sizes with stat(2) only: had it opened and closed the
# database file, POSIX would drop serve's locks on it, and this CLI run,
# closing, would think itself the last connection and delete the WAL.
sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" doc list other > /dev/null
check "after health and a CLI read the running tenant keeps its WAL" test -e "$SL_TMP/other.db-wal"
check "the log names the tenant and the full disk" grep -q "shop.*full" "$SL_TMP/serve.log"

rm -f "$DISK/filler"
check "after space is freed the shop's retry is accepted" eq "$(post "$SL_TMP/o-$refused.json")" 200
accepted=$((accepted + 1))
check "and a new order too" eq "$(post "$(order 4001)")" 200
accepted=$((accepted + 1))
check "every acknowledged order booked once" wait_docs "$accepted"
health
check "health is back to ok for the tenant" eq "$(tenant_get shop state)" ok
check "SIGTERM stops cleanly" stop_serve
sl --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" inbox list shop --limit 100000 > "$SL_TMP/inbox.txt"
check "the inbox holds each accepted order once" eq \
  "$(grep -c 'ts' "$SL_TMP/inbox.txt")" "$accepted"
check "the other tenant booked its order" bash -c "'$SHOPLEDGER' --conf '$CONF' --plugins '$SL_TEST_PLUGIN_DIR' doc list other | grep -q 5001"
"$SHOPLEDGER" --conf "$CONF" --plugins "$SL_TEST_PLUGIN_DIR" ledger trial-balance shop --json > "$SL_TMP/tb.json"
check "trial balance is zero" eq "$(json_get "$SL_TMP/tb.json" '$.debit_total')" \
  "$(json_get "$SL_TMP/tb.json" '$.credit_total')"
check "over postings that exist" test "$(json_get "$SL_TMP/tb.json" '$.debit_total')" -gt 0
finish

#!/usr/bin/env bash
# Wrong admin tokens are throttled per address: from one address the
# first 20 wrong tokens are 401, every later request 429 with Retry-After
# (even with the right token); a right token from another address still
# works. The log has one line for the first refusal and one for the block,
# never the token.
source "$(dirname "$0")/lib.bash"
CONF="$SL_TMP/conf.d"
mkdir -p "$CONF" "$SL_TMP/orders"
testshop_secrets
testshop_webhook_tenant "$CONF/ts.ini" ts "$SL_TMP/admin.token" hook
check "serve starts" start_serve "$SL_TEST_PLUGIN_DIR"
URL="http://127.0.0.1:$ADMIN_PORT/admin/health"

# 200 requests with a wrong token over one connection (curl reuses it).
urls=()
for ((i = 0; i < 200; i++)); do urls+=(-o /dev/null "$URL"); done
curl -s -w '%{http_code}\n' --max-time 60 -H 'Authorization: Bearer guess-0000' \
  "${urls[@]}" > "$SL_TMP/codes.txt"
check "200 answers" eq "$(wc -l < "$SL_TMP/codes.txt")" 200
check "the first 20 are 401" eq "$(head -20 "$SL_TMP/codes.txt" | sort -u)" 401
check "the other 180 are 429" eq "$(tail -n +21 "$SL_TMP/codes.txt" | grep -c '^429$')" 180
curl -s -D "$SL_TMP/headers.txt" -o /dev/null --max-time 10 \
  -H 'Authorization: Bearer admin-token-5678' "$URL"
check "the right token from the same address is 429 too" \
  grep -q '^HTTP/1.1 429' "$SL_TMP/headers.txt"
check "with Retry-After within the 60 s block" bash -c \
  "r=\$(tr -d '\r' < '$SL_TMP/headers.txt' | sed -n 's/^Retry-After: //Ip'); [ \"\$r\" -ge 1 ] && [ \"\$r\" -le 60 ]"
check "another address with the right token is answered" eq "$(curl -s -o "$SL_TMP/h.json" \
  -w '%{http_code}' --max-time 10 --interface 127.0.0.2 -H 'Authorization: Bearer admin-token-5678' "$URL")" 200
check "with its tenant" eq "$(json_get "$SL_TMP/h.json" '$.tenants[0].id')" ts
check "one line for the first refusal" eq "$(grep -c 'admin: refused /admin/health from 127.0.0.1' "$SL_TMP/serve.log")" 1
check "one line for the block" eq \
  "$(grep -c 'admin: 20 wrong tokens from 127.0.0.1 within 60 s; answering it 429 for 60 s' "$SL_TMP/serve.log")" 1
check "never the token" bash -c "! grep -q guess-0000 '$SL_TMP/serve.log'"
check "webhooks from that address are not throttled" eq "$(curl -s -o /dev/null -w '%{http_code}' \
  --max-time 10 -X POST --data-binary '{}' "http://127.0.0.1:$PORT/hooks/ts/hook")" 401
check "SIGTERM stops cleanly" stop_serve
finish

#!/usr/bin/env bash
# Mechanical rules, so review can talk about logic: banned functions and
# floating point in money code. Exits 1 listing every hit.
set -uo pipefail
cd "$(dirname "$0")/.."
status=0
dirs=(host sdk plugins include tests/sandbox tests/plugins)
banned='\b(sprintf|vsprintf|strcpy|strcat|atoi|atol|atoll|gets|gmtime|localtime|asctime|ctime)[[:space:]]*\('
if grep -rnE "$banned" --include='*.c' --include='*.h' "${dirs[@]}" 2>/dev/null \
     | grep -vE '^\S+:[0-9]+:\s*(/?\*|//)'; then
  echo "check-style: banned function above (use snprintf, strtol with checks, gmtime_r)"
  status=1
fi
# Money, tax and ledger code never uses floating point.
money_dirs=(host/ledger host/rules host/stock host/masters host/order host/inbox host/payments host/shipments
            host/docout/docout_format.c sdk/money.c)
existing=()
for d in "${money_dirs[@]}"; do [ -e "$d" ] && existing+=("$d"); done
if [ ${#existing[@]} -gt 0 ] && grep -rnE '\b(float|double|long double)\b' --include='*.c' --include='*.h' "${existing[@]}" \
     | grep -vE '^\S+:[0-9]+:\s*(/?\*|//)'; then
  echo "check-style: floating point in money code above"
  status=1
fi
exit $status

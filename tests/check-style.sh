#!/usr/bin/env bash
# Mechanical rules, so review can talk about logic: banned functions,
# floating point in money code, and C formatted by .clang-format (the tree
# is formatted by the tool: `clang-format -i FILE` fixes a file). Exits 1
# listing every hit.
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
# Formatting: every C file git tracks, as .clang-format says.
if command -v clang-format >/dev/null && git rev-parse --git-dir >/dev/null 2>&1; then
  unformatted=$(git ls-files '*.c' '*.h' | while read -r f; do
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || echo "$f"
  done)
  if [ -n "$unformatted" ]; then
    echo "$unformatted"
    echo "check-style: the files above differ from .clang-format (clang-format -i FILE)"
    status=1
  fi
else
  echo "check-style: clang-format or git missing (tests/setup-deps.sh installs clang-format)"
  status=1
fi
exit $status

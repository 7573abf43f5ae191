#!/usr/bin/env bash
# Installs the Debian packages shopledger builds, tests and demos with.
# Safe to run again: it installs only what is missing.
set -euo pipefail
PACKAGES=(build-essential cmake pkg-config git curl openssl valgrind
          libcurl4-openssl-dev libjansson-dev libsqlite3-dev libinih-dev
          libmicrohttpd-dev libssl-dev libcmocka-dev sqlite3
          libxml2-dev python3
          # formatting by tool (tests/check-style.sh)
          clang-format
          # fuzzing (tests/fuzz/run.sh): clang and its libFuzzer runtime
          clang libclang-rt-14-dev
          # documents out: cairo + pango (HarfBuzz) for PDFs; poppler-utils
          # (pdftotext, pdffonts, pdftoppm) for the PDF tests
          libcairo2-dev libpango1.0-dev poppler-utils
          # exports as XLSX (libxlsxwriter 1.1.4; the tests read them back with
          # Python's zipfile)
          libxlsxwriter-dev
          # fonts: Noto Sans (Latin incl. Latvian/Hungarian diacritics) and
          # Noto Naskh/Sans Arabic (Persian) come in fonts-noto-core;
          # fonts-thai-tlwg gives Thai a fallback beside Noto Sans Thai;
          # fonts-dejavu-core is fontconfig's last resort for any symbol
          fonts-noto-core fonts-thai-tlwg fonts-dejavu-core)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "installing: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

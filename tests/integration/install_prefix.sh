#!/usr/bin/env bash
# `cmake --install BUILD --prefix X` puts the host, its plugins (with their
# check specs) and label files under X, and the installed binary finds its
# own plugins there, not the build tree's and not the prefix configured at
# build time; moved as a whole, the tree still works, `plugin check`
# included (the emulators and their data are installed too).
source "$(dirname "$0")/lib.bash"
PFX="$SL_TMP/prefix"
check "cmake --install --prefix installs" \
  bash -c "cmake --install '$SL_BUILD_DIR' --prefix '$PFX' > '$SL_TMP/install.log' 2>&1"
BIN="$PFX/bin/shopledger"
LIBDIR=$(cd "$PFX" && find . -type d -path '*/shopledger/plugins' | head -1)
LIBDIR=${LIBDIR#./} # lib/shopledger/plugins, or lib/<triplet>/... by GNUInstallDirs
check "plugins and their check specs under the prefix" \
  test -f "$PFX/$LIBDIR/woocommerce.so" -a -f "$PFX/$LIBDIR/woocommerce.check.json"
check "label files under the prefix" test -f "$PFX/share/shopledger/labels/en.ini"
# what the installed binary uses when nothing says otherwise
plugin_dir() {
  (cd "$SL_TMP" && env -u SHOPLEDGER_PLUGINS "$1" plugin list --json) > "$SL_TMP/list.json" &&
    json_get "$SL_TMP/list.json" '$.plugin_dir'
}
check "the installed binary lists its own plugins" \
  eq "$(plugin_dir "$BIN")" "$PFX/bin/../$LIBDIR"
loaded() {
  sqlite3 :memory: "select count(*) from json_each(readfile('$SL_TMP/list.json'), '\$.plugins')
                    where json_extract(value, '\$.ok') and json_extract(value, '\$.name') = '$1'"
}
check "it loads the connectors from there" eq "$(loaded woocommerce)$(loaded mellat)" 11
mv "$PFX" "$SL_TMP/moved"
check "a moved tree still finds its plugins" \
  eq "$(plugin_dir "$SL_TMP/moved/bin/shopledger")" "$SL_TMP/moved/bin/../$LIBDIR"
check "the build tree's binary keeps the build tree's plugins" \
  eq "$(plugin_dir "$SHOPLEDGER")" "$SL_BUILD_DIR/plugins"
# plugin check of an installed connector starts the installed emulator with
# the installed data (there is no emulator beside the installed binary)
check "the emulators and their data are installed" \
  test -x "$SL_TMP/moved/libexec/shopledger/sandbox/woo_sandbox" -a \
  -f "$SL_TMP/moved/share/shopledger/sandbox-data/tests/sandbox/foroutel/cities.csv"
for p in woocommerce foroutel; do
  check "plugin check $p passes in the moved install" bash -c \
    "cd '$SL_TMP' && '$SL_TMP/moved/bin/shopledger' plugin check '$SL_TMP/moved/$LIBDIR/$p.so' \
       > '$SL_TMP/check-$p.txt' 2>&1"
done
finish

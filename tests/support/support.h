#ifndef SL_TEST_SUPPORT_H
#define SL_TEST_SUPPORT_H
/* cmocka needs these before its header. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

/* Creates /tmp/sl-TAG-XXXXXX into buf. 0 on success. */
int sl_test_mkdtemp(char *buf, size_t len, const char *tag);
/* Removes a scratch directory and everything below it. */
void sl_test_rmtree(const char *dir);

#include <sys/types.h>

/* A scratch directory for one test, as cmocka setup/teardown state. */
#define SL_TEST_DIR_FILES 16
typedef struct sl_test_dir {
    char dir[64];
    char *files[SL_TEST_DIR_FILES];
    int count;
} sl_test_dir;
int sl_test_dir_setup(void **state);
int sl_test_dir_teardown(void **state);
/* Writes dir/name with `text` and `mode`; the path is owned by d. */
const char *sl_test_put(sl_test_dir *d, const char *name, const char *text, mode_t mode);

struct config_tenant;
/* Loads tenant "unit" (EUR) with one channel "shop" on the testshop
   plugin plus `channel_lines`, its database at db_path; fails the test
   when the INI is refused. Free with config_tenant_free. */
struct config_tenant *sl_test_tenant(const char *db_path, const char *channel_lines);
/* Removes a SQLite database and its -wal and -shm files. */
void sl_test_remove_db(const char *db_path);
#endif

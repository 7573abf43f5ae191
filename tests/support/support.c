/*
 * Shared test helpers: scratch directories under /tmp that tests create in
 * setup and remove, whole, in teardown.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "support.h"

#include "config/config.h"
#include "shopledger/sdkutil.h"

int sl_test_mkdtemp(char *buf, size_t len, const char *tag)
{
    int n = snprintf(buf, len, "/tmp/sl-%s-XXXXXX", tag);
    if (n < 0 || (size_t)n >= len)
        return -1;
    return mkdtemp(buf) ? 0 : -1;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

void sl_test_rmtree(const char *dir)
{
    /* Depth first, without following symlinks; bounded by the tree. */
    nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

int sl_test_dir_setup(void **state)
{
    sl_test_dir *d = calloc(1, sizeof *d);
    assert_non_null(d);
    assert_int_equal(sl_test_mkdtemp(d->dir, sizeof d->dir, "dir"), 0);
    *state = d;
    return 0;
}

int sl_test_dir_teardown(void **state)
{
    sl_test_dir *d = *state;
    for (int i = 0; i < d->count; i++)
        free(d->files[i]);
    sl_test_rmtree(d->dir);
    free(d);
    return 0;
}

const char *sl_test_put(sl_test_dir *d, const char *name, const char *text, mode_t mode)
{
    assert_true(d->count < SL_TEST_DIR_FILES);
    size_t n = strlen(d->dir) + strlen(name) + 2;
    char *path = malloc(n);
    assert_non_null(path);
    snprintf(path, n, "%s/%s", d->dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
    d->files[d->count++] = path;
    return path;
}

struct config_tenant *sl_test_tenant(const char *db_path, const char *channel_lines)
{
    char ini[64];
    snprintf(ini, sizeof ini, "tenant-%d.ini", (int)getpid());
    FILE *fp = fopen(ini, "w");
    assert_non_null(fp);
    fprintf(fp,
            "[tenant]\nid = unit\ncurrency = EUR\ndatabase = %s\n\n"
            "[channel:shop]\nplugin = testshop\n%s",
            db_path, channel_lines);
    fclose(fp);
    config_tenant *t = NULL;
    sl_error err = {.size = sizeof err};
    if (config_load_file(ini, &t, &err) != SL_OK)
        fail_msg("%s", err.message);
    unlink(ini);
    return t;
}

void sl_test_remove_db(const char *db_path)
{
    char p[4096];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
}

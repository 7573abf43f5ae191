/*
 * Shared test helpers: scratch directories under /tmp that tests create in
 * setup and remove, whole, in teardown.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <stdio.h>
#include <unistd.h>

#include "support.h"

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

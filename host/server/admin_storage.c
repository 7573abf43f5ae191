/*
 * The storage figures of a tenant in /admin/health: how big its database
 * and WAL are, how much the volume holding them has free, and how much it
 * must keep free to go on committing.
 *
 * Why a reserve: a commit appends to the WAL, and the checkpointer copies
 * up to CHECKPOINT_PAGES of it into the database file, which may grow the
 * database by as many pages. A tenant whose volume has less free than that
 * can fail its next commit (answered 503, nothing lost) and may not recover
 * until space is freed; health says so before it happens ("disk_low").
 *
 * Only stat(2) and statvfs(3): health never touches a tenant's connection,
 * and never opens the database file itself. (A close(2) of any descriptor
 * of that file drops every POSIX lock this process holds on it, SQLite's
 * too; another process closing its connection then thinks it is the last
 * one and deletes the WAL under the running serve.)
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "server/server_int.h"

static int64_t file_bytes(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int admin_storage(const char *database, int64_t page_size, admin_storage_figures *out)
{
    memset(out, 0, sizeof *out);
    char wal[4096];
    if (snprintf(wal, sizeof wal, "%s-wal", database) >= (int)sizeof wal)
        return -1;
    out->database_bytes = file_bytes(database);
    out->wal_bytes = file_bytes(wal);
    out->reserve_bytes = 2 * checkpoint_reserve_pages() * (page_size > 0 ? page_size : 4096);
    struct statvfs vfs;
    if (statvfs(database, &vfs) != 0)
        return -1;
    out->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    out->low = out->free_bytes < out->reserve_bytes;
    return 0;
}

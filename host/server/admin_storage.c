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
 * Only stat(2), statvfs(3) and the database header are read: health never
 * touches a tenant's connection.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "server/server_int.h"

/* SQLite's page size from the database header (bytes 16-17, big-endian,
   1 meaning 65536); SQLite's default when the file is new or unreadable. */
static int64_t header_page_size(const char *path)
{
    unsigned char header[18];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 4096;
    ssize_t got = pread(fd, header, sizeof header, 0);
    close(fd);
    if (got != (ssize_t)sizeof header)
        return 4096;
    int64_t size = ((int64_t)header[16] << 8) | header[17];
    return size == 1 ? 65536 : size >= 512 ? size : 4096;
}

static int64_t file_bytes(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int admin_storage(const char *database, admin_storage_figures *out)
{
    memset(out, 0, sizeof *out);
    char wal[4096];
    if (snprintf(wal, sizeof wal, "%s-wal", database) >= (int)sizeof wal)
        return -1;
    out->database_bytes = file_bytes(database);
    out->wal_bytes = file_bytes(wal);
    out->reserve_bytes = 2 * checkpoint_reserve_pages() * header_page_size(database);
    struct statvfs vfs;
    if (statvfs(database, &vfs) != 0)
        return -1;
    out->free_bytes = (int64_t)vfs.f_bavail * (int64_t)vfs.f_frsize;
    out->low = out->free_bytes < out->reserve_bytes;
    return 0;
}

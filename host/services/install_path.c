/*
 * Where the running binary's install tree is. An installed shopledger
 * finds its plugins and label files beside itself, relative to its own
 * location (PREFIX/bin/shopledger -> PREFIX/lib/shopledger/plugins), so
 * `cmake --install --prefix X` and a tree moved as a whole work; the
 * prefix compiled in is only the last resort. GNUInstallDirs' relative
 * BINDIR says how many levels the binary sits below the prefix.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "services/services.h"

int services_exe_dir(char *buf, size_t cap)
{
    if (cap < 2)
        return -1;
    ssize_t n = readlink("/proc/self/exe", buf, cap - 1);
    if (n <= 0 || (size_t)n >= cap - 1)
        return -1;
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash == NULL)
        return -1;
    if (slash == buf)
        slash[1] = '\0'; /* the binary is in / */
    else
        *slash = '\0';
    return 0;
}

/* How many path components `rel` ("bin", "sbin/x") has. */
static int depth_of(const char *rel)
{
    int d = 0;
    for (const char *p = rel; *p;) {
        size_t n = strcspn(p, "/");
        d += n > 0 && !(n == 1 && p[0] == '.');
        p += n;
        p += *p == '/';
    }
    return d;
}

int services_installed_dir(const char *rel, char *buf, size_t cap)
{
    char exe[4096];
    if (services_exe_dir(exe, sizeof exe) != 0)
        return -1;
    size_t used = (size_t)snprintf(buf, cap, "%s", exe);
    for (int i = depth_of(SL_INSTALL_BINDIR_REL); i > 0 && used < cap; i--)
        used += (size_t)snprintf(buf + used, cap - used, "/..");
    if (used < cap)
        used += (size_t)snprintf(buf + used, cap - used, "/%s", rel);
    if (used >= cap)
        return -1;
    struct stat st;
    return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -1;
}

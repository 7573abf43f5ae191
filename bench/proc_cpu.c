/*
 * CPU time from /proc/PID/stat and /proc/PID/task/TID/stat (fields 14 and
 * 15, after the parenthesised name, which may hold spaces).
 */
#include "proc_cpu.h"

#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

/* CPU seconds recorded in a stat file, and its name into name[16]. */
static double stat_cpu_s(const char *path, char name[16])
{
    char text[1024];
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return 0;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    char *open = strchr(text, '('), *close = strrchr(text, ')');
    unsigned long long ut = 0, st = 0;
    if (open == NULL || close == NULL || close < open ||
        sscanf(close + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu", &ut, &st) != 2)
        return 0;
    if (name != NULL) {
        size_t len = (size_t)(close - open - 1);
        len = len < 15 ? len : 15;
        memcpy(name, open + 1, len);
        name[len] = '\0';
    }
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

double process_cpu_s(pid_t pid)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    return stat_cpu_s(path, NULL);
}

double own_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
           (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

static void add(thread_cpu *t, const char *name, double secs)
{
    for (int i = 0; i < t->count; i++)
        if (strcmp(t->name[i], name) == 0) {
            t->secs[i] += secs;
            return;
        }
    if (t->count == PROC_CPU_MAX_NAMES)
        return;
    snprintf(t->name[t->count], sizeof t->name[0], "%s", name);
    t->secs[t->count++] = secs;
}

void threads_cpu(pid_t pid, thread_cpu *out)
{
    memset(out, 0, sizeof *out);
    char dir[64];
    snprintf(dir, sizeof dir, "/proc/%d/task", (int)pid);
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char path[600], name[16] = "";
        if (snprintf(path, sizeof path, "%s/%.256s/stat", dir, e->d_name) >= (int)sizeof path)
            continue;
        double secs = stat_cpu_s(path, name);
        if (name[0] != '\0')
            add(out, name, secs);
    }
    closedir(d);
}

double thread_cpu_delta(const thread_cpu *before, const thread_cpu *after, const char *name)
{
    double a = 0, b = 0;
    for (int i = 0; i < after->count; i++)
        if (strcmp(after->name[i], name) == 0)
            a = after->secs[i];
    for (int i = 0; i < before->count; i++)
        if (strcmp(before->name[i], name) == 0)
            b = before->secs[i];
    return a - b;
}

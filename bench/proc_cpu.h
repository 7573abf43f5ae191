/*
 * proc_cpu.c: CPU time of processes and of their threads by name, read
 * from /proc, for the benchmarks' per-order CPU figures.
 */
#ifndef SL_BENCH_PROC_CPU_H
#define SL_BENCH_PROC_CPU_H

#include <sys/types.h>

#define PROC_CPU_MAX_NAMES 12

/* CPU seconds (user + system) of threads grouped by their name. */
typedef struct thread_cpu {
    char name[PROC_CPU_MAX_NAMES][16];
    double secs[PROC_CPU_MAX_NAMES];
    int count;
} thread_cpu;

/* CPU seconds process `pid` has used so far. */
double process_cpu_s(pid_t pid);
/* CPU seconds this process has used so far. */
double own_cpu_s(void);
/* Reads the CPU seconds of each of pid's threads, summed per name. */
void threads_cpu(pid_t pid, thread_cpu *out);
/* The seconds `name` used between two readings (0 when unseen). */
double thread_cpu_delta(const thread_cpu *before, const thread_cpu *after, const char *name);

#endif

/*
 * A per-call arena: many small allocations, one release. Plugins receive
 * arena memory for everything the host hands out during a call, so they
 * never free host memory and a forgotten pointer cannot leak past the call.
 */
#ifndef SL_ARENA_H
#define SL_ARENA_H

#include <stddef.h>

typedef struct arena_chunk arena_chunk;
typedef struct arena {
    arena_chunk *head;
    size_t total; /* bytes handed out since the last reset */
    size_t limit; /* refuse beyond this (a runaway plugin) */
} arena;

void arena_init(arena *a, size_t limit);
/* Zeroed memory aligned for any type, or NULL past the limit / OOM. */
void *arena_alloc(arena *a, size_t n);
char *arena_strdup(arena *a, const char *s);
char *arena_strndup(arena *a, const char *s, size_t n);
/* Forgets everything handed out (keeping one chunk for reuse); the arena
   is reusable afterwards. */
void arena_reset(arena *a);
/* Frees every chunk (before the arena itself goes away). */
void arena_release(arena *a);

#endif

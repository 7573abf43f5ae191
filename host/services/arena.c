/*
 * Arena: a singly linked list of chunks. Large requests get a chunk of
 * their own so one big response body does not waste a standard chunk.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "services/arena.h"

#define ARENA_CHUNK 16384
#define ARENA_ALIGN 16

struct arena_chunk {
    arena_chunk *next;
    size_t used, cap;
    _Alignas(ARENA_ALIGN) unsigned char data[];
};

void arena_init(arena *a, size_t limit)
{
    a->head = NULL;
    a->total = 0;
    a->limit = limit;
}

static arena_chunk *chunk_new(size_t cap)
{
    arena_chunk *c = malloc(sizeof *c + cap);
    if (c == NULL)
        return NULL;
    c->next = NULL;
    c->used = 0;
    c->cap = cap;
    return c;
}

void *arena_alloc(arena *a, size_t n)
{
    size_t need = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (need < n || a->total + need > a->limit)
        return NULL;
    arena_chunk *c = a->head;
    if (c == NULL || c->cap - c->used < need) {
        c = chunk_new(need > ARENA_CHUNK ? need : ARENA_CHUNK);
        if (c == NULL)
            return NULL;
        c->next = a->head;
        a->head = c;
    }
    void *p = c->data + c->used;
    c->used += need;
    a->total += need;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p = arena_alloc(a, n + 1);
    if (p != NULL) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

char *arena_strdup(arena *a, const char *s)
{
    return s ? arena_strndup(a, s, strlen(s)) : NULL;
}

/* Keeps one standard chunk: a channel's context is reset around every
   plugin call, and freeing and re-allocating the same 16 KB per webhook
   made the allocator hand memory back to the kernel and take it again. */
void arena_reset(arena *a)
{
    arena_chunk *keep = NULL, *c = a->head;
    while (c != NULL) {
        arena_chunk *next = c->next;
        if (keep == NULL && c->cap == ARENA_CHUNK) {
            keep = c;
            keep->next = NULL;
            keep->used = 0;
        } else {
            free(c);
        }
        c = next;
    }
    a->head = keep;
    a->total = 0;
}

void arena_release(arena *a)
{
    arena_reset(a);
    free(a->head);
    a->head = NULL;
}

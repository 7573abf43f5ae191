/*
 * Wrong admin tokens per client address: after ADMIN_THROTTLE_LIMIT wrong
 * tokens from one address within a window, that address is answered 429
 * with Retry-After until ADMIN_THROTTLE_BLOCK_MS have passed, whatever
 * token it sends (guessing stays slow); other addresses are not touched.
 * Logging is one line per address and window (the first refusal, then the
 * block), never the token, so a flood cannot flood the log either.
 * A fixed table (ADMIN_THROTTLE_SLOTS addresses, the stalest reused):
 * its memory does not grow with an attacker's addresses.
 */
#ifndef SL_SERVER_ADMIN_THROTTLE_H
#define SL_SERVER_ADMIN_THROTTLE_H

#include <pthread.h>
#include <stdint.h>

#define ADMIN_THROTTLE_LIMIT 20 /* wrong tokens per window */
#define ADMIN_THROTTLE_WINDOW_MS 60000
#define ADMIN_THROTTLE_BLOCK_MS 60000
#define ADMIN_THROTTLE_SLOTS 256

typedef struct admin_throttle_slot {
    uint32_t addr; /* IPv4, host order; 0 = free */
    int64_t window_start_ms;
    int wrong; /* wrong tokens in the window */
    int64_t blocked_until_ms;
} admin_throttle_slot;

typedef struct admin_throttle {
    pthread_mutex_t lock;
    admin_throttle_slot slots[ADMIN_THROTTLE_SLOTS];
} admin_throttle;

void admin_throttle_init(admin_throttle *t);
void admin_throttle_destroy(admin_throttle *t);
/* Seconds (rounded up, >= 1) until `addr` may try again, 0 when it may now. */
int admin_throttle_wait_s(admin_throttle *t, uint32_t addr, int64_t now_ms);

enum admin_throttle_verdict {
    ADMIN_THROTTLE_QUIET = 0, /* counted; already logged this window */
    ADMIN_THROTTLE_LOG_FIRST, /* the window's first refusal: log it */
    ADMIN_THROTTLE_LOG_BLOCK  /* this one reached the limit: log the block */
};
/* Counts a wrong token from `addr`. */
enum admin_throttle_verdict admin_throttle_wrong(admin_throttle *t, uint32_t addr, int64_t now_ms);

#endif

/*
 * Helpers shared by the inbox's own files only.
 */
#ifndef SL_INBOX_INTERNAL_H
#define SL_INBOX_INTERNAL_H

#include "store/store.h"

/* Opens a transaction unless the caller has one (*own says which). */
int inbox_tx_open(store *s, int *own, sl_error *err);
/* Commits (rc == SL_OK) or rolls back a transaction inbox_tx_open opened;
   leaves the caller's own transaction alone. Returns the final code. */
int inbox_tx_close(store *s, int own, int rc, sl_error *err);

#endif

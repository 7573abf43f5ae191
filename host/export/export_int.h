/*
 * Inside export/: what one running export carries (the sheet, its
 * progress, the zone) and the pieces each export file uses.
 */
#ifndef SL_EXPORT_INT_H
#define SL_EXPORT_INT_H

#include "export/export.h"

typedef struct export_ctx {
    const export_request *rq;
    docout_sheet *sh;
    int64_t done, total;
    sl_error *err;
} export_ctx;

/* export_zone.c: the tenant's zone as the process TZ while an export runs. */
typedef struct export_zone {
    char *saved; /* TZ before, malloc'd; NULL when it was unset */
} export_zone;
int export_zone_enter(const char *tz, export_zone *z, sl_error *err);
void export_zone_leave(export_zone *z);
/* UTC ms as civil time in the entered zone; 0 on success. */
int export_civil(int64_t utc_ms, docout_civil *out);
/* Local midnight starting day "YYYY-MM-DD" (export_day_valid), in UTC ms. */
int export_day_start(const char *day, int64_t *utc_ms);
/* The calendar day after `day` into next ("YYYY-MM-DD"); 0 on success.
   (--to is inclusive: the range ends at the next day's local midnight,
   which is not always 24 hours later.) */
int export_next_day(const char *day, char next[16]);

/* A time cell in the tenant's zone; an empty cell for 0. */
void export_time_cell(export_ctx *x, int64_t utc_ms);
/* Ends the row, counts it and reports progress; nonzero stops the walk
   (the sheet's error is in x->err). */
int export_row_done(export_ctx *x);

/* export_orders.c, export_ledger.c: the columns and the walk of each. */
int export_orders(store *s, export_ctx *x, int64_t from_ms, int64_t to_ms);
int export_documents(store *s, export_ctx *x, int64_t from_ms, int64_t to_ms);
int export_journal(store *s, export_ctx *x, int64_t from_ms, int64_t to_ms);
extern const docout_column export_order_columns[];
extern const size_t export_order_column_count;
extern const docout_column export_document_columns[];
extern const size_t export_document_column_count;
extern const docout_column export_journal_columns[];
extern const size_t export_journal_column_count;

#endif

/*
 * Inside export/: what one running export carries (the sheet, its
 * progress, the zone) and the pieces each export file uses.
 */
#ifndef SL_EXPORT_INT_H
#define SL_EXPORT_INT_H

#include "export/export.h"
#include "services/services.h"

typedef struct export_ctx {
    const export_request *rq;
    docout_sheet *sh;
    int64_t done, total;
    sl_error *err;
    const services_zone *zone; /* the tenant's, entered for the walk */
} export_ctx;

/* export_zone.c: days and times in the tenant's zone (entered by
   export_run through services/local_time.c, the one place TZ changes). */
/* UTC ms as civil time in zone z; 0 on success. */
int export_civil(const services_zone *z, int64_t utc_ms, docout_civil *out);
/* Local midnight starting day "YYYY-MM-DD" (export_day_valid) in zone z,
   in UTC ms; 0 on success. */
int export_day_start(const services_zone *z, const char *day, int64_t *utc_ms);
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

/*
 * Exports: orders, documents and the journal as one CSV or XLSX file each,
 * every matching row (not a page), streamed: the inbox and the ledger hand
 * over one row at a time (inbox_export.h, ledger_export.h) and the sheet
 * writer (docout_sheet.h) keeps nothing per row, so memory does not grow
 * with the export (bench/bench_export.c measures it).
 *
 * Times are shown in the tenant's time zone ([tenant] timezone, UTC by
 * default); --from/--to days are days of that zone, both inclusive. Money
 * is exact decimal text in CSV and a number with the currency's decimals
 * as its format in XLSX. A Persian tenant ([documents] language = fa)
 * gets a right-to-left sheet.
 *
 * Column order, one table per export. It stays stable: a column is only
 * ever appended, never moved, renamed or dropped (README "Exports").
 *
 * orders (one row per order, its current revision; filter on the order
 * date, or the registration date when the shop gives none):
 *   order_number       the shop's order number
 *   shop_order_id      the shop's id of the order (external id)
 *   channel
 *   order_date         when the shop says the order was made (empty if not)
 *   registered_date    when the order first reached the inbox
 *   order_status       the shop's own status word
 *   status_normalized  the DESIGN.md vocabulary word
 *   inbox_state        received, processed, draft, failed, dead
 *   tracking_code      (shipments: empty until host/shipments fills it)
 *   shipping_status    (shipments: idem)
 *   currency
 *   total, total_tax, shipping_total, discount_total   the shop's figures
 *   paid               paid on the order's document (refunds subtracted)
 *   payment_method     the shop's method id (e.g. bacs)
 *   payment_reference  the shop's transaction id
 *   discount_code      the discount lines' codes, comma separated
 *   customer_name, customer_company, customer_email
 *   document_number, document_type, document_status   (empty: no document)
 *
 * documents (one row per ledger document; filter on its creation):
 *   number, type, status, channel, shop_order_id, order_number,
 *   issue_date, currency, net, tax, gross, paid, customer_name,
 *   customer_email
 *
 * journal (one row per posting; filter on the posting's time, channel and
 * status of its document):
 *   posting_id, date, document_number, document_type, document_status,
 *   channel, shop_order_id, order_number, account, debit, credit,
 *   currency, tax_group, payment_kind, payment_reference, memo
 *
 * Not thread-safe: the run sets the process's TZ to the tenant's zone for
 * its duration (the CLI and the bench run one export per process).
 */
#ifndef SL_EXPORT_H
#define SL_EXPORT_H

#include <stdint.h>

#include "config/config.h"
#include "docout/docout_sheet.h"
#include "store/store.h"

enum export_kind { EXPORT_ORDERS = 1, EXPORT_DOCUMENTS, EXPORT_JOURNAL };

/* Progress is reported every EXPORT_PROGRESS_EVERY rows and once at the end. */
#define EXPORT_PROGRESS_EVERY 1000

typedef struct export_request {
    int kind;             /* enum export_kind */
    int format;           /* enum docout_sheet_format */
    int bom;              /* CSV: UTF-8 byte-order mark first */
    const char *path;     /* the file written (truncated) */
    const char *from_day; /* "YYYY-MM-DD" in the tenant's zone, or NULL */
    const char *to_day;   /* inclusive, or NULL */
    const char *channel;  /* NULL = every channel */
    const char *status;   /* NULL = every status */
    void (*progress)(void *data, int64_t done, int64_t total); /* may be NULL */
    void *progress_data;
} export_request;

typedef struct export_summary {
    int64_t rows;  /* rows written, header not counted */
    int64_t total; /* rows that matched when the export began */
} export_summary;

/* The kind for "orders", "documents", "journal"; 0 when unknown. */
int export_kind_parse(const char *name);
/* Is text a real calendar day written YYYY-MM-DD? */
int export_day_valid(const char *text);

/* Writes the export rq asks for from store s of tenant t. SL_EINVALID
   naming the field (from, to, format, timezone); the sheet's errors
   (SL_EIO naming the output, SL_ETOOBIG past XLSX's row limit); a store
   error. The file is complete only on SL_OK. */
int export_run(store *s, const config_tenant *t, const export_request *rq, export_summary *out,
               sl_error *err);

#endif

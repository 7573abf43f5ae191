/*
 * Exports read the inbox with one prepared statement stepped row by row
 * (nothing accumulates); each row's normalized JSON is parsed, read and
 * freed before the next.
 *
 * The filter looks into the stored JSON for the order date and status.
 * `->>` is the one SQLite-specific spelling here (3.38+); on PostgreSQL it
 * becomes `normalized::jsonb ->> 'created_ms'`, the same operator.
 */
#include "inbox/inbox_export.h"

#include <string.h>

#include <jansson.h>
#include <sqlite3.h>

#include "shopledger/sdkutil.h"

#define ORDER_DAY "COALESCE(r.normalized ->> '$.created_ms', i.received_ms)"
#define FROM_WHERE                                                                                 \
    " FROM inbox_items i JOIN inbox_revisions r ON r.id = i.current_revision"                      \
    " WHERE (?1 = 0 OR " ORDER_DAY " >= ?1) AND (?2 = 0 OR " ORDER_DAY " < ?2)"                    \
    " AND (?3 IS NULL OR i.channel = ?3)"                                                          \
    " AND (?4 IS NULL OR r.normalized ->> '$.status' = ?4"                                         \
    "      OR r.normalized ->> '$.status_normalized' = ?4)"

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_filter(sqlite3_stmt *st, const inbox_export_filter *f)
{
    sqlite3_bind_int64(st, 1, f->from_ms);
    sqlite3_bind_int64(st, 2, f->to_ms);
    bind_text_or_null(st, 3, f->channel);
    bind_text_or_null(st, 4, f->status);
}

static int count_rows(store *s, const inbox_export_filter *f, int64_t *total, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s, "SELECT COUNT(*)" FROM_WHERE, err);
    if (st == NULL)
        return err->code;
    bind_filter(st, f);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *total = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? SL_OK : store_error(s, rc, err);
}

static const char *str(const json_t *j, const char *key)
{
    const char *v = json_string_value(json_object_get(j, key));
    return v ? v : "";
}

static int64_t num(const json_t *j, const char *key)
{
    return (int64_t)json_integer_value(json_object_get(j, key));
}

/* The codes of the order's discount lines (coupon codes; the line's name
   when it has no code), joined by ", " and cut at the buffer's end. */
static void discount_codes(const json_t *lines, char *out, size_t cap)
{
    size_t used = 0, i;
    const json_t *l;
    out[0] = '\0';
    json_array_foreach(lines, i, l)
    {
        if (strcmp(str(l, "kind"), "discount") != 0)
            continue;
        const char *code = *str(l, "method_id") ? str(l, "method_id") : str(l, "name");
        int n = snprintf(out + used, cap - used, "%s%s", used ? ", " : "", code);
        if (n < 0 || (size_t)n >= cap - used)
            return; /* cut: snprintf left it terminated */
        used += (size_t)n;
    }
}

/* The order's own name fields, else the billing address's. */
static const char *person(const json_t *j, const json_t *billing, const char *key)
{
    return *str(j, key) ? str(j, key) : str(billing, key);
}

static int fill(sqlite3_stmt *st, const json_t *j, inbox_export_order *o)
{
    const json_t *billing = json_object_get(j, "billing");
    *o = (inbox_export_order){
        .item_id = sqlite3_column_int64(st, 0),
        .channel = (const char *)sqlite3_column_text(st, 1),
        .external_id = (const char *)sqlite3_column_text(st, 2),
        .state = (const char *)sqlite3_column_text(st, 3),
        .received_ms = sqlite3_column_int64(st, 4),
        .created_ms = num(j, "created_ms"),
        .number = str(j, "number"),
        .status = str(j, "status"),
        .status_normalized = str(j, "status_normalized"),
        .currency = str(j, "currency"),
        .exponent = (int)num(j, "exponent"),
        .total = num(j, "total"),
        .total_tax = num(j, "total_tax"),
        .shipping_total = num(j, "shipping_total"),
        .discount_total = num(j, "discount_total"),
        .payment_method = str(j, "payment_method"),
        .transaction_id = str(j, "transaction_id"),
        .first_name = person(j, billing, "first_name"),
        .last_name = person(j, billing, "last_name"),
        .company = person(j, billing, "company"),
        .email = person(j, billing, "email"),
    };
    discount_codes(json_object_get(j, "lines"), o->discount_codes, sizeof o->discount_codes);
    return o->channel && o->external_id && o->state ? 0 : -1;
}

int inbox_export_orders(store *s, const inbox_export_filter *f, int64_t *total,
                        int (*row)(void *data, const inbox_export_order *o), void *data,
                        sl_error *err)
{
    if (total && count_rows(s, f, total, err) != SL_OK)
        return err->code;
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT i.id, i.channel, i.external_id, i.state, i.received_ms,"
                                  " r.normalized" FROM_WHERE " ORDER BY i.id",
                                  err);
    if (st == NULL)
        return err->code;
    bind_filter(st, f);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        json_t *j = json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL);
        inbox_export_order o;
        if (j == NULL || fill(st, j, &o) != 0) {
            json_decref(j);
            stop = sl_error_set(err, SL_EINTERNAL, "normalized",
                                "stored order of inbox item %lld does not parse",
                                (long long)sqlite3_column_int64(st, 0));
            break;
        }
        stop = row(data, &o);
        json_decref(j);
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? SL_OK : store_error(s, rc, err);
}

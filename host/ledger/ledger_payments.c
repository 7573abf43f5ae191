/*
 * Payments read by cash account, for reconciliations that start from the
 * books (payments/pay_reconcile.c: what was booked to a gateway's
 * merchant account, by whom). One prepared statement over payments and
 * their documents; rows in id order, bounded by the caller's array.
 */
#include <sqlite3.h>

#include "ledger/ledger.h"
#include "store/store_sql.h"
#include "shopledger/sdkutil.h"

int ledger_payments_to_account(store *s, const char *account, int64_t from_ms, int64_t to_ms,
                               ledger_payment_row *out, int max, int *n, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s,
        "SELECT p.id, p.document_id, p.kind, p.ref, p.amount, p.transaction_id, p.created_ms,"
        " d.channel, d.external_id, d.exponent, d.currency FROM payments p"
        " JOIN documents d ON d.id = p.document_id"
        " WHERE p.account = ?1 AND p.kind IN ('payment','prepayment')"
        " AND p.created_ms >= ?2 AND p.created_ms < ?3 ORDER BY p.id LIMIT ?4",
        err);
    if (!st)
        return sql_fail(err);
    sql_text(st, 1, account);
    sqlite3_bind_int64(st, 2, from_ms);
    sqlite3_bind_int64(st, 3, to_ms);
    sqlite3_bind_int(st, 4, max);
    int k = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < max) {
        ledger_payment_row *r = &out[k++];
        r->id = sqlite3_column_int64(st, 0);
        r->document_id = sqlite3_column_int64(st, 1);
        sql_col_copy(st, 2, r->kind, sizeof r->kind);
        sql_col_copy(st, 3, r->ref, sizeof r->ref);
        r->amount = sqlite3_column_int64(st, 4);
        sql_col_copy(st, 5, r->transaction_id, sizeof r->transaction_id);
        r->created_ms = sqlite3_column_int64(st, 6);
        sql_col_copy(st, 7, r->channel, sizeof r->channel);
        sql_col_copy(st, 8, r->external_id, sizeof r->external_id);
        r->exponent = sqlite3_column_int(st, 9);
        sql_col_copy(st, 10, r->currency, sizeof r->currency);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return store_error(s, rc, err);
    *n = k;
    return SL_OK;
}

/*
 * Journal postings and payments. A journal is a small in-memory set of
 * entries that must balance; ledger_post checks the balance before it
 * writes a single row, so an unbalanced document can never be committed.
 */
#include <stdio.h>
#include <string.h>

#include "ledger/ledger.h"
#include "store/store_sql.h"
#include "shopledger/sdkutil.h"

int ledger_journal_add(ledger_journal *j, const char *account, int64_t amount,
                       const char *tax_group, const char *memo, sl_error *err)
{
    if (amount == 0)
        return SL_OK;
    const char *tg = tax_group ? tax_group : "";
    int debit = amount > 0;
    for (size_t i = 0; i < j->n; i++) {
        ledger_entry *e = &j->e[i];
        if (strcmp(e->account, account) == 0 && strcmp(e->tax_group, tg) == 0 &&
            (debit ? e->debit > 0 : e->credit > 0)) {
            if (debit)
                e->debit += amount;
            else
                e->credit -= amount;
            return SL_OK;
        }
    }
    if (j->n >= LEDGER_JOURNAL_MAX)
        return sl_error_set(err, SL_ETOOBIG, "postings", "more than %d postings in one journal",
                            LEDGER_JOURNAL_MAX);
    ledger_entry *e = &j->e[j->n++];
    memset(e, 0, sizeof(*e));
    snprintf(e->account, sizeof(e->account), "%s", account);
    snprintf(e->tax_group, sizeof(e->tax_group), "%s", tg);
    snprintf(e->memo, sizeof(e->memo), "%s", memo ? memo : "");
    if (debit)
        e->debit = amount;
    else
        e->credit = -amount;
    return SL_OK;
}

int ledger_post(store *s, int64_t doc_id, int64_t payment_id, const ledger_journal *j,
                int64_t now_ms, sl_error *err)
{
    int64_t dr = 0, cr = 0;
    for (size_t i = 0; i < j->n; i++) {
        dr += j->e[i].debit;
        cr += j->e[i].credit;
    }
    if (dr != cr)
        return sl_error_set(err, SL_EINTERNAL, "postings",
                            "document %lld: debits %lld != credits %lld; not committed",
                            (long long)doc_id, (long long)dr, (long long)cr);
    static const char SQL[] =
        "INSERT INTO postings(document_id, payment_id, account, debit, credit,"
        " tax_group, memo, created_ms) VALUES(?,NULLIF(?,0),?,?,?,?,?,?)";
    for (size_t i = 0; i < j->n; i++) {
        const ledger_entry *e = &j->e[i];
        sqlite3_stmt *st = store_stmt(s, SQL, err);
        if (!st)
            return sql_fail(err);
        sqlite3_bind_int64(st, 1, doc_id);
        sqlite3_bind_int64(st, 2, payment_id);
        sql_text(st, 3, e->account);
        sqlite3_bind_int64(st, 4, e->debit);
        sqlite3_bind_int64(st, 5, e->credit);
        sql_text(st, 6, e->tax_group);
        sql_text(st, 7, e->memo);
        sqlite3_bind_int64(st, 8, now_ms);
        int rc = store_step_done(s, st, err);
        if (rc)
            return rc;
    }
    return SL_OK;
}

int ledger_post_reverse_of(store *s, int64_t from_doc, int64_t to_doc, int64_t now_ms,
                           sl_error *err)
{
    /* Reverse per account/side as one journal; the original balanced, so
       the reversal does too, and ledger_post checks it again. */
    sqlite3_stmt *st =
        store_stmt(s,
                   "SELECT account, tax_group, SUM(debit), SUM(credit) FROM postings"
                   " WHERE document_id=? GROUP BY account, tax_group ORDER BY MIN(id)",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, from_doc);
    ledger_journal j;
    ledger_journal_init(&j);
    int rc;
    while ((rc = sql_step_row(s, st, err)) == SQLITE_ROW) {
        char account[LEDGER_ACCOUNT_MAX], tg[LEDGER_CODE_MAX];
        sql_col_copy(st, 0, account, sizeof(account));
        sql_col_copy(st, 1, tg, sizeof(tg));
        int64_t net = sqlite3_column_int64(st, 2) - sqlite3_column_int64(st, 3);
        rc = ledger_journal_add(&j, account, -net, tg, "reversal", err);
        if (rc) {
            sqlite3_reset(st);
            return rc;
        }
    }
    if (rc < 0)
        return rc;
    return ledger_post(s, to_doc, 0, &j, now_ms, err);
}

int ledger_payment_add(store *s, int64_t doc_id, const ledger_payment *p, int64_t now_ms,
                       int64_t *payment_id, sl_error *err)
{
    if (p->amount <= 0)
        return sl_error_set(err, SL_EINVALID, "amount", "payment amount must be positive");
    sqlite3_stmt *st =
        store_stmt(s,
                   "INSERT INTO payments(document_id, kind, ref, amount, cash_code, account,"
                   " method, transaction_id, created_ms) VALUES(?,?,?,?,?,?,?,?,?)"
                   " ON CONFLICT(document_id, kind, ref) DO NOTHING",
                   err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, doc_id);
    sql_text(st, 2, p->kind);
    sql_text(st, 3, p->ref);
    sqlite3_bind_int64(st, 4, p->amount);
    sql_text(st, 5, p->cash_code);
    sql_text(st, 6, p->account);
    sql_text(st, 7, p->method);
    sql_text(st, 8, p->transaction_id);
    sqlite3_bind_int64(st, 9, now_ms);
    int rc = store_step_done(s, st, err);
    if (rc)
        return rc;
    sqlite3 *db = store_db(s);
    *payment_id = sqlite3_changes(db) ? sqlite3_last_insert_rowid(db) : 0;
    return SL_OK;
}

int ledger_payment_sum(store *s, int64_t doc_id, const char *kind, int64_t *sum, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s, "SELECT IFNULL(SUM(amount),0) FROM payments WHERE document_id=? AND kind=?", err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, doc_id);
    sql_text(st, 2, kind);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *sum = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return SL_OK;
}

int ledger_payment_source(store *s, int64_t doc_id, char *code, size_t code_cap, char *account,
                          size_t account_cap, sl_error *err)
{
    sqlite3_stmt *st = store_stmt(s,
                                  "SELECT cash_code, account FROM payments WHERE document_id=?"
                                  " AND kind IN ('payment','prepayment') ORDER BY id LIMIT 1",
                                  err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, doc_id);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    const unsigned char *c = rc == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    const unsigned char *a = rc == SQLITE_ROW ? sqlite3_column_text(st, 1) : NULL;
    snprintf(code, code_cap, "%s", c ? (const char *)c : "");
    snprintf(account, account_cap, "%s", a ? (const char *)a : "");
    sqlite3_reset(st);
    return SL_OK;
}

int ledger_imbalance(store *s, int64_t *diff, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT IFNULL(SUM(debit),0) - IFNULL(SUM(credit),0) FROM postings", err);
    if (!st)
        return sql_fail(err);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *diff = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return SL_OK;
}

int ledger_credited(store *s, int64_t doc_id, int64_t *credited, int64_t *refunded, int *count,
                    sl_error *err)
{
    sqlite3_stmt *st = store_stmt(
        s,
        "SELECT IFNULL(SUM(gross),0), COUNT(*), IFNULL((SELECT SUM(p.amount) FROM payments p"
        " JOIN documents c ON c.id=p.document_id WHERE c.original_id=?1 AND p.kind='refund'),0)"
        " FROM documents WHERE original_id=?1 AND type='" LEDGER_CREDIT "'",
        err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, doc_id);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *credited = sqlite3_column_int64(st, 0);
    *count = sqlite3_column_int(st, 1);
    *refunded = sqlite3_column_int64(st, 2);
    sqlite3_reset(st);
    return SL_OK;
}

int ledger_credit_find(store *s, int64_t doc_id, const char *ref, int64_t *id, sl_error *err)
{
    sqlite3_stmt *st =
        store_stmt(s, "SELECT id FROM documents WHERE original_id=? AND refund_ref=?", err);
    if (!st)
        return sql_fail(err);
    sqlite3_bind_int64(st, 1, doc_id);
    sql_text(st, 2, ref);
    int rc = sql_step_row(s, st, err);
    if (rc < 0)
        return rc;
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return SL_OK;
}

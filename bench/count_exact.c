/*
 * count_exact: how many orders the books take exactly as the shop does.
 * Every recorded WooCommerce order (FIXTURES/STORE/orders/ *.json) goes
 * through the woocommerce connector and the rules the way `inbox add` +
 * `process` take it (it_woo_fixtures: one tenant per recorded store,
 * every status processed), and every golden case (tests/golden/cases.h)
 * through its own tenant.ini the way test_ledger_golden feeds it. Per
 * order it prints one line:
 *   exact        a document whose gross is the order total and whose tax
 *                is the order's total tax, without a rounding line
 *   rounding     booked with an explicit rounding-difference line (the
 *                channel's rounding_tolerance allowed it): not exact
 *   draft        a Draft, with its reason
 *   off          a booked document that differs from the shop otherwise
 *   not booked   no document, with the inbox state and its last error
 * (a cancelled or refunded order's credit notes are named after it), then
 * "N orders, N exact, N rounding, N draft, N off, N not booked". Prints figures;
 * it is no pass/fail test and times nothing.
 *   count_exact [FIXTURES_DIR [GOLDEN_DIR]]
 * FIXTURES_DIR defaults to $SL_SHARED_DIR/fixtures/woocommerce, else the
 * shared folder beside the source tree (or one level up, from a
 * worktree); GOLDEN_DIR to the source tree's tests/golden.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "config/config.h"
#include "inbox/inbox.h"
#include "ledger/ledger.h"
#include "order/order.h"
#include "rules/rules.h"
#include "runtime/runtime.h"
#include "services/services.h"
#include "shopledger/money.h"
#include "shopledger/sdkutil.h"
#include "store/store.h"

#define T0_MS 1767225600000LL /* 2026-01-01T00:00:00Z, as the golden harness */
#define MAX_ORDERS_PER_BODY 64

typedef struct tally {
    int orders, exact, rounding, draft, off, not_booked;
} tally;

typedef struct collected {
    order *orders[MAX_ORDERS_PER_BODY];
    size_t count;
} collected;

static const char *const GOLDEN_CASES[] = {
#define GOLDEN(name) #name,
#include "../tests/golden/cases.h"
#undef GOLDEN
};

static char work_dir[256]; /* per-run scratch: INI files and databases */

static const char *sql_text(const json_t *o, const char *k)
{
    const char *v = json_string_value(json_object_get(o, k));
    return v ? v : "";
}

static json_int_t sql_int(const json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

/* ---- what one order became ------------------------------------------------ */

static int has_rounding_line(store *s, json_int_t doc_id)
{
    sl_error err = {.size = sizeof(err)};
    json_t *full = ledger_doc_show_json(s, doc_id, &err);
    size_t i;
    json_t *l;
    int found = 0;
    json_array_foreach(json_object_get(full, "lines"), i, l)
    {
        found |= strcmp(sql_text(l, "kind"), "rounding") == 0;
    }
    json_decref(full);
    return found;
}

/* Credit notes of sale `sale_id`: how many and their gross (appended). */
static void credit_notes(const json_t *docs, json_int_t sale_id, int exponent, char *out,
                         size_t cap)
{
    size_t i, n = 0;
    json_t *d;
    int64_t gross = 0;
    json_array_foreach(docs, i, d)
    {
        if (sql_int(d, "original_id") == sale_id) {
            n++;
            gross += sql_int(d, "gross");
        }
    }
    char g[SL_MONEY_TEXT_MAX];
    if (n)
        snprintf(out, cap, "; %zu credit note%s %s", n, n == 1 ? "" : "s",
                 sl_money_format(gross, exponent, g));
}

static void print_not_booked(store *s, const char *name, const order *o, tally *tl)
{
    sl_error err = {.size = sizeof(err)};
    json_t *items = inbox_list_json(s, NULL, 1000, &err);
    const char *state = "not in the inbox", *why = "";
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        if (strcmp(sql_text(it, "external_id"), order_text(o, SL_ORDER_EXTERNAL_ID)) == 0 &&
            strcmp(sql_text(it, "channel"), o->channel) == 0) {
            state = sql_text(it, "state");
            why = sql_text(it, "last_error");
        }
    }
    printf("  %-58s not booked (inbox %s%s%.200s)\n", name, state, *why ? ": " : "", why);
    json_decref(items);
    tl->not_booked++;
}

/* Classifies the sale document of `o` (the last revision given) in `s`. */
static void classify(store *s, const config_tenant *t, const char *name, const order *o, tally *tl)
{
    sl_error err = {.size = sizeof(err)};
    tl->orders++;
    json_t *docs = ledger_doc_list_json(s, 0, &err), *sale = NULL, *d;
    size_t i;
    json_array_foreach(docs, i, d)
    {
        if (!sale && sql_int(d, "original_id") == 0 &&
            strcmp(sql_text(d, "external_id"), order_text(o, SL_ORDER_EXTERNAL_ID)) == 0 &&
            strcmp(sql_text(d, "channel"), o->channel) == 0)
            sale = d;
    }
    if (!sale) {
        print_not_booked(s, name, o, tl);
        json_decref(docs);
        return;
    }
    char credits[96] = "", a[SL_MONEY_TEXT_MAX], b[SL_MONEY_TEXT_MAX], c[SL_MONEY_TEXT_MAX],
         e[SL_MONEY_TEXT_MAX];
    int exp = o->exponent;
    credit_notes(docs, sql_int(sale, "id"), exp, credits, sizeof credits);
    int64_t gross = sql_int(sale, "gross"), tax = sql_int(sale, "tax");
    int64_t total = o->money[SL_ORDER_TOTAL];
    int64_t shop_tax = order_has_money(o, SL_ORDER_TOTAL_TAX) ? o->money[SL_ORDER_TOTAL_TAX] : tax;
    if (!t->vat_registered)
        shop_tax = tax; /* tax is inside revenue: only the gross can agree */
    const char *status = sql_text(sale, "status");
    if (strcmp(status, "draft") == 0) {
        printf("  %-58s draft: %.300s%s\n", name, sql_text(sale, "reason"), credits);
        tl->draft++;
    } else if (has_rounding_line(s, sql_int(sale, "id"))) {
        printf("  %-58s rounding line (%s %s): gross %s vs shop %s, tax %s vs shop %s%s\n", name,
               sql_text(sale, "type"), status, sl_money_format(gross, exp, a),
               sl_money_format(total, exp, b), sl_money_format(tax, exp, c),
               sl_money_format(shop_tax, exp, e), credits);
        tl->rounding++;
    } else if (gross == total && tax == shop_tax) {
        printf("  %-58s exact (%s %s, gross %s, tax %s%s)\n", name, sql_text(sale, "type"), status,
               sl_money_format(gross, exp, a), sl_money_format(tax, exp, b), credits);
        tl->exact++;
    } else {
        printf("  %-58s off (%s %s): gross %s vs shop %s, tax %s vs shop %s%s\n", name,
               sql_text(sale, "type"), status, sl_money_format(gross, exp, a),
               sl_money_format(total, exp, b), sl_money_format(tax, exp, c),
               sl_money_format(shop_tax, exp, e), credits);
        tl->off++;
    }
    if (o->truncated[0])
        printf("  %-58s   (kept shortened: %s)\n", "", o->truncated);
    json_decref(docs);
}

/* ---- intake and processing ------------------------------------------------ */

static int take_order(void *data, order *o, sl_error *err)
{
    collected *c = data;
    if (c->count >= MAX_ORDERS_PER_BODY) {
        order_free(o);
        return sl_error_set(err, SL_ETOOBIG, "orders", "more than %d orders in one body",
                            MAX_ORDERS_PER_BODY);
    }
    c->orders[c->count++] = o;
    return SL_OK;
}

/* Stores `o` in the inbox (its own transaction) and runs the rules. */
static int intake_and_process(store *s, const config_tenant *t, const order *o, int64_t now,
                              sl_error *err)
{
    int result = 0;
    int64_t item = 0;
    int rc = store_begin(s, err);
    if (rc == SL_OK)
        rc = inbox_intake(s, o, now, &result, &item, err);
    if (rc == SL_OK)
        rc = store_commit(s, err);
    else if (store_in_tx(s))
        store_rollback(s);
    rules_summary sum = {0, 0, 0};
    return rc == SL_OK ? rules_process_pending(s, t, now, 1000, &sum, err) : rc;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = malloc(ORDER_MAX_RAW + 1);
    size_t n = buf ? fread(buf, 1, ORDER_MAX_RAW + 1, f) : 0;
    fclose(f);
    if (!buf || n > ORDER_MAX_RAW) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

/* One recorded order body through the connector (an operator replay, as
   `inbox add` sends it), then the inbox and the rules. */
static void fixture_order(runtime_tenant *rt, runtime_channel *ch, const char *path,
                          const char *name, tally *tl)
{
    size_t len = 0;
    char *body = read_file(path, &len);
    sl_error err = {.size = sizeof(err)};
    static const services_request_header HEADERS[] = {{"Content-Type", "application/json"}};
    services_request req = {
        .headers = HEADERS, .header_count = 1, .body = body, .body_len = len, .verified = 1};
    collected c = {.count = 0};
    services_sink sink = {.data = &c, .order_take = take_order};
    int rc = body ? SL_OK : sl_error_set(&err, SL_EINVALID, "body", "cannot read %s", path);
    if (rc == SL_OK) {
        services_ctx_set_sink(ch->ctx, &sink);
        services_call_begin(ch->ctx);
        rc = ch->plugin->table->parse_webhook(ch->state, ch->ctx, &req, &err);
        services_call_end(ch->ctx);
        services_ctx_set_sink(ch->ctx, NULL);
    }
    free(body);
    for (size_t i = 0; rc == SL_OK && i < c.count; i++)
        rc = intake_and_process(rt->db, rt->config, c.orders[i], services_now_ms(), &err);
    if (rc != SL_OK) {
        tl->orders++;
        tl->not_booked++;
        printf("  %-58s not booked (refused: %.200s%s%s)\n", name, err.message,
               err.field[0] ? ", field " : "", err.field);
    }
    for (size_t i = 0; i < c.count; i++) {
        if (rc == SL_OK)
            classify(rt->db, rt->config, name, c.orders[i], tl);
        order_free(c.orders[i]);
    }
}

/* ---- the recorded stores -------------------------------------------------- */

static int only_dirs(const struct dirent *e)
{
    return e->d_name[0] != '.';
}

static int json_files(const struct dirent *e)
{
    size_t n = strlen(e->d_name);
    return e->d_name[0] != '.' && n > 5 && strcmp(e->d_name + n - 5, ".json") == 0;
}

/* The tenant it_woo_fixtures writes for a recorded store. */
static int write_store_tenant(const char *store_name, char *ini, size_t cap)
{
    char secret[300];
    snprintf(secret, sizeof secret, "%s/woo.secret", work_dir);
    FILE *f = fopen(secret, "w");
    if (!f)
        return -1;
    fputs("cs_fixture_not_used", f);
    fclose(f);
    chmod(secret, 0600);
    snprintf(ini, cap, "%s/%s.ini", work_dir, store_name);
    f = fopen(ini, "w");
    if (!f)
        return -1;
    fprintf(f,
            "[tenant]\nid = %s\ncurrency = USD\nvat_registered = yes\n"
            "database = %s/%s.db\n\n"
            "[channel:woo]\nplugin = woocommerce\nurl = http://127.0.0.1:9\n"
            "key = ck_fixture\nsecret_file = %s\nintake = poll\ndocument = invoice\n"
            "process_when = pending, processing, on-hold, completed, cancelled, refunded\n"
            "approve = yes\nadd_payment = yes\nseries = WOO\n\n"
            "[channel:woo.payments]\nbacs = bank:2620\n",
            store_name, work_dir, store_name, secret);
    return fclose(f);
}

static void fixture_store(const char *fixtures, const char *store_name, tally *tl)
{
    char ini[600], orders[800];
    sl_error err = {.size = sizeof(err)};
    config_tenant *t = NULL;
    runtime_tenant *rt = NULL;
    runtime_channel *ch = NULL;
    if (write_store_tenant(store_name, ini, sizeof ini) != 0 ||
        config_load_file(ini, &t, &err) != SL_OK ||
        runtime_open(t, runtime_plugin_dir(SL_PLUGIN_DIR), 1, &rt, &err) != SL_OK ||
        (ch = runtime_channel_find(rt, "woo")) == NULL || ch->plugin == NULL) {
        printf("  %s: cannot open the store's tenant: %s\n", store_name, err.message);
        runtime_close(rt);
        config_tenant_free(t);
        return;
    }
    snprintf(orders, sizeof orders, "%s/%s/orders", fixtures, store_name);
    struct dirent **files = NULL;
    int n = scandir(orders, &files, json_files, alphasort);
    for (int i = 0; i < n; i++) {
        char path[1100], name[600];
        snprintf(path, sizeof path, "%s/%s", orders, files[i]->d_name);
        snprintf(name, sizeof name, "%s/%.*s", store_name, (int)(strlen(files[i]->d_name) - 5),
                 files[i]->d_name);
        fixture_order(rt, ch, path, name, tl);
        free(files[i]);
    }
    free(files);
    runtime_close(rt);
    config_tenant_free(t);
}

/* ---- the golden cases ----------------------------------------------------- */

static void golden_case(const char *golden, const char *name, tally *tl)
{
    char path[512], db[320], label[300];
    sl_error err = {.size = sizeof(err)};
    config_tenant *t = NULL;
    store *s = NULL;
    order *last = NULL;
    snprintf(label, sizeof label, "golden/%s", name);
    snprintf(path, sizeof path, "%s/%s/tenant.ini", golden, name);
    snprintf(db, sizeof db, "%s/golden-%s.db", work_dir, name);
    json_error_t jerr;
    json_t *steps = NULL;
    int rc = config_load_file(path, &t, &err);
    if (rc == SL_OK)
        rc = store_open(db, &s, &err);
    if (rc == SL_OK) {
        snprintf(path, sizeof path, "%s/%s/order.json", golden, name);
        steps = json_load_file(path, 0, &jerr);
        rc = steps ? SL_OK : sl_error_set(&err, SL_EINVALID, "order.json", "%s", jerr.text);
    }
    if (json_is_object(steps))
        steps = json_pack("[o]", steps);
    for (size_t i = 0; rc == SL_OK && i < json_array_size(steps); i++) {
        order_free(last);
        last = NULL;
        rc = order_from_json(json_array_get(steps, i), &last, &err);
        if (rc == SL_OK)
            rc = intake_and_process(s, t, last, T0_MS + (int64_t)i * 60000, &err);
    }
    if (rc == SL_OK && last) {
        classify(s, t, label, last, tl);
    } else {
        tl->orders++;
        tl->not_booked++;
        printf("  %-58s not booked (refused: %.200s%s%s)\n", label, err.message,
               err.field[0] ? ", field " : "", err.field);
    }
    json_decref(steps);
    order_free(last);
    store_close(s);
    config_tenant_free(t);
}

/* ---- main ----------------------------------------------------------------- */

static const char *fixtures_dir(void)
{
    static char dir[512];
    const char *env = getenv("SL_SHARED_DIR");
    const char *cands[] = {env, SL_SOURCE_DIR "/../shared", SL_SOURCE_DIR "/../../shared"};
    for (size_t i = 0; i < sizeof cands / sizeof cands[0]; i++) {
        struct stat st;
        if (!cands[i])
            continue;
        snprintf(dir, sizeof dir, "%s/fixtures/woocommerce", cands[i]);
        if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode))
            return dir;
    }
    return NULL;
}

static void remove_work_dir(void)
{
    struct dirent **files = NULL;
    int n = scandir(work_dir, &files, only_dirs, alphasort);
    for (int i = 0; i < n; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s/%s", work_dir, files[i]->d_name);
        unlink(p);
        free(files[i]);
    }
    free(files);
    rmdir(work_dir);
}

static void print_tally(const char *what, const tally *tl)
{
    printf("%s: %d orders, %d exact, %d rounding, %d draft, %d off, %d not booked\n", what,
           tl->orders, tl->exact, tl->rounding, tl->draft, tl->off, tl->not_booked);
}

int main(int argc, char **argv)
{
    const char *fixtures = argc > 1 ? argv[1] : fixtures_dir();
    const char *golden = argc > 2 ? argv[2] : SL_SOURCE_DIR "/tests/golden";
    sl_error err = {.size = sizeof(err)};
    snprintf(work_dir, sizeof work_dir, "/tmp/sl-count-exact-XXXXXX");
    if (!mkdtemp(work_dir) || services_global_init(&err) != SL_OK) {
        fprintf(stderr, "count_exact: %s\n", work_dir[0] ? err.message : strerror(errno));
        return 1;
    }
    tally rec = {0}, gold = {0};
    printf("recorded WooCommerce orders (%s):\n", fixtures ? fixtures : "none found");
    struct dirent **stores = NULL;
    int n = fixtures ? scandir(fixtures, &stores, only_dirs, alphasort) : 0;
    for (int i = 0; i < n; i++) {
        char probe[1024];
        struct stat st;
        snprintf(probe, sizeof probe, "%s/%s/orders", fixtures, stores[i]->d_name);
        if (stat(probe, &st) == 0 && S_ISDIR(st.st_mode))
            fixture_store(fixtures, stores[i]->d_name, &rec);
        free(stores[i]);
    }
    free(stores);
    printf("golden cases (%s):\n", golden);
    for (size_t i = 0; i < sizeof GOLDEN_CASES / sizeof GOLDEN_CASES[0]; i++)
        golden_case(golden, GOLDEN_CASES[i], &gold);
    print_tally("recorded", &rec);
    print_tally("golden", &gold);
    tally all = {rec.orders + gold.orders,     rec.exact + gold.exact,
                 rec.rounding + gold.rounding, rec.draft + gold.draft,
                 rec.off + gold.off,           rec.not_booked + gold.not_booked};
    print_tally("all", &all);
    services_global_cleanup();
    remove_work_dir();
    return 0;
}

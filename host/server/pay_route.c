/*
 * The buyer's return from a payment gateway: GET (query) or form POST
 * /pay/<tenant>/<channel>/return on the public listener.
 *
 * Served on the HTTP thread, without any remote call: a copy of the
 * gateway channel's context reads the return (parse_return, local), a
 * short-lived store connection records it (payments/pay_return.c), the
 * scheduler is woken to verify, settle and book on its own thread, and
 * the buyer gets a small page that says "checking" and reloads itself
 * until the attempt is final. The copy keeps this thread off the channel
 * lock, which the scheduler holds through its remote calls.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "payments/payments.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

#define PAY_QUERY_MAX 4096
#define PAY_PAGE_REFRESH_S 2
#define PAY_VIEW_ARG "sl_view" /* on the page's own reloads: look, record nothing */

typedef struct query_buf {
    char text[PAY_QUERY_MAX];
    size_t len;
    int too_long;
} query_buf;

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value)
{
    (void)kind;
    query_buf *q = cls;
    char k[512], v[1024];
    if (sl_url_encode(key, k, sizeof k) == (size_t)-1 ||
        sl_url_encode(value ? value : "", v, sizeof v) == (size_t)-1) {
        q->too_long = 1;
        return MHD_NO;
    }
    int n = snprintf(q->text + q->len, sizeof q->text - q->len, "%s%s=%s", q->len ? "&" : "", k, v);
    if (n < 0 || (size_t)n >= sizeof q->text - q->len) {
        q->too_long = 1;
        return MHD_NO;
    }
    q->len += (size_t)n;
    return MHD_YES;
}

static enum MHD_Result answer(struct MHD_Connection *conn, int status, char *html)
{
    const char *body = html ? html : "";
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    free(html);
    if (r == NULL)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type", "text/html; charset=utf-8");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    enum MHD_Result ret = MHD_queue_response(conn, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

/* tenant and channel out of /pay/<tenant>/<channel>/return. */
static int parse_path(const char *url, char *tenant, size_t tcap, char *channel, size_t ccap)
{
    const char *p = url + strlen("/pay/"), *s1 = strchr(p, '/');
    const char *s2 = s1 ? strchr(s1 + 1, '/') : NULL;
    if (s1 == NULL || s2 == NULL || strcmp(s2, "/return") != 0 || s1 == p || s2 == s1 + 1 ||
        (size_t)(s1 - p) >= tcap || (size_t)(s2 - s1 - 1) >= ccap)
        return -1;
    snprintf(tenant, tcap, "%.*s", (int)(s1 - p), p);
    snprintf(channel, ccap, "%.*s", (int)(s2 - s1 - 1), s1 + 1);
    return 0;
}

static int take(server_tenant *st, int ci, const char *body, size_t len, int look_only,
                pay_return_view *v, sl_error *err)
{
    runtime_channel copy;
    int rc = runtime_channel_open_copy(st->rt, &st->rt->channels[ci], &copy, err);
    if (rc != SL_OK)
        return rc;
    store *db = NULL;
    rc = store_open(st->rt->config->database, &db, err);
    if (rc == SL_OK)
        rc = pay_return_take(&copy, db, body, len, look_only, services_now_ms(), v, err);
    store_close(db);
    runtime_channel_close_copy(&copy);
    return rc;
}

enum MHD_Result pay_route_answer(server_state *s, struct MHD_Connection *conn, const char *url,
                                 const char *method, const char *body, size_t len)
{
    char tenant[64], channel[64];
    server_tenant *st = NULL;
    int ci = -1;
    if (parse_path(url, tenant, sizeof tenant, channel, sizeof channel) == 0 &&
        (st = server_find_tenant(s, tenant)) != NULL)
        ci = server_channel_index(st, channel);
    pay_return_view v = {0};
    if (ci < 0 || !(st->rt->channels[ci].plugin->table->caps & SL_CAP_REQUEST_PAYMENT))
        return answer(conn, 404, pay_return_page(&v, "en", 0, NULL));
    query_buf q = {.len = 0};
    const char *view = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, PAY_VIEW_ARG);
    int look_only = view && strcmp(view, "1") == 0;
    if (strcmp(method, "GET") == 0) {
        MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &q);
        body = q.text;
        len = q.len;
    } else if (strcmp(method, "POST") != 0) {
        return answer(conn, 405, pay_return_page(&v, "en", 0, NULL));
    }
    const char *lang = pay_tenant_language(st->rt->config, NULL);
    if (q.too_long)
        return answer(conn, 414, pay_return_page(&v, lang, 0, NULL));
    sl_error err = {.size = sizeof err};
    int rc = take(st, ci, body ? body : "", body ? len : 0, look_only, &v, &err);
    if (rc == SL_OK && !look_only) {
        atomic_store(&st->pay_wanted, 1);
        scheduler_kick(s);
        lang = pay_tenant_language(st->rt->config, v.shop_channel);
    } else if (rc == SL_OK) {
        lang = pay_tenant_language(st->rt->config, v.shop_channel);
    } else if (!look_only) {
        services_log(st->rt->channels[ci].ctx, SL_LOG_WARN, "payment return refused: %s",
                     err.message);
    }
    /* The page reloads itself with what the return said and the view
       mark, so reloading records nothing (a buyer's F5 on the return
       itself is recorded as a repeat). */
    char refresh[PAY_QUERY_MAX + 32];
    const char *said = body ? body : "";
    size_t said_len = body ? len : 0;
    if (said_len >= PAY_QUERY_MAX) /* a form too long to repeat: refresh shows "unknown" */
        said = "", said_len = 0;
    snprintf(refresh, sizeof refresh, "return?%.*s%s", (int)said_len, said,
             look_only  ? ""
             : said_len ? "&" PAY_VIEW_ARG "=1"
                        : PAY_VIEW_ARG "=1");
    int status = rc == SL_OK ? 200 : rc == SL_ENOTFOUND || rc == SL_EINVALID ? 400 : 503;
    return answer(conn, status, pay_return_page(&v, lang, PAY_PAGE_REFRESH_S, refresh));
}

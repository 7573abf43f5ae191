/*
 * The admin API (JSON). Every request needs "Authorization: Bearer TOKEN"
 * with the token of the tenant it names (admin_token_file in the tenant's
 * INI); /admin/health (admin_health.c) accepts any tenant's token and
 * lists the tenants of that token only. An unknown tenant answers 401 like a wrong token. With no
 * token configured anywhere the admin API answers 403: an unprotected admin API is not a default.
 * Reads use a short-lived connection of their own; writes that matter (retry) are tiny and SQLite
 * serializes them with the writer.
 *
 *   GET  /admin/health
 *   GET  /admin/<tenant>/inbox[?state=S]      GET /admin/<tenant>/inbox/<id>
 *   POST /admin/<tenant>/inbox/<id>/retry
 *   GET  /admin/<tenant>/documents            GET /admin/<tenant>/trial-balance
 *   GET  /admin/<tenant>/documents/<ID>.pdf   (application/pdf; admin_pdf.c)
 *   POST /admin/<tenant>/poll/<channel>       POST /admin/<tenant>/stock-sync/<channel>
 *   GET  /admin/<tenant>/channels/<channel>
 *   POST /admin/<tenant>/pay-link?channel=C&external_id=E&via=G  (202, pay_links.c)
 *   GET  /admin/<tenant>/pay-link/<n>
 *
 * poll and stock-sync answer 202 {"status":"queued", "request": N} at
 * once: the scheduler thread makes the call on the tick the request wakes,
 * and GET channels/<channel> shows each job's "finished" request number,
 * outcome, error and (stock sync) report.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "inbox/inbox.h"
#include "ledger/ledger.h"
#include "server/admin_throttle.h"
#include "server/server_int.h"
#include "services/services.h"
#include "shopledger/sdkutil.h"

static char *dump(json_t *j)
{
    char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;
    json_decref(j);
    return text;
}

static char *error_reply(const char *msg)
{
    return dump(json_pack("{s:s}", "error", msg));
}

static int token_ok(const char *given, const char *want)
{
    return given && want && want[0] && sl_ct_equal(given, strlen(given), want, strlen(want));
}

static const char *bearer(struct MHD_Connection *conn)
{
    const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
    return h && strncmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
}

/* The client's IPv4 address (host order) into *addr and as text into
   peer; 0 / "?" when it is not IPv4. */
static uint32_t peer_of(struct MHD_Connection *conn, char *peer, size_t n)
{
    snprintf(peer, n, "?");
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci == NULL || ci->client_addr == NULL || ci->client_addr->sa_family != AF_INET)
        return 0;
    const struct in_addr *a = &((const struct sockaddr_in *)ci->client_addr)->sin_addr;
    inet_ntop(AF_INET, a, peer, (socklen_t)n);
    return ntohl(a->s_addr);
}

/* A refused admin request, counted against the peer's address
   (admin_throttle.h) and logged with the peer and the path, once per
   window (never the token). An unknown tenant and a wrong token get the
   same answer, so tenant ids cannot be found by trying. */
static int refuse(server_state *s, struct MHD_Connection *conn, const char *url, int *status,
                  char **reply)
{
    char peer[64];
    uint32_t addr = peer_of(conn, peer, sizeof peer);
    switch (admin_throttle_wrong(&s->throttle, addr, services_now_ms())) {
    case ADMIN_THROTTLE_LOG_FIRST:
        services_log(NULL, SL_LOG_WARN, "admin: refused %.120s from %s: no valid bearer token", url,
                     peer);
        break;
    case ADMIN_THROTTLE_LOG_BLOCK:
        services_log(NULL, SL_LOG_WARN,
                     "admin: %d wrong tokens from %s within %d s; answering it 429 for %d s",
                     ADMIN_THROTTLE_LIMIT, peer, ADMIN_THROTTLE_WINDOW_MS / 1000,
                     ADMIN_THROTTLE_BLOCK_MS / 1000);
        break;
    case ADMIN_THROTTLE_QUIET:
        break;
    }
    *status = 401;
    *reply = error_reply("bearer token required");
    return 0;
}

/* Routes a tenant request; `rest` is the path after /admin/<tenant>/. */
static json_t *tenant_route(server_state *s, server_tenant *st, const char *method,
                            const char *rest, struct MHD_Connection *conn, store *db, int *status,
                            sl_error *err)
{
    int is_get = strcmp(method, "GET") == 0, is_post = strcmp(method, "POST") == 0;
    long long id = 0;
    char tail[32] = "", name[64] = "";
    if (is_get && strcmp(rest, "inbox") == 0)
        return inbox_list_json(
            db, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "state"), 500, err);
    if (is_get && sscanf(rest, "inbox/%lld%31s", &id, tail) == 1)
        return inbox_show_json(db, id, err);
    if (is_post && sscanf(rest, "inbox/%lld/%31s", &id, tail) == 2 && strcmp(tail, "retry") == 0) {
        if (inbox_retry(db, id, services_now_ms(), err) != SL_OK)
            return NULL;
        writer_request_processing(st);
        return json_pack("{s:s, s:I}", "status", "queued", "id", (json_int_t)id);
    }
    if (is_get && strcmp(rest, "documents") == 0)
        return ledger_doc_list_json(db, 1000, err);
    if (is_get && strcmp(rest, "trial-balance") == 0)
        return ledger_trial_balance_json(db, err);
    int ci = -1;
    if (is_get && sscanf(rest, "channels/%63s", name) == 1 &&
        (ci = server_channel_index(st, name)) >= 0)
        return channel_runs_json(st, ci);
    if (is_post && strcmp(rest, "pay-link") == 0) { /* the gateway call is the scheduler's */
        long n = pay_link_request(
            s, st, MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "channel"),
            MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "external_id"),
            MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "via"), err);
        if (n == 0) {
            *status = 400;
            return NULL;
        }
        *status = 202;
        return json_pack("{s:s, s:I}", "status", "queued", "request", (json_int_t)n);
    }
    if (is_get && sscanf(rest, "pay-link/%lld%31s", &id, tail) == 1) {
        json_t *j = pay_link_json(st, (long)id);
        if (j == NULL) {
            *status = 404;
            sl_error_set(err, SL_ENOTFOUND, "request", "no pay link request %lld (or replaced)",
                         id);
        }
        return j;
    }
    int job = -1;
    if (is_post && sscanf(rest, "poll/%63s", name) == 1)
        job = CHANNEL_POLL;
    else if (is_post && sscanf(rest, "stock-sync/%63s", name) == 1)
        job = CHANNEL_SYNC;
    if (job >= 0 && (ci = server_channel_index(st, name)) >= 0) {
        /* The remote call is the scheduler's: an HTTP thread never waits on a shop. */
        long n = channel_run_request(s, st, ci, job);
        *status = 202;
        return json_pack("{s:s, s:s, s:s, s:I}", "status", "queued", "channel", name, "job",
                         job == CHANNEL_POLL ? "poll" : "stock_sync", "request", (json_int_t)n);
    }
    *status = 404;
    sl_error_set(err, SL_ENOTFOUND, "path", "no such admin route");
    return NULL;
}

/* Health also answers the token of a broken tenant (its file gave one):
   its owner reads the error there. */
static int any_token(server_state *s, const char *given)
{
    for (size_t i = 0; i < s->tenant_count; i++)
        if (token_ok(given, server_tenant_at(s, i)->admin_token))
            return 1;
    return server_broken_token(s, given, token_ok);
}

/* The PDF route: the document's PDF as the reply, or the JSON error. */
static void pdf_reply(server_tenant *st, store *db, int64_t id, int *status, char **reply,
                      size_t *reply_len, const char **content_type)
{
    unsigned char *pdf = NULL;
    size_t len = 0;
    sl_error err = {.size = sizeof err};
    if (admin_pdf(st, db, id, &pdf, &len, &err) != SL_OK) {
        *status = err.code == SL_ENOTFOUND ? 404 : 500;
        *reply = error_reply(err.message);
        return;
    }
    *status = 200;
    *reply = (char *)pdf;
    *reply_len = len;
    *content_type = "application/pdf";
}

int admin_handle(server_state *s, const char *method, const char *url, struct MHD_Connection *conn,
                 int *status, char **reply, size_t *reply_len, const char **content_type)
{
    *reply_len = 0;
    *content_type = "application/json";
    char peer[64];
    int wait_s =
        admin_throttle_wait_s(&s->throttle, peer_of(conn, peer, sizeof peer), services_now_ms());
    if (wait_s > 0) { /* too many wrong tokens from this address: not even checked */
        *status = 429;
        *reply = error_reply("too many wrong tokens from this address; retry later");
        return wait_s;
    }
    const char *given = bearer(conn);
    const char *path = url + strlen("/admin/");
    if (strcmp(path, "health") == 0) { /* admin_health.c */
        if (!any_token(s, given)) {
            return refuse(s, conn, url, status, reply);
        }
        *reply = dump(admin_health(s, given, token_ok, status));
        return 0;
    }
    char tenant[64];
    const char *slash = strchr(path, '/');
    size_t tlen = slash ? (size_t)(slash - path) : 0;
    server_tenant *st = NULL;
    if (tlen > 0 && tlen < sizeof tenant) {
        memcpy(tenant, path, tlen);
        tenant[tlen] = '\0';
        st = server_find_tenant(s, tenant);
    }
    if (st == NULL || !token_ok(given, st->admin_token)) {
        return refuse(s, conn, url, status, reply);
    }
    store *db = NULL;
    sl_error err = {.size = sizeof err};
    *status = 200;
    json_t *out = NULL;
    int64_t pdf_id = 0;
    int pdf = strcmp(method, "GET") == 0 && admin_pdf_route(slash + 1, &pdf_id);
    if (store_open(st->rt->config->database, &db, &err) != SL_OK) {
        /* answered below as an error */
    } else if (pdf) {
        pdf_reply(st, db, pdf_id, status, reply, reply_len, content_type);
        store_close(db);
        return 0;
    } else {
        out = tenant_route(s, st, method, slash + 1, conn, db, status, &err);
    }
    store_close(db);
    if (out == NULL) {
        if (*status == 200 || *status == 202)
            *status = err.code == SL_ENOTFOUND ? 404 : err.code == SL_ECONFLICT ? 409 : 500;
        *reply = error_reply(err.message);
        return 0;
    }
    *reply = dump(out);
    return 0;
}

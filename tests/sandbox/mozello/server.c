/*
 * The sandbox's HTTP side: libmicrohttpd on 127.0.0.1, the Store API under
 * /v1 (api/mozello.md §1-6) and the control endpoints under /__sandbox/
 * (admin.c). Every API call needs `Authorization: ApiKey <key>` (else 401
 * "Unauthorized"); more than --rate-limit calls in a minute, or the
 * throttle_next knob, answers 403 as Mozello's throttle does. Errors use
 * Mozello's body {"error":true,"error_code":N,"error_message":"..."}.
 */
#include "msb.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef msb_req req;

static json_t *error_body(int code, const char *msg)
{
    return msb_error(code, msg);
}

static const char *arg(const req *r, const char *k)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, k);
}

/* "/store/order/{x}/" -> x into buf; 1 on match. */
static int match1(const char *path, const char *prefix, char *buf, size_t cap)
{
    size_t n = strlen(prefix);
    if (strncmp(path, prefix, n) != 0)
        return 0;
    const char *x = path + n, *slash = strchr(x, '/');
    if (!slash || slash == x || slash[1] != '\0' || (size_t)(slash - x) >= cap)
        return 0;
    memcpy(buf, x, (size_t)(slash - x));
    buf[slash - x] = '\0';
    return 1;
}

static json_t *parse_body(const req *r, int *status)
{
    json_t *j = json_loadb(r->body, r->len, 0, NULL);
    if (!json_is_object(j)) {
        json_decref(j);
        *status = 400;
        return NULL;
    }
    return j;
}

/* PUT /store/order/{id}/ {"order":{writable fields}}. */
static json_t *order_put(msb *s, json_t *o, const req *r, int *status)
{
    json_t *b = parse_body(r, status), *upd = json_object_get(b, "order");
    if (!json_is_object(upd)) {
        json_decref(b);
        *status = 400;
        return error_body(400, "Invalid request body");
    }
    static const char *const w[] = {
        "payment_status",        "archived",          "dispatched", "shipping_tracking_code",
        "shipping_tracking_url", "shipping_label_url"};
    int pay = 0, disp = 0;
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++) {
        json_t *v = json_object_get(upd, w[i]);
        if (!v)
            continue;
        pay |= i == 0 && !json_equal(v, json_object_get(o, w[i]));
        disp |= i == 2 && !json_equal(v, json_object_get(o, w[i]));
        json_object_set(o, w[i], v);
    }
    if (json_is_true(json_object_get(upd, "dispatched")))
        json_object_set_new(o, "archived", json_true());
    json_t *id = json_object_get(o, "order_id");
    if (pay)
        msb_notify_event(s, "PAYMENT_CHANGED", "order",
                         json_pack("{s:O, s:O}", "order_id", id, "payment_status",
                                   json_object_get(o, "payment_status")));
    if (disp)
        msb_notify_event(s, "DISPATCH_CHANGED", "order",
                         json_pack("{s:O, s:O}", "order_id", id, "dispatched",
                                   json_object_get(o, "dispatched")));
    json_decref(b);
    *status = 200;
    return json_pack("{s:b}", "error", 0);
}

static json_t *notifications(msb *s, const req *r, int *status)
{
    *status = 200;
    if (strcmp(r->method, "PUT") == 0) {
        json_t *b = parse_body(r, status);
        json_t *url = json_object_get(b, "notifications_url");
        json_t *wanted = json_object_get(b, "notifications_wanted");
        if (!b || (url && !json_is_string(url) && !json_is_null(url)) ||
            (wanted && !json_is_array(wanted))) {
            json_decref(b);
            *status = 400;
            return error_body(400, "Invalid request body");
        }
        if (url) {
            free(s->notify_url);
            s->notify_url = json_is_string(url) ? strdup(json_string_value(url)) : NULL;
        }
        if (wanted)
            json_decref(s->wanted), s->wanted = json_incref(wanted);
        json_decref(b);
        return json_pack("{s:b}", "error", 0);
    }
    return json_pack("{s:b, s:s?, s:O}", "error", 0, "notifications_url", s->notify_url,
                     "notifications_wanted", s->wanted);
}

/* Routes one authenticated API call (store.mu held). */
static json_t *route(msb *s, const req *r, int *status)
{
    char id[256];
    int get = strcmp(r->method, "GET") == 0;
    json_t *o;
    if (get && strcmp(r->path, "/store/orders/") == 0)
        return msb_list(s, "orders", s->orders, "/store/orders/", arg(r, "page_size"),
                        arg(r, "page_start"), arg(r, "desc"), arg(r, "filter"), arg(r, "archived"),
                        status);
    if (get && strcmp(r->path, "/store/products/") == 0)
        return msb_list(s, "products", s->products, "/store/products/", arg(r, "page_size"),
                        arg(r, "page_start"), arg(r, "desc"), arg(r, "filter"), NULL, status);
    if (match1(r->path, "/store/order/", id, sizeof id)) {
        if (!(o = msb_order_find(s, id)) && (get || !strcmp(r->method, "PUT")))
            return *status = 404, error_body(404, "Order not found");
        if (get)
            return *status = 200, json_pack("{s:b, s:o}", "error", 0, "order", msb_view(o));
        if (strcmp(r->method, "PUT") == 0)
            return order_put(s, o, r, status);
    }
    if (get && match1(r->path, "/store/product/", id, sizeof id)) {
        if (!(o = msb_product_find(s, id)))
            return *status = 404, error_body(404, "Product not found");
        return *status = 200, json_pack("{s:b, s:o}", "error", 0, "product", msb_view(o));
    }
    if (strcmp(r->method, "POST") == 0 &&
        strcmp(r->path, "/store/products/batch_update_by_sku/") == 0) {
        json_t *b = parse_body(r, status);
        if (!b)
            return error_body(400, "Invalid request body");
        json_t *out = msb_batch_by_sku(s, b, status);
        json_decref(b);
        return out;
    }
    if (strcmp(r->path, "/store/notifications/") == 0 && (get || strcmp(r->method, "PUT") == 0))
        return notifications(s, r, status);
    *status = 404;
    return error_body(404, "Not found");
}

/* 1 when this call is throttled (store.mu held). */
static int throttled(msb *s)
{
    int64_t now = msb_now_ms();
    if (now - s->window_start_ms >= 60000)
        s->window_start_ms = now, s->window_calls = 0;
    s->window_calls++;
    if (s->throttle_next > 0) {
        s->throttle_next--;
        return 1;
    }
    return s->rate_limit > 0 && s->window_calls > s->rate_limit;
}

static json_t *api(msb *s, const req *r, int *status)
{
    const char *auth = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Authorization");
    char want[512];
    snprintf(want, sizeof want, "ApiKey %s", s->api_key);
    if (!auth || strcmp(auth, want) != 0)
        return *status = 401, error_body(401, "Unauthorized");
    pthread_mutex_lock(&s->mu);
    json_t *out;
    if (throttled(s)) {
        s->throttled++;
        *status = 403;
        out = error_body(403, "Forbidden: too many requests");
    } else {
        char key[300];
        snprintf(key, sizeof key, "%s %s", r->method, r->path);
        json_object_set_new(s->calls, key,
                            json_integer(json_integer_value(json_object_get(s->calls, key)) + 1));
        out = route(s, r, status);
        if (*status == 400 && !out)
            out = error_body(400, "Invalid request body");
    }
    pthread_mutex_unlock(&s->mu);
    return out;
}

static enum MHD_Result send_json(struct MHD_Connection *c, int status, json_t *j)
{
    char *text = json_dumps(j ? j : json_null(), MSB_DUMP_FLAGS | JSON_ENCODE_ANY);
    json_decref(j);
    if (!text)
        return MHD_NO;
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(strlen(text), text, MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, "Content-Type", "application/json; charset=utf-8");
    MHD_add_response_header(resp, "Server", MSB_VERSION);
    enum MHD_Result rc = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    return rc;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const sbc_body *b)
{
    msb *s = cls;
    req r = {method, url, b->p, b->len, conn};
    int status = 500;
    json_t *out;
    if (b->too_big)
        status = 413, out = error_body(413, "Request too large");
    else if (strncmp(url, "/__sandbox/", 11) == 0)
        out = msb_admin(s, &r, &status);
    else if (strncmp(url, "/v1/", 4) == 0)
        r.path = url + 3, out = api(s, &r, &status);
    else
        status = 404, out = error_body(404, "Not found");
    return send_json(conn, status, out);
}

int msb_start(msb *s, sbc_http *h, unsigned port)
{
    sbc_http_opts o = {.port = port, .max_body = MSB_MAX_BODY, .pool = 4, .timeout_s = 30};
    return sbc_http_start(h, &o, on_request, s);
}

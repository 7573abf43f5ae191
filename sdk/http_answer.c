/*
 * The plumbing around host->http_send that every REST connector needs:
 * a response or an error, the default status -> SL_E* map and Retry-After.
 * Connectors keep only what is their remote's own (error body formats, a
 * status their API gives another meaning).
 */
#include <errno.h>
#include <stdlib.h>

#include "shopledger/sdkutil.h"

int sl_http_exchange(const sl_host *h, sl_http_req *req, const char *what, sl_http_resp **resp,
                     sl_error *err)
{
    sl_http_resp *r = NULL;
    int rc = h->http_send(req, &r, err);
    if (r == NULL)
        return rc != SL_OK ? rc : sl_error_set(err, SL_EIO, "", "%.200s: no response", what);
    *resp = r;
    return SL_OK;
}

int sl_http_send_2xx(const sl_host *h, sl_http_req *req, const char *what, sl_http_fail_fn on_fail,
                     void *data, sl_http_resp **resp, sl_error *err)
{
    sl_http_resp *r = NULL;
    int rc = sl_http_exchange(h, req, what, &r, err);
    if (rc != SL_OK)
        return rc;
    int status = h->http_status(r);
    if (status < 200 || status >= 300)
        return on_fail ? on_fail(data, what, r, err) : sl_http_fail(h, r, 0, 0, what, NULL, err);
    *resp = r;
    return SL_OK;
}

int sl_http_status_code(int status)
{
    if (status >= 200 && status < 300)
        return SL_OK;
    if (status == 401)
        return SL_EAUTH;
    if (status == 404)
        return SL_ENOTFOUND;
    if (status == 429 || status >= 500)
        return SL_ERETRY;
    return SL_EREMOTE;
}

int64_t sl_http_retry_after_ms(const sl_host *h, const sl_http_resp *resp, int64_t floor_ms)
{
    const char *v = h->http_resp_header(resp, "Retry-After");
    int64_t ms = floor_ms;
    if (v != NULL) {
        char *end = NULL;
        errno = 0;
        long long s = strtoll(v, &end, 10);
        if (errno == 0 && end != v && *end == '\0' && s >= 0) {
            int64_t asked = s > SL_RETRY_AFTER_MAX_MS / 1000 ? SL_RETRY_AFTER_MAX_MS : s * 1000;
            ms = asked > ms ? asked : ms;
        }
    }
    return ms > SL_RETRY_AFTER_MAX_MS ? SL_RETRY_AFTER_MAX_MS : ms;
}

int sl_http_fail(const sl_host *h, const sl_http_resp *resp, int code, int64_t retry_floor_ms,
                 const char *what, const char *detail, sl_error *err)
{
    int status = h->http_status(resp);
    if (code == 0)
        code = sl_http_status_code(status);
    int has_detail = detail != NULL && detail[0] != '\0';
    sl_error_set(err, code, "", "%.200s: HTTP %d%s%.300s", what, status, has_detail ? ": " : "",
                 has_detail ? detail : "");
    if (err != NULL && err->size >= sizeof *err) {
        err->http_status = status;
        if (code == SL_ERETRY)
            err->retry_after_ms = sl_http_retry_after_ms(h, resp, retry_floor_ms);
    }
    return code;
}

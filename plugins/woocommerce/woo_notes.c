/*
 * Notes and status back to the shop (slot report_status).
 *
 * POST /orders/{id}/notes {"note": ..., "customer_note": false} writes a
 * private note; with a status, PUT /orders/{id} {"status": ...} follows
 * (WooCommerce then sends its own e-mails and restocks on cancel, exactly
 * as from the admin screen). WooCommerce has no idempotency key: a note
 * POSTed twice appears twice. The host's outbox marks a row sent once the
 * call returns SL_OK, which is the only guard; `idempotency_key` is
 * therefore unused here. Setting the same status twice is a no-op in WC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_NOTE_MAX 8192

/* Sends one JSON object as the body of method path. */
static int send_json(woo_chan *ch, sl_ctx *ctx, const char *method,
                     const char *path, json_t *obj, sl_error *err)
{
    woo_call c;
    if (obj == NULL || woo_call_init(&c, method, path) != SL_OK) {
        json_decref(obj);
        return sl_error_set(err, SL_EINTERNAL, "", "cannot build %s", path);
    }
    char *body = json_dumps(obj, JSON_COMPACT);
    json_decref(obj);
    if (body == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    c.body = body;
    c.body_len = strlen(body);
    int rc = woo_call_send(ch, ctx, &c, NULL, NULL, err);
    free(body);
    return rc;
}

/* Order ids are decimal digits; anything else would change the path. */
static int check_id(const char *id, sl_error *err)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n >= WOO_ID_MAX || strspn(id, "0123456789") != n)
        return sl_error_set(err, SL_EINVALID, "external_id",
                            "WooCommerce order id must be digits");
    return SL_OK;
}

int woo_report_status(void *state, sl_ctx *ctx, const char *external_id,
                      const char *note, const char *status,
                      const char *idempotency_key, sl_error *err)
{
    woo_chan *ch = state;
    int rc = check_id(external_id, err);
    if (rc != SL_OK)
        return rc;
    if (note != NULL && strlen(note) > WOO_NOTE_MAX)
        return sl_error_set(err, SL_ETOOBIG, "note", "note over %d bytes",
                            WOO_NOTE_MAX);
    if (status != NULL && (*status == '\0' || strlen(status) > 64))
        return sl_error_set(err, SL_EINVALID, "status", "bad status word");
    if (ch->test_mode) {
        ch->host->log(ctx, SL_LOG_INFO,
                      "test mode: would write note/status to order %s",
                      external_id);
        return SL_OK;
    }
    char path[64];
    if (note != NULL && *note != '\0') {
        snprintf(path, sizeof path, "/orders/%s/notes", external_id);
        rc = send_json(ch, ctx, "POST", path,
                       json_pack("{s:s, s:b}", "note", note, "customer_note",
                                 0),
                       err);
        if (rc != SL_OK)
            return rc;
    }
    if (status != NULL) {
        snprintf(path, sizeof path, "/orders/%s", external_id);
        rc = send_json(ch, ctx, "PUT", path,
                       json_pack("{s:s}", "status", status), err);
    }
    return rc;
}

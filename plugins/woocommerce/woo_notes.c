/*
 * Notes and status back to the shop (slot report_status).
 *
 * POST /orders/{id}/notes {"note": ..., "customer_note": false} writes a
 * private note; with a status, PUT /orders/{id} {"status": ...} follows
 * (WooCommerce then sends its own e-mails and restocks on cancel, exactly
 * as from the admin screen). Setting the same status twice is a no-op.
 *
 * WooCommerce has no idempotency key and a note keeps only its text
 * (api notes 4.5: no meta), so a note POSTed twice appears twice: a proxy
 * that forwarded the POST and answered 504, a timeout or a reset after
 * sending all leave the outcome unclear. Each note therefore ends with a
 * marker derived from the host's idempotency key, " [sl:" + 12 hex digits
 * of its SHA-256 + "]", and before POSTing the connector lists the order's
 * notes (GET /orders/{id}/notes) and treats a note carrying the marker as
 * sent. It lists before every POST, not only after a failure it saw: a
 * host that crashed mid-call resends with no memory of the first try, and
 * one GET per note is cheap next to a duplicate the buyer may see. Every
 * request is signed afresh (woo_auth.c: a new nonce and timestamp).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shopledger/sdkutil.h"
#include "woo.h"

#define WOO_NOTE_MAX 8192
#define WOO_MARK_HEX 12 /* hex digits of the key's SHA-256 in a marker */
#define WOO_MARK_MAX (WOO_MARK_HEX + 8)

/* Sends one JSON object as the body of method path; the answer must be
   a JSON object (the note or the order written). */
static int send_json(woo_chan *ch, sl_ctx *ctx, const char *method, const char *path, json_t *obj,
                     sl_error *err)
{
    woo_call c;
    if (obj == NULL || woo_call_init(&c, method, path) != SL_OK) {
        json_decref(obj);
        return sl_error_set(err, SL_EINTERNAL, "", "cannot build %s", path);
    }
    c.answer = WOO_ANSWER_OBJECT;
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
        return sl_error_set(err, SL_EINVALID, "external_id", "WooCommerce order id must be digits");
    return SL_OK;
}

/* The marker " [sl:<12 hex of SHA-256(key)>]" of an idempotency key. */
static int note_marker(const char *key, char out[WOO_MARK_MAX], sl_error *err)
{
    unsigned char sum[32];
    char hex[65];
    if (key == NULL || *key == '\0')
        return sl_error_set(err, SL_EINVALID, "idempotency_key",
                            "a note needs an idempotency key (its marker against duplicates)");
    if (sl_sha256(key, strlen(key), sum) != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "sha256 failed");
    sl_hex_encode(sum, WOO_MARK_HEX / 2, hex);
    snprintf(out, WOO_MARK_MAX, " [sl:%.*s]", WOO_MARK_HEX, hex);
    return SL_OK;
}

/* *found = 1 when one of the order's notes carries `marker`. */
static int note_present(woo_chan *ch, sl_ctx *ctx, const char *path, const char *marker, int *found,
                        sl_error *err)
{
    woo_call c;
    json_t *list = NULL, *n;
    size_t i;
    *found = 0;
    if (woo_call_init(&c, "GET", path) != SL_OK)
        return sl_error_set(err, SL_EINTERNAL, "", "cannot build %s", path);
    c.answer = WOO_ANSWER_ARRAY;
    int rc = woo_call_param(&c, ch, ctx, "type", "internal", err);
    if (rc == SL_OK)
        rc = woo_call_send(ch, ctx, &c, &list, NULL, err);
    if (rc != SL_OK)
        return rc;
    json_array_foreach(list, i, n)
    {
        const char *text = json_string_value(json_object_get(n, "note"));
        if (text != NULL && strstr(text, marker + 1) != NULL) /* +1: the space may be trimmed */
            *found = 1;
    }
    json_decref(list);
    return SL_OK;
}

/* Writes the note with its marker unless the order already has it. */
static int add_note(woo_chan *ch, sl_ctx *ctx, const char *external_id, const char *note,
                    const char *idempotency_key, sl_error *err)
{
    char path[64], marker[WOO_MARK_MAX];
    int found = 0;
    snprintf(path, sizeof path, "/orders/%s/notes", external_id);
    int rc = note_marker(idempotency_key, marker, err);
    if (rc == SL_OK)
        rc = note_present(ch, ctx, path, marker, &found, err);
    if (rc != SL_OK || found)
        return rc;
    size_t n = strlen(note);
    char *text = ch->host->alloc(ctx, n + sizeof marker);
    if (text == NULL)
        return sl_error_set(err, SL_ENOMEM, "", "out of memory");
    memcpy(text, note, n);
    memcpy(text + n, marker, strlen(marker) + 1);
    return send_json(ch, ctx, "POST", path,
                     json_pack("{s:s, s:b}", "note", text, "customer_note", 0), err);
}

int woo_report_status(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                      const char *status, const char *idempotency_key, sl_error *err)
{
    woo_chan *ch = state;
    int rc = check_id(external_id, err);
    if (rc != SL_OK)
        return rc;
    if (note != NULL && strlen(note) > WOO_NOTE_MAX)
        return sl_error_set(err, SL_ETOOBIG, "note", "note over %d bytes", WOO_NOTE_MAX);
    if (status != NULL && (*status == '\0' || strlen(status) > 64))
        return sl_error_set(err, SL_EINVALID, "status", "bad status word");
    if (ch->test_mode) {
        ch->host->log(ctx, SL_LOG_INFO, "test mode: would write note/status to order %s",
                      external_id);
        return SL_OK;
    }
    char path[64];
    if (note != NULL && *note != '\0') {
        rc = add_note(ch, ctx, external_id, note, idempotency_key, err);
        if (rc != SL_OK)
            return rc;
    }
    if (status != NULL) {
        snprintf(path, sizeof path, "/orders/%s", external_id);
        rc = send_json(ch, ctx, "PUT", path, json_pack("{s:s}", "status", status), err);
    }
    return rc;
}

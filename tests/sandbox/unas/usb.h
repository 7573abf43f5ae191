/*
 * unas_sandbox internals. The sandbox emulates the UNAS shop API of
 * shared/api/unas.md: XML over POST at /shop/{function}, login with an API
 * key for a two-hour bearer token, the hourly limits of §3 counted over a
 * rolling hour with the one-hour ban and its error text, and the XML
 * shapes of orders, products and stock. Its state (products, orders,
 * call counters, ban) is one jansson tree guarded by one mutex; the clock
 * is real time plus an offset tests move with POST /__sandbox/clock.
 * It reuses the connector's XML reader, text buffer and Budapest time
 * code (plugins/unas/unas_{xml,buf,time}.c) so both sides agree on the
 * wire details those files pin down; everything else is written apart.
 */
#ifndef UNAS_SANDBOX_USB_H
#define UNAS_SANDBOX_USB_H

#include <jansson.h>
#include <pthread.h>
#include <stdint.h>

#include "sbc.h"
#include "unas.h"

#define USB_MAX_BODY (8u << 20)
#define USB_TOKEN_LIFE_S 7200

typedef struct usb {
    pthread_mutex_t mu;
    const char *api_key;
    int vip;
    sbc_clock clock;   /* moved by POST /__sandbox/clock */
    int64_t ban_until; /* epoch s, 0 = none */
    json_t *products;  /* [{id, sku, name, unit, vat, net, gross, stock, ...}] */
    json_t *orders;    /* [{key, ..., items:[...]}] */
    json_t *tokens;    /* token -> expiry (epoch s) */
    json_t *hits;      /* category -> [epoch s of each counted call] */
    json_t *stats;     /* function -> count; "writes", "logins", ... */
    int64_t next_id;
} usb;

/* Current sandbox time (epoch seconds). */
int64_t usb_now(const usb *s);
/* Loads the seed JSON. 0 or -1 with a message on stderr. */
int usb_load(usb *s, const char *path);
void usb_free(usb *s);

/* Answers one API call: fills *status and a malloc'd XML body. Locks. */
void usb_api(usb *s, const char *fn, const char *auth, const char *body, size_t len, int *status,
             char **out);
/* Answers a /__sandbox/ knob: fills *status and a malloc'd JSON body. */
void usb_knob(usb *s, const char *method, const char *path, const char *body, size_t len,
              int *status, char **out);

/* ---- rendering (render.c) ---- */
void usb_render_order(sl_xml_buf *b, const json_t *o);
void usb_render_product(sl_xml_buf *b, const json_t *p);

#endif

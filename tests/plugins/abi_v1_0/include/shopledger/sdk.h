/*
 * SNAPSHOT of the SDK header as published at ABI 1.0, kept so the tests can
 * build a plugin exactly as a vendor did then and prove today's host still
 * loads it. Never edit; a new snapshot gets a new folder.
 *
 * shopledger SDK v1 — the binary contract between the host and a connector.
 *
 * A connector is a shared object that exports exactly one symbol,
 * sl_plugin_entry(), with C linkage. The host dlopen()s it, calls the entry
 * and receives a read-only plugin table (struct sl_plugin). From then on the
 * two sides talk only through two tables of function pointers: the plugin
 * table (what the connector can do) and the host-services table (struct
 * sl_host: logging, HTTP, state, config, clock, arena memory, the order and
 * list builders). Data crosses as opaque handles whose layout never appears
 * in this header, so the host can change them freely.
 *
 * Versioning. SL_ABI_MAJOR changes only when an existing slot or meaning
 * changes; the host refuses a plugin of another major. SL_ABI_MINOR grows
 * when a slot, field id or status code is appended. A plugin records the
 * minor of the header it was built with (abi_minor) and the lowest host minor
 * it needs (min_host_minor); the host refuses it when its own minor is lower.
 * Every table starts with its own size in bytes; a reader checks
 * SL_HAS_FIELD(table, field) before touching a field newer than the oldest
 * table it accepts. Tables only ever grow by appending; a retired slot stays
 * in place and is set to NULL.
 *
 * Memory rule. Whoever allocates frees: the plugin never frees what the host
 * returns and the host never frees what the plugin returns. Everything the
 * host hands to a plugin during a call (HTTP responses, strings from
 * sl_host.alloc/strdup, state values, list handles) is borrowed from that
 * call's arena and lives until the plugin function returns; config values
 * and the channel context live until channel_close. Strings the plugin passes
 * in are copied by the host before the call returns. The plugin table and
 * its strings are static data of the plugin and live while it is loaded
 * (plugins are never unloaded).
 *
 * Errors. Every fallible call returns an int: SL_OK (0) or a negative
 * SL_E* status, and fills the caller-provided struct sl_error (fixed-size
 * message; nothing is allocated on the error path). The host records the
 * message; a plugin never prints, never exits, and never starts a thread.
 *
 * Threads. A channel context is used by one thread at a time. Different
 * channels may be called concurrently, so a plugin keeps its state in the
 * per-channel state pointer, not in globals.
 */
#ifndef SHOPLEDGER_SDK_H
#define SHOPLEDGER_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_ABI_MAJOR 1
#define SL_ABI_MINOR 0

#if defined(__GNUC__)
#define SL_EXPORT __attribute__((visibility("default")))
#define SL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SL_EXPORT
#define SL_PRINTF(f, a)
#endif

/* True when a size-prefixed table is large enough to hold FIELD. */
#define SL_HAS_FIELD(tbl, field)                                                                   \
    ((tbl)->size >= offsetof(__typeof__(*(tbl)), field) + sizeof((tbl)->field))

/* ---- status codes ------------------------------------------------------ */

enum sl_status {
    SL_OK = 0,
    SL_ERETRY = -1,       /* transient: try again after err->retry_after_ms */
    SL_EAUTH = -2,        /* credentials or signature refused */
    SL_EINVALID = -3,     /* input failed validation; err->field names it */
    SL_EUNSUPPORTED = -4, /* capability or field id not implemented */
    SL_ENOMEM = -5,
    SL_ECONFLICT = -6, /* the remote or the store holds a newer state */
    SL_ENOTFOUND = -7,
    SL_EIO = -8,        /* network or file failure that is not transient */
    SL_ETOOBIG = -9,    /* a size or count limit was exceeded */
    SL_EREMOTE = -10,   /* the remote answered with an error it explained */
    SL_EINTERNAL = -11, /* a bug: an invariant did not hold */
    SL_EBANNED = -12    /* the remote blocked us for a while (rate ban) */
};

/* Caller-provided error record. The callee writes it only on failure. */
#define SL_ERROR_MSG_MAX 256
#define SL_ERROR_FIELD_MAX 64
typedef struct sl_error {
    size_t size;                    /* sizeof(struct sl_error) as the caller knows it */
    int code;                       /* an enum sl_status value */
    int http_status;                /* remote HTTP status when there was one, else 0 */
    int64_t retry_after_ms;         /* with SL_ERETRY / SL_EBANNED: wait at least this */
    char field[SL_ERROR_FIELD_MAX]; /* the offending input field, or "" */
    char message[SL_ERROR_MSG_MAX]; /* human text, no secrets */
} sl_error;

/* ---- capabilities ------------------------------------------------------ */

enum sl_capability {
    SL_CAP_FETCH_ORDERS = 1u << 0,       /* slot fetch_orders */
    SL_CAP_WEBHOOK = 1u << 1,            /* slot parse_webhook */
    SL_CAP_PUSH_STOCK = 1u << 2,         /* slot push_stock */
    SL_CAP_PUSH_PRICES = 1u << 3,        /* slot push_prices */
    SL_CAP_LIST_TAXES = 1u << 4,         /* slot list_taxes */
    SL_CAP_LIST_PAYMENTS = 1u << 5,      /* slot list_payment_methods */
    SL_CAP_LIST_SHIPPING = 1u << 6,      /* slot list_shipping_methods */
    SL_CAP_REPORT_STATUS = 1u << 7,      /* slot report_status */
    SL_CAP_CREATE_SHIPMENT = 1u << 8,    /* slot create_shipment */
    SL_CAP_TRACK_SHIPMENT = 1u << 9,     /* slot track_shipment */
    SL_CAP_VERIFY_PAYMENT = 1u << 10,    /* slot verify_payment */
    SL_CAP_FETCH_TRANSACTIONS = 1u << 11 /* slot fetch_transactions */
};
#define SL_CAP_ALL_V1 0x0fffu

/* ---- opaque handles (layouts are the host's business) ------------------ */

typedef struct sl_ctx sl_ctx;               /* one call on one channel */
typedef struct sl_order sl_order;           /* order under construction */
typedef struct sl_line sl_line;             /* one line of an order */
typedef struct sl_http_req sl_http_req;     /* outgoing request */
typedef struct sl_http_resp sl_http_resp;   /* its response (arena-owned) */
typedef struct sl_request sl_request;       /* incoming webhook request */
typedef struct sl_stock_list sl_stock_list; /* SKUs to push */
typedef struct sl_params sl_params;         /* key/value input of a call */

/* ---- order field ids (append only) ------------------------------------- */

/* Text fields of an order. Values are UTF-8, copied by the host. */
enum sl_order_text {
    SL_ORDER_EXTERNAL_ID = 1,   /* the shop's order id: the idempotency key */
    SL_ORDER_NUMBER,            /* display number */
    SL_ORDER_STATUS,            /* the shop's own status word */
    SL_ORDER_STATUS_NORMALIZED, /* one of the SL_STATUS_* words below */
    SL_ORDER_CURRENCY,          /* ISO 4217; set before any money field */
    SL_ORDER_CUSTOMER_ID,       /* "" or "0" for a guest */
    SL_ORDER_EMAIL,
    SL_ORDER_FIRST_NAME,
    SL_ORDER_LAST_NAME,
    SL_ORDER_COMPANY,
    SL_ORDER_PHONE,
    SL_ORDER_PAYMENT_METHOD, /* gateway id, mapped by [channel:X.payments] */
    SL_ORDER_PAYMENT_TITLE,
    SL_ORDER_TRANSACTION_ID,
    SL_ORDER_CUSTOMER_NOTE, /* buyer's comment: the internal note */
    SL_ORDER_HEADER_NOTE,   /* goes to the document's header note */
    SL_ORDER_SHIPPING_METHOD,
    SL_ORDER_LANGUAGE,
    SL_ORDER_TEXT_END_V1
};

/* Address fields; `which` is SL_ADDR_BILLING or SL_ADDR_SHIPPING. */
enum sl_address_kind { SL_ADDR_BILLING = 1, SL_ADDR_SHIPPING = 2 };
enum sl_address_field {
    SL_ADDR_FIRST_NAME = 1,
    SL_ADDR_LAST_NAME,
    SL_ADDR_COMPANY,
    SL_ADDR_LINE1,
    SL_ADDR_LINE2,
    SL_ADDR_CITY,
    SL_ADDR_STATE,
    SL_ADDR_POSTCODE,
    SL_ADDR_COUNTRY,
    SL_ADDR_EMAIL,
    SL_ADDR_PHONE,
    SL_ADDR_FIELD_END_V1
};

/* Money fields of an order: the shop's own totals, as decimal text. */
enum sl_order_money {
    SL_ORDER_TOTAL = 1, /* gross total the buyer pays */
    SL_ORDER_TOTAL_TAX,
    SL_ORDER_SHIPPING_TOTAL, /* net of tax */
    SL_ORDER_SHIPPING_TAX,
    SL_ORDER_DISCOUNT_TOTAL, /* net of tax */
    SL_ORDER_DISCOUNT_TAX,
    SL_ORDER_MONEY_END_V1
};

/* Times of an order, UTC milliseconds since the epoch. */
enum sl_order_time {
    SL_ORDER_CREATED = 1,
    SL_ORDER_MODIFIED,
    SL_ORDER_PAID,
    SL_ORDER_COMPLETED,
    SL_ORDER_TIME_END_V1
};

/* Flags of an order. */
enum sl_order_flag {
    SL_ORDER_PRICES_INCLUDE_TAX = 1, /* shop prices are gross */
    SL_ORDER_DELETED,                /* the shop deleted the order */
    SL_ORDER_IS_PAID,                /* the shop says it is paid */
    SL_ORDER_FLAG_END_V1
};

/* Normalized status words (DESIGN.md vocabulary) for SL_ORDER_STATUS_NORMALIZED. */
#define SL_STATUS_AWAITING "awaiting_confirmation"
#define SL_STATUS_CONFIRMED "confirmed"
#define SL_STATUS_NOT_CONFIRMED "not_confirmed"
#define SL_STATUS_PREPARING "preparing"
#define SL_STATUS_RESERVED "reserved"
#define SL_STATUS_INVOICE_DEFECT "invoice_defect"
#define SL_STATUS_SENT_TO_POST "sent_to_postal_system"
#define SL_STATUS_SENT "sent"
#define SL_STATUS_DELIVERED "delivered"
#define SL_STATUS_RETURNED "returned"
#define SL_STATUS_CANCELLED "cancelled"

/* Kinds of order lines. */
enum sl_line_kind {
    SL_LINE_PRODUCT = 1, /* goods; sku names the stock unit */
    SL_LINE_SHIPPING,    /* shipping charge */
    SL_LINE_FEE,         /* fee (positive) or negative fee (a discount) */
    SL_LINE_DISCOUNT,    /* coupon / discount, informational when the
                            products already carry discounted totals */
    SL_LINE_REFUND,      /* a refund: its TOTAL is the refunded amount,
                            positive; sub-lines name what was refunded */
    SL_LINE_KIND_END_V1
};

enum sl_line_text {
    SL_LINE_EXTERNAL_ID = 1, /* the shop's line id */
    SL_LINE_SKU,             /* product code; "" when the product is gone */
    SL_LINE_NAME,
    SL_LINE_PRODUCT_ID,   /* shop product id (the parent for variations) */
    SL_LINE_VARIATION_ID, /* shop variation id; "" / "0" for simple */
    SL_LINE_PARENT_SKU,   /* SKU of the parent product of a variation */
    SL_LINE_TAX_CLASS,    /* shop tax class, "" = standard */
    SL_LINE_TAX_RATE_ID,  /* shop tax rate id / short name ("27%") */
    SL_LINE_METHOD_ID,    /* shipping method id / coupon code / fee name */
    SL_LINE_REASON,       /* refund reason */
    SL_LINE_UNIT,         /* unit of measure */
    SL_LINE_TEXT_END_V1
};

enum sl_line_money {
    SL_LINE_UNIT_PRICE = 1, /* price of one unit as the shop shows it */
    SL_LINE_SUBTOTAL,       /* net before discounts */
    SL_LINE_SUBTOTAL_TAX,
    SL_LINE_TOTAL,       /* net after discounts (gross for refunds) */
    SL_LINE_TOTAL_TAX,   /* the shop's own rounded tax of this line */
    SL_LINE_TAX_PERCENT, /* rate as decimal text, e.g. "21" or "7.25" */
    SL_LINE_MONEY_END_V1
};

/* ---- list kinds for sl_host.list_add ----------------------------------- */
enum sl_list_kind {
    SL_LIST_TAX_RATE = 1,
    SL_LIST_TAX_CLASS,
    SL_LIST_PAYMENT_METHOD,
    SL_LIST_SHIPPING_METHOD,
    SL_LIST_KIND_END_V1
};

/* Outcome of one pushed stock/price item, for sl_host.push_report. */
enum sl_push_outcome {
    SL_PUSH_WRITTEN = 1, /* the remote accepted the new value */
    SL_PUSH_UNCHANGED,   /* already equal; nothing written */
    SL_PUSH_SKIPPED,     /* not managed remotely (e.g. manage_stock false) */
    SL_PUSH_NOT_FOUND,   /* SKU unknown to the remote */
    SL_PUSH_FAILED,      /* the remote refused this item; message says why */
    SL_PUSH_DRIFT,       /* read back differs from what was written */
    SL_PUSH_WOULD_WRITE, /* test mode: would have written */
    SL_PUSH_OUTCOME_END_V1
};

enum sl_log_level { SL_LOG_ERROR = 1, SL_LOG_WARN, SL_LOG_INFO, SL_LOG_DEBUG };

/* ---- the host-services table ------------------------------------------ */

/*
 * Handed to the plugin in every call through its sl_ctx. All functions are
 * safe to call from the thread that made the call. Slots are appended only.
 */
typedef struct sl_host {
    size_t size;
    uint32_t abi_major;
    uint32_t abi_minor;

    /* Logging with tenant/channel context added by the host. Secrets must
       never be passed here; the host also masks values of secret keys. */
    void (*log)(sl_ctx *ctx, int level, const char *fmt, ...) SL_PRINTF(3, 4);

    /* Config of the channel's INI section. Returns NULL when absent.
       Borrowed until channel_close. */
    const char *(*config_get)(sl_ctx *ctx, const char *key);
    /* A value from the map section [channel:NAME.MAP] (e.g. MAP "taxes"). */
    const char *(*config_map)(sl_ctx *ctx, const char *map, const char *key);
    /* A secret of the channel (e.g. "secret", "webhook_secret"), read from
       the configured file or environment. Never log it. Borrowed until
       channel_close. */
    const char *(*secret_get)(sl_ctx *ctx, const char *name);

    /* Clock: UTC milliseconds; tests fake it. */
    int64_t (*now_ms)(sl_ctx *ctx);

    /* Per-call arena: freed by the host when the plugin call returns. */
    void *(*alloc)(sl_ctx *ctx, size_t n);
    char *(*strdup)(sl_ctx *ctx, const char *s);

    /* Per-channel durable key/value state (tokens, counters). state_get
       writes an arena string or NULL when the key is absent. state_put
       commits at once; cursors of order fetches use cursor_commit instead. */
    int (*state_get)(sl_ctx *ctx, const char *key, const char **value, sl_error *err);
    int (*state_put)(sl_ctx *ctx, const char *key, const char *value, sl_error *err);

    /* HTTP through the host's libcurl: timeouts, TLS verification, retries
       on 429/5xx honouring Retry-After, per-channel rate limit, request log.
       The request and response belong to the call's arena. */
    sl_http_req *(*http_new)(sl_ctx *ctx, const char *method, const char *url);
    int (*http_header)(sl_http_req *req, const char *name, const char *value);
    int (*http_query)(sl_http_req *req, const char *name, const char *value);
    int (*http_body)(sl_http_req *req, const char *data, size_t len, const char *content_type);
    int (*http_basic_auth)(sl_http_req *req, const char *user, const char *password);
    /* Sends. On a transport failure or a status the retry policy could not
       clear, returns SL_ERETRY/SL_EIO/SL_EAUTH; any completed response is
       still handed back in *resp (status >= 400 is not an error here). */
    int (*http_send)(sl_http_req *req, sl_http_resp **resp, sl_error *err);
    int (*http_status)(const sl_http_resp *resp);
    const char *(*http_resp_header)(const sl_http_resp *resp, const char *name);
    const char *(*http_resp_body)(const sl_http_resp *resp, size_t *len);

    /* Incoming webhook request (parse_webhook). Borrowed for the call. */
    const char *(*request_header)(const sl_request *req, const char *name);
    const char *(*request_body)(const sl_request *req, size_t *len);
    const char *(*request_content_type)(const sl_request *req);
    /* Nonzero when the host vouches for the body itself (an operator's
       `inbox add` replay): the plugin skips its signature check. */
    int (*request_verified)(const sl_request *req);

    /* Order builder. order_new starts an order owned by the host; the
       plugin fills it and hands it to order_submit, which takes it whether
       it succeeds or not. Money is decimal text, parsed exactly in the
       order's currency (set SL_ORDER_CURRENCY first). */
    sl_order *(*order_new)(sl_ctx *ctx);
    int (*order_set_text)(sl_order *o, int field, const char *value);
    int (*order_set_money)(sl_order *o, int field, const char *decimal);
    int (*order_set_time)(sl_order *o, int field, int64_t utc_ms);
    int (*order_set_flag)(sl_order *o, int field, int value);
    int (*order_set_address)(sl_order *o, int which, int field, const char *value);
    /* The raw payload as received (stored verbatim beside the normal form). */
    int (*order_set_raw)(sl_order *o, const char *data, size_t len);
    sl_line *(*order_add_line)(sl_order *o, int kind);
    int (*line_set_text)(sl_line *l, int field, const char *value);
    int (*line_set_money)(sl_line *l, int field, const char *decimal);
    /* Quantity as decimal text ("2", "0.5"); at most 3 decimals. */
    int (*line_set_quantity)(sl_line *l, const char *decimal);
    /* One tax component of a line: shop rate id and amount (may carry more
       decimals than the currency; the host rounds half-up per rate). */
    int (*line_add_tax)(sl_line *l, const char *rate_id, const char *decimal);
    /* Validates and hands the order to the host: into the inbox (webhook)
       or into the pending batch committed with the next cursor (fetch).
       Consumes `o` in every case. */
    int (*order_submit)(sl_ctx *ctx, sl_order *o, sl_error *err);
    /* fetch_orders: store `cursor` atomically with every order submitted
       since the last cursor_commit. */
    int (*cursor_commit)(sl_ctx *ctx, const char *cursor, sl_error *err);

    /* Stock list (push_stock / push_prices): borrowed for the call. */
    size_t (*stock_count)(const sl_stock_list *list);
    const char *(*stock_sku)(const sl_stock_list *list, size_t i);
    /* Available quantity as decimal text ("17"). */
    const char *(*stock_quantity)(const sl_stock_list *list, size_t i);
    /* Price as decimal text in the list's currency, or NULL when none. */
    const char *(*stock_price)(const sl_stock_list *list, size_t i);
    const char *(*stock_currency)(const sl_stock_list *list);
    /* Per-item outcome of a push (enum sl_push_outcome). */
    void (*push_report)(sl_ctx *ctx, const char *sku, int outcome, const char *message);

    /* Lists for mapping (list_* capabilities). */
    int (*list_add)(sl_ctx *ctx, int kind, const char *id, const char *label, const char *detail);

    /* Generic key/value parameters (postal and gateway calls). */
    const char *(*param_get)(const sl_params *p, const char *key);
    int (*result_set)(sl_ctx *ctx, const char *key, const char *value);
} sl_host;

/* The host-services table of the current call. Never NULL. */
/* (Plugins receive it as the first argument of channel_open and may keep
   the pointer while the channel is open.) */

/* ---- the plugin table -------------------------------------------------- */

typedef struct sl_plugin {
    size_t size;             /* sizeof(struct sl_plugin) as built */
    uint32_t abi_major;      /* SL_ABI_MAJOR as built */
    uint32_t abi_minor;      /* SL_ABI_MINOR as built */
    uint32_t min_host_minor; /* lowest host minor this plugin accepts */
    const char *name;        /* short name, matches the INI `plugin =` */
    const char *version;     /* the plugin's own version */
    const char *description;
    uint64_t caps; /* enum sl_capability bits */

    /* Opens a channel: reads config via host->config_get, validates it and
       allocates the plugin's own state (freed in channel_close). */
    int (*channel_open)(const sl_host *host, sl_ctx *ctx, void **state, sl_error *err);
    void (*channel_close)(void *state);

    /* SL_CAP_FETCH_ORDERS: fetch orders changed since `cursor` (NULL =
       start), submitting each with order_submit and committing cursors. */
    int (*fetch_orders)(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);
    /* SL_CAP_WEBHOOK: verify and parse one delivery. Submits zero or more
       orders. SL_OK with none submitted = acknowledge and store nothing
       (pings, topics we ignore). SL_EAUTH = bad signature. */
    int (*parse_webhook)(void *state, sl_ctx *ctx, const sl_request *req, sl_error *err);
    /* SL_CAP_PUSH_STOCK / SL_CAP_PUSH_PRICES: push quantities/prices by
       SKU; report each item with push_report. */
    int (*push_stock)(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
    int (*push_prices)(void *state, sl_ctx *ctx, const sl_stock_list *list, sl_error *err);
    /* List capabilities: call list_add for each item. */
    int (*list_taxes)(void *state, sl_ctx *ctx, sl_error *err);
    int (*list_payment_methods)(void *state, sl_ctx *ctx, sl_error *err);
    int (*list_shipping_methods)(void *state, sl_ctx *ctx, sl_error *err);
    /* SL_CAP_REPORT_STATUS: write a note and/or status back to the shop.
       `idempotency_key` is stable across retries of the same outbox row. */
    int (*report_status)(void *state, sl_ctx *ctx, const char *external_id, const char *note,
                         const char *status, const char *idempotency_key, sl_error *err);
    /* Postal: create a shipment from params; results via result_set
       (e.g. "tracking_code"). Track: results "status", "status_normalized". */
    int (*create_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    int (*track_shipment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    /* Gateways: verify one payment; fetch transactions since a cursor. */
    int (*verify_payment)(void *state, sl_ctx *ctx, const sl_params *p, sl_error *err);
    int (*fetch_transactions)(void *state, sl_ctx *ctx, const char *cursor, sl_error *err);

} sl_plugin;

/* Size of the first published plugin table (1.0): the oldest the host
   accepts. Fields after it are read only when SL_HAS_FIELD says so. */
#define SL_PLUGIN_SIZE_V1_0 (offsetof(sl_plugin, fetch_transactions) + sizeof(void *))

/* The one exported symbol. Returns the plugin's static table. */
typedef const sl_plugin *(*sl_plugin_entry_fn)(void);
#define SL_PLUGIN_ENTRY_SYMBOL "sl_plugin_entry"
SL_EXPORT const sl_plugin *sl_plugin_entry(void);

#ifdef __cplusplus
}
#endif
#endif /* SHOPLEDGER_SDK_H */

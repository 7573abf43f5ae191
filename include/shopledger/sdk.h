/*
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
 * per-channel state pointer, not in globals. The host may open one
 * channel's config more than once (serve parses each channel's webhooks
 * in several contexts, one per HTTP thread): each channel_open gets its
 * own state pointer, and such contexts run concurrently.
 */
#ifndef SHOPLEDGER_SDK_H
#define SHOPLEDGER_SDK_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define SL_ABI_MAJOR 1
#define SL_ABI_MINOR 5

#if defined(__GNUC__)
#define SL_EXPORT __attribute__((visibility("default")))
#define SL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SL_EXPORT
#define SL_PRINTF(f, a)
#endif

/* True when a size-prefixed table is large enough to hold FIELD. */
#define SL_HAS_FIELD(tbl, field)                                               \
    ((tbl)->size >= offsetof(__typeof__(*(tbl)), field) + sizeof((tbl)->field))

/* ---- status codes ------------------------------------------------------ */

enum sl_status {
    SL_OK = 0,
    SL_ERETRY = -1,       /* transient: try again after err->retry_after_ms */
    SL_EAUTH = -2,        /* credentials or signature refused */
    SL_EINVALID = -3,     /* input failed validation; err->field names it */
    SL_EUNSUPPORTED = -4, /* capability or field id not implemented */
    SL_ENOMEM = -5,
    SL_ECONFLICT = -6,    /* the remote or the store holds a newer state */
    SL_ENOTFOUND = -7,
    SL_EIO = -8,          /* network or file failure that is not transient */
    SL_ETOOBIG = -9,      /* a size or count limit was exceeded */
    SL_EREMOTE = -10,     /* the remote answered with an error it explained */
    SL_EINTERNAL = -11,   /* a bug: an invariant did not hold */
    SL_EBANNED = -12      /* the remote blocked us for a while (rate ban) */
};

/* Caller-provided error record. The callee writes it only on failure. */
#define SL_ERROR_MSG_MAX 256
#define SL_ERROR_FIELD_MAX 64
typedef struct sl_error {
    size_t size;            /* sizeof(struct sl_error) as the caller knows it */
    int code;               /* an enum sl_status value */
    int http_status;        /* remote HTTP status when there was one, else 0 */
    int64_t retry_after_ms; /* with SL_ERETRY / SL_EBANNED: wait at least this */
    char field[SL_ERROR_FIELD_MAX];   /* the offending input field, or "" */
    char message[SL_ERROR_MSG_MAX];   /* human text, no secrets */
} sl_error;

/* ---- capabilities ------------------------------------------------------ */

enum sl_capability {
    SL_CAP_FETCH_ORDERS = 1u << 0,      /* slot fetch_orders */
    SL_CAP_WEBHOOK = 1u << 1,           /* slot parse_webhook */
    SL_CAP_PUSH_STOCK = 1u << 2,        /* slot push_stock */
    SL_CAP_PUSH_PRICES = 1u << 3,       /* slot push_prices */
    SL_CAP_LIST_TAXES = 1u << 4,        /* slot list_taxes */
    SL_CAP_LIST_PAYMENTS = 1u << 5,     /* slot list_payment_methods */
    SL_CAP_LIST_SHIPPING = 1u << 6,     /* slot list_shipping_methods */
    SL_CAP_REPORT_STATUS = 1u << 7,     /* slot report_status */
    SL_CAP_CREATE_SHIPMENT = 1u << 8,   /* slot create_shipment */
    SL_CAP_TRACK_SHIPMENT = 1u << 9,    /* slot track_shipment */
    SL_CAP_VERIFY_PAYMENT = 1u << 10,   /* slot verify_payment */
    SL_CAP_FETCH_TRANSACTIONS = 1u << 11, /* slot fetch_transactions */
    /* 1.2 */
    SL_CAP_FETCH_PRODUCTS = 1u << 12      /* slot fetch_products */
};
#define SL_CAP_ALL_V1 0x0fffu   /* the bits of ABI 1.0 and 1.1 */
#define SL_CAP_ALL_V1_2 0x1fffu /* every bit this header knows */

/* ---- opaque handles (layouts are the host's business) ------------------ */

typedef struct sl_ctx sl_ctx;             /* one call on one channel */
typedef struct sl_order sl_order;         /* order under construction */
typedef struct sl_line sl_line;           /* one line of an order */
typedef struct sl_http_req sl_http_req;   /* outgoing request */
typedef struct sl_http_resp sl_http_resp; /* its response (arena-owned) */
typedef struct sl_request sl_request;     /* incoming webhook request */
typedef struct sl_stock_list sl_stock_list; /* SKUs to push */
typedef struct sl_params sl_params;       /* key/value input of a call */
typedef struct sl_product sl_product;     /* product under construction (1.2) */

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
    SL_ORDER_PAYMENT_METHOD,    /* gateway id, mapped by [channel:X.payments] */
    SL_ORDER_PAYMENT_TITLE,
    SL_ORDER_TRANSACTION_ID,
    SL_ORDER_CUSTOMER_NOTE,     /* buyer's comment: the internal note */
    SL_ORDER_HEADER_NOTE,       /* goes to the document's header note */
    SL_ORDER_SHIPPING_METHOD,
    SL_ORDER_LANGUAGE,
    SL_ORDER_TEXT_END_V1
};

/* Address fields; `which` is SL_ADDR_BILLING or SL_ADDR_SHIPPING. */
enum sl_address_kind { SL_ADDR_BILLING = 1, SL_ADDR_SHIPPING = 2 };
enum sl_address_field {
    SL_ADDR_FIRST_NAME = 1, SL_ADDR_LAST_NAME, SL_ADDR_COMPANY,
    SL_ADDR_LINE1, SL_ADDR_LINE2, SL_ADDR_CITY, SL_ADDR_STATE,
    SL_ADDR_POSTCODE, SL_ADDR_COUNTRY, SL_ADDR_EMAIL, SL_ADDR_PHONE,
    SL_ADDR_FIELD_END_V1
};

/* Money fields of an order: the shop's own totals, as decimal text. */
enum sl_order_money {
    SL_ORDER_TOTAL = 1,      /* gross total the buyer pays */
    SL_ORDER_TOTAL_TAX,
    SL_ORDER_SHIPPING_TOTAL, /* net of tax */
    SL_ORDER_SHIPPING_TAX,
    SL_ORDER_DISCOUNT_TOTAL, /* net of tax */
    SL_ORDER_DISCOUNT_TAX,
    SL_ORDER_MONEY_END_V1
};

/* Times of an order, UTC milliseconds since the epoch. */
enum sl_order_time {
    SL_ORDER_CREATED = 1, SL_ORDER_MODIFIED, SL_ORDER_PAID, SL_ORDER_COMPLETED,
    SL_ORDER_TIME_END_V1
};

/* Flags of an order. */
enum sl_order_flag {
    SL_ORDER_PRICES_INCLUDE_TAX = 1, /* shop prices are gross */
    SL_ORDER_DELETED,                /* the shop deleted the order */
    SL_ORDER_IS_PAID,                /* the shop says it is paid */
    SL_ORDER_FLAG_END_V1,
    /* ---- appended in 1.4 (books); a host before 1.4 refuses it ---- */
    /* The order lists refunds (SL_LINE_REFUND lines) whose refunded lines
       the connector could not read in this call (a WooCommerce webhook
       body carries only each refund's amount; its lines come from GET
       /orders/{id}/refunds). The host then does not take a refund without
       SL_LINE_REFUND_ID lines for one that names none: on a channel that
       polls it waits for the poll, else it splits the amount. */
    SL_ORDER_REFUND_LINES_MISSING = SL_ORDER_FLAG_END_V1,
    SL_ORDER_FLAG_END_V1_4
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
    SL_LINE_PRODUCT = 1,  /* goods; sku names the stock unit */
    SL_LINE_SHIPPING,     /* shipping charge */
    SL_LINE_FEE,          /* fee (positive) or negative fee (a discount) */
    SL_LINE_DISCOUNT,     /* coupon / discount, informational when the
                             products already carry discounted totals */
    SL_LINE_REFUND,       /* a refund: its TOTAL is the refunded amount,
                             positive; sub-lines name what was refunded */
    SL_LINE_KIND_END_V1
};

enum sl_line_text {
    SL_LINE_EXTERNAL_ID = 1, /* the shop's line id */
    SL_LINE_SKU,             /* product code; "" when the product is gone */
    SL_LINE_NAME,
    SL_LINE_PRODUCT_ID,      /* shop product id (the parent for variations) */
    SL_LINE_VARIATION_ID,    /* shop variation id; "" / "0" for simple */
    SL_LINE_PARENT_SKU,      /* SKU of the parent product of a variation */
    SL_LINE_TAX_CLASS,       /* shop tax class, "" = standard */
    SL_LINE_TAX_RATE_ID,     /* shop tax rate id / short name ("27%") */
    SL_LINE_METHOD_ID,       /* shipping method id / coupon code / fee name */
    SL_LINE_REASON,          /* refund reason */
    SL_LINE_UNIT,            /* unit of measure */
    SL_LINE_TEXT_END_V1,
    /* ---- appended in 1.4 (books); a host before 1.4 refuses it ---- */
    /* On a product, shipping or fee line: the EXTERNAL_ID of the
       SL_LINE_REFUND line of this order that refunded it. Such a line is
       not part of the sale but a refunded part: its quantity, net total
       (SL_LINE_TOTAL) and taxes (line_add_tax per rate) are the refunded
       figures, POSITIVE. The host credits a refund with lines line by
       line; one without lines is split over the sale's tax groups. */
    SL_LINE_REFUND_ID = SL_LINE_TEXT_END_V1,
    SL_LINE_TEXT_END_V1_4
};

enum sl_line_money {
    SL_LINE_UNIT_PRICE = 1, /* price of one unit as the shop shows it */
    SL_LINE_SUBTOTAL,       /* net before discounts */
    SL_LINE_SUBTOTAL_TAX,
    SL_LINE_TOTAL,          /* net after discounts (gross for refunds) */
    SL_LINE_TOTAL_TAX,      /* the shop's own rounded tax of this line */
    SL_LINE_TAX_PERCENT,    /* rate as decimal text, e.g. "21" or "7.25" */
    SL_LINE_MONEY_END_V1
};

/* Fields of a product (master-data import, 1.2). Text, copied by the host;
   money and quantities as decimal text. */
enum sl_product_field {
    SL_PRODUCT_SKU = 1,        /* required: the product code */
    SL_PRODUCT_PARENT_SKU,     /* for variations: the parent's code */
    SL_PRODUCT_NAME,
    SL_PRODUCT_CURRENCY,       /* of the prices; set before them */
    SL_PRODUCT_PRICE,          /* selling price (the channel's price group) */
    SL_PRODUCT_PURCHASE_PRICE,
    SL_PRODUCT_STOCK,          /* quantity on hand in the shop */
    SL_PRODUCT_TAX_RATE_ID,    /* shop tax id / short name, mapped by "taxes" */
    SL_PRODUCT_UNIT,
    SL_PRODUCT_EXTERNAL_ID,    /* the shop's own product id */
    SL_PRODUCT_FIELD_END_V1_2
};

/* ---- list kinds for sl_host.list_add ----------------------------------- */
enum sl_list_kind {
    SL_LIST_TAX_RATE = 1, SL_LIST_TAX_CLASS, SL_LIST_PAYMENT_METHOD,
    SL_LIST_SHIPPING_METHOD, SL_LIST_KIND_END_V1
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
    int (*state_get)(sl_ctx *ctx, const char *key, const char **value,
                     sl_error *err);
    int (*state_put)(sl_ctx *ctx, const char *key, const char *value,
                     sl_error *err);

    /* HTTP through the host's libcurl: timeouts, TLS verification, retries
       on 429/5xx honouring Retry-After, per-channel rate limit, request log.
       The request and response belong to the call's arena. */
    sl_http_req *(*http_new)(sl_ctx *ctx, const char *method, const char *url);
    int (*http_header)(sl_http_req *req, const char *name, const char *value);
    int (*http_query)(sl_http_req *req, const char *name, const char *value);
    int (*http_body)(sl_http_req *req, const char *data, size_t len,
                     const char *content_type);
    int (*http_basic_auth)(sl_http_req *req, const char *user,
                           const char *password);
    /* Sends. On a transport failure or a status the retry policy could not
       clear, returns SL_ERETRY/SL_EIO/SL_EAUTH; any completed response is
       still handed back in *resp (status >= 400 is not an error here).
       SL_ERETRY with err->field "connect" (hosts of 1.5 on) says no byte
       reached the server (connection refused, name not resolved), so a
       request that must not run twice may go to another server. */
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
       order's currency (set SL_ORDER_CURRENCY first). An order neither
       submitted nor discarded is reclaimed by the host when the plugin
       call returns (every host, 1.0 included), never stored. */
    sl_order *(*order_new)(sl_ctx *ctx);
    int (*order_set_text)(sl_order *o, int field, const char *value);
    int (*order_set_money)(sl_order *o, int field, const char *decimal);
    int (*order_set_time)(sl_order *o, int field, int64_t utc_ms);
    int (*order_set_flag)(sl_order *o, int field, int value);
    int (*order_set_address)(sl_order *o, int which, int field,
                             const char *value);
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
    void (*push_report)(sl_ctx *ctx, const char *sku, int outcome,
                        const char *message);

    /* Lists for mapping (list_* capabilities). */
    int (*list_add)(sl_ctx *ctx, int kind, const char *id, const char *label,
                    const char *detail);

    /* Generic key/value parameters (postal and gateway calls). */
    const char *(*param_get)(const sl_params *p, const char *key);
    int (*result_set)(sl_ctx *ctx, const char *key, const char *value);

    /* ---- appended in 1.1 (check SL_HAS_FIELD(host, x) before use) ---- */
    /* Drops an order the plugin decided not to submit (its input turned
       out bad half way); the handle is invalid afterwards. */
    void (*order_discard)(sl_order *o);

    /* ---- appended in 1.2 ---- */
    /* Product builder for fetch_products: new, set fields, submit (which
       takes the product whether it succeeds or not). The first bad field
       sticks and submit reports it, as with orders. */
    sl_product *(*product_new)(sl_ctx *ctx);
    int (*product_set)(sl_product *p, int field, const char *value);
    int (*product_submit)(sl_ctx *ctx, sl_product *p, sl_error *err);

    /* ---- appended in 1.3 (books) ---- */
    /* The shop's own total of one tax rate for the whole order (e.g.
       WooCommerce tax_lines[]: rate_id, tax_total, shipping_tax_total,
       rate_percent, compound). `tax_total` is the rate's tax on items and
       fees, `shipping_tax_total` its tax on shipping, both decimal text
       exact in the order's currency ("" or NULL = 0); `percent` is
       decimal text or NULL. The host books these totals as authoritative:
       the line taxes of that rate (line_add_tax with the same rate id) are
       spread to sum to them exactly, by largest remainder. Each rate id
       once per order. A first bad value sticks, as with every setter. */
    int (*order_add_tax_rate)(sl_order *o, const char *rate_id,
                              const char *tax_total,
                              const char *shipping_tax_total,
                              const char *percent, int compound);

    /* ---- appended in 1.3 (gateways) ---- */
    /* Starts a new row of results for a call that answers a list
       (list_unverified): every result_set after it belongs to that row.
       Without a result_row call, results form one row as before. */
    int (*result_row)(sl_ctx *ctx);

    /* ---- appended in 1.4 (books) ---- */
    /* How much of a product line the shop has put back into stock after
       its refunds, cumulative over all of them (WooCommerce line meta
       _restock_refunded_items), as decimal text with at most 3 decimals
       ("1"). 0 <= restocked <= the line's quantity (order_submit checks
       it, naming lines[i].restocked). The host returns to stock what is
       restocked and not yet returned, once. Only product lines. */
    int (*line_set_restocked)(sl_line *l, const char *decimal_qty);

    /* ---- appended in 1.4 (intake) ---- */
    /* An authentic order the plugin cannot map (a value it refuses half
       way, after order_new): hands `o` to the host with the reason, its
       external id and raw payload set as far as they are known. In a
       fetch the host keeps it as failed (listed by `inbox failed`,
       replayed by `inbox retry --failed`) and answers SL_OK, so the fetch
       goes on past it and its cursor moves; elsewhere it answers
       why->code with *why copied into err. Consumes `o` in every case.
       One bad order never holds back the others. */
    int (*order_refuse)(sl_ctx *ctx, sl_order *o, const sl_error *why, sl_error *err);
} sl_host;

/* The host-services table of the current call. Never NULL. */
/* (Plugins receive it as the first argument of channel_open and may keep
   the pointer while the channel is open.) */

/* ---- the plugin table -------------------------------------------------- */

typedef struct sl_plugin {
    size_t size;              /* sizeof(struct sl_plugin) as built */
    uint32_t abi_major;       /* SL_ABI_MAJOR as built */
    uint32_t abi_minor;       /* SL_ABI_MINOR as built */
    uint32_t min_host_minor;  /* lowest host minor this plugin accepts */
    const char *name;         /* short name, matches the INI `plugin =` */
    const char *version;      /* the plugin's own version */
    const char *description;
    uint64_t caps;            /* enum sl_capability bits */

    /* Opens a channel: reads config via host->config_get, validates it and
       allocates the plugin's own state (freed in channel_close). */
    int (*channel_open)(const sl_host *host, sl_ctx *ctx, void **state,
                        sl_error *err);
    void (*channel_close)(void *state);

    /* SL_CAP_FETCH_ORDERS: fetch orders changed since `cursor` (NULL =
       start), submitting each with order_submit and committing cursors. */
    int (*fetch_orders)(void *state, sl_ctx *ctx, const char *cursor,
                        sl_error *err);
    /* SL_CAP_WEBHOOK: verify and parse one delivery. Submits zero or more
       orders. SL_OK with none submitted = acknowledge and store nothing
       (pings, topics we ignore). SL_EAUTH = bad signature. */
    int (*parse_webhook)(void *state, sl_ctx *ctx, const sl_request *req,
                         sl_error *err);
    /* SL_CAP_PUSH_STOCK / SL_CAP_PUSH_PRICES: push quantities/prices by
       SKU; report each item with push_report. */
    int (*push_stock)(void *state, sl_ctx *ctx, const sl_stock_list *list,
                      sl_error *err);
    int (*push_prices)(void *state, sl_ctx *ctx, const sl_stock_list *list,
                       sl_error *err);
    /* List capabilities: call list_add for each item. */
    int (*list_taxes)(void *state, sl_ctx *ctx, sl_error *err);
    int (*list_payment_methods)(void *state, sl_ctx *ctx, sl_error *err);
    int (*list_shipping_methods)(void *state, sl_ctx *ctx, sl_error *err);
    /* SL_CAP_REPORT_STATUS: write a note and/or status back to the shop.
       `idempotency_key` is stable across retries of the same outbox row. */
    int (*report_status)(void *state, sl_ctx *ctx, const char *external_id,
                         const char *note, const char *status,
                         const char *idempotency_key, sl_error *err);
    /* Postal: create a shipment from params; results via result_set
       (e.g. "tracking_code"). Track: results "status", "status_normalized". */
    int (*create_shipment)(void *state, sl_ctx *ctx, const sl_params *p,
                           sl_error *err);
    int (*track_shipment)(void *state, sl_ctx *ctx, const sl_params *p,
                          sl_error *err);
    /* Gateways: verify one payment; fetch transactions since a cursor. */
    int (*verify_payment)(void *state, sl_ctx *ctx, const sl_params *p,
                          sl_error *err);
    int (*fetch_transactions)(void *state, sl_ctx *ctx, const char *cursor,
                              sl_error *err);

    /* ---- appended in 1.1 ---- */
    /* Optional (any plugin may leave it NULL): one cheap authenticated call
       proving that URL and credentials work; used by `plugin check` and at
       serve start. */
    int (*check_connection)(void *state, sl_ctx *ctx, sl_error *err);

    /* ---- appended in 1.2 ---- */
    /* SL_CAP_FETCH_PRODUCTS: master-data import (`shopledger channel
       import`): submit every product of the shop with product_submit. */
    int (*fetch_products)(void *state, sl_ctx *ctx, sl_error *err);

    /* ---- appended in 1.3 (gateways) ---- */
    /* Bank gateways. The host keeps every attempt and decides what to do
       next; a plugin only speaks the gateway's wire format. Amounts cross
       as decimal integer text in the gateway's minor unit (Rial for IRR).
       Every call answers through result_set; the keys are listed below.
       Return codes: SL_OK = the gateway confirmed what was asked (an
       "already verified / already settled" answer is SL_OK with result
       "already" = "1"); SL_EREMOTE = the gateway refused, results "code"
       and "message" say why and the answer is final; SL_ERETRY / SL_EIO
       = no usable answer (timeout, fault): the outcome is unknown.

       SL_CAP_REQUEST_PAYMENT: params "amount", "currency", "order_ref"
       (the host's unique numeric attempt number), "callback_url",
       "description", optional "mobile", "email". Results "authority"
       (the gateway's session id: ZarinPal authority, Mellat RefId),
       "start_url" (public, no secrets), "start_method" ("GET" or "POST"),
       "start_field" (POST form field carrying the authority), optional
       "fee", "code", "message". */
    int (*request_payment)(void *state, sl_ctx *ctx, const sl_params *p,
                           sl_error *err);
    /* Required with SL_CAP_REQUEST_PAYMENT: reads the buyer's return to
       the callback URL. The host hands GET query text and form POST
       bodies alike as an application/x-www-form-urlencoded body. No
       remote call. Results "authority", "ok" ("1" when the gateway says
       paid: never proof), optional "order_ref", "sale_reference",
       "card_mask", "amount", "code". SL_EINVALID when fields are missing. */
    int (*parse_return)(void *state, sl_ctx *ctx, const sl_request *req,
                        sl_error *err);
    /* verify_payment (SL_CAP_VERIFY_PAYMENT, the 1.0 slot) takes params
       "authority", "amount", "order_ref", "sale_reference" and answers
       "reference" (shown to the buyer), optional "card_mask", "fee",
       "already", "code", "message". */
    /* SL_CAP_SETTLE_PAYMENT: the gateway needs an explicit settle after
       verify (Mellat). Same params as verify. */
    int (*settle_payment)(void *state, sl_ctx *ctx, const sl_params *p,
                          sl_error *err);
    /* SL_CAP_INQUIRE_PAYMENT: params as verify; result "state" is one of
       "in_bank" (buyer still at the bank), "paid" (not verified yet),
       "verified", "settled", "failed", "reversed"; optional "reference". */
    int (*inquire_payment)(void *state, sl_ctx *ctx, const sl_params *p,
                           sl_error *err);
    /* SL_CAP_REVERSE_PAYMENT: give the money back (params as verify). */
    int (*reverse_payment)(void *state, sl_ctx *ctx, const sl_params *p,
                           sl_error *err);
    /* SL_CAP_LIST_UNVERIFIED: sessions paid but never verified, one
       result_row each with "authority", "amount", optional "date". */
    int (*list_unverified)(void *state, sl_ctx *ctx, const sl_params *p,
                           sl_error *err);

    /* ---- appended in 1.3 (kit) ---- */
    /* The channel keys the connector reads (shopledger/options.h), or NULL.
       With a table the host validates the [channel:NAME] section against
       it before channel_open (errors name FILE:LINE), refuses every key
       that neither the table nor the host declares, and lists the options
       in `config check` and `channel describe`. A plugin without one (and
       every plugin built against 1.0-1.2) keeps the old behaviour: it
       sees every key and validates its own. */
    const struct sl_option_table *options;

    /* ---- appended in 1.4 (intake) ---- */
    /* Optional, beside parse_webhook (SL_CAP_WEBHOOK; no bit of its own):
       checks only that a delivery is authentic (its signature), without
       mapping anything. SL_OK = authentic; then *acknowledge_only = 1 says
       "answer 200 and store nothing" (pings, topics the connector ignores)
       and 0 says "parse it". SL_EAUTH = bad or missing signature (answered
       401, nothing stored); any other code is the host's 503. Must not
       submit orders. With this slot the host runs parse_webhook only on an
       authentic delivery, and a content failure there (SL_EINVALID,
       SL_EUNSUPPORTED, SL_ETOOBIG) no longer refuses it: the host stores
       the delivery as failed with the reason, answers 200, and the operator
       replays it later (parse_webhook with request_verified). Plugins
       without it (built against 1.0-1.3, or leaving it NULL) keep the old
       path: parse_webhook's error decides the answer. */
    int (*verify_webhook)(void *state, sl_ctx *ctx, const sl_request *req,
                          int *acknowledge_only, sl_error *err);

    /* ---- appended in 1.5 (post) ---- */
    /* Postal services (Iran Post intermediaries and the like). The host
       keeps every shipment, its keys, costs and dated status history, and
       decides when to quote, register, track or cancel; a plugin only
       speaks the service's wire format. Money crosses as decimal integer
       text in the service's currency minor unit (Rial for the Iranian
       services: the host converts Toman x10 before the call), weights in
       grams, ids as the service's own numeric text. Return codes as for
       gateways: SL_OK = done; SL_EREMOTE = the service refused and the
       answer is final, results "code" (the service's own, e.g. "-7") and
       "message" (its text, UTF-8, intact) say why, and err->message is an
       English summary; SL_ERETRY / SL_EIO = no usable answer, the outcome
       is unknown (a register may or may not have happened).

       Parcel params (quote_shipment and create_shipment, the 1.0 slot
       SL_CAP_CREATE_SHIPMENT):
         "order_ref"    the host's unique shipment number (stable across
                        retries; a plugin sends it where the service keeps
                        a reference, so find_shipment can look it up)
         "send_type"    express | registered | printed | courier | fixed
         "payment"      cod | prepaid
         "weight_g", "value" (declared value), "cod_amount" ("0" prepaid)
         "province_id", "city_id"  the service's own ids (the host maps)
         recipient (create only): "first_name", "last_name", "mobile"
                        (09xxxxxxxxx), "phone", "email", "address",
                        "postal_code" (10 digits), "note", "customer_ip"
         "items" = N, then "item.I.sku", "item.I.name", "item.I.qty",
                        "item.I.price" (unit, what the post collects),
                        "item.I.weight_g" for I = 0 .. N-1
       create_shipment results: "parcel_id" (the service's key: Frotel
       factor.id, Aseman Web FactorKey), optional "tracking_code" (Iran
       Post barcode, often empty until the post accepts the parcel),
       "status", "status_raw", and the quoted cost: "cost_post",
       "cost_tax", "cost_service", "cost_cod", "cost_packing",
       "cost_total" (each only as the service gives it).

       Normalized shipping "status" values: not_loaded,
       no_shipping_needed, left_warehouse, delivered_to_post,
       delivered_to_customer, partial_delivery, returned, cancelled,
       other (with "status_raw" the service's label or code, never
       dropped). */
    /* SL_CAP_QUOTE_SHIPMENT: parcel params without the recipient; one
       result_row per option with "send_type", "payment" and the cost keys
       above. SL_EUNSUPPORTED for a destination the service does not
       serve. */
    int (*quote_shipment)(void *state, sl_ctx *ctx, const sl_params *p,
                          sl_error *err);
    /* SL_CAP_CANCEL_SHIPMENT: params "parcel_id". SL_OK = cancelled at the
       service; SL_EREMOTE = refused (e.g. already sent), "code"/"message";
       SL_EUNSUPPORTED = the service has no such call (cancel by hand). */
    int (*cancel_shipment)(void *state, sl_ctx *ctx, const sl_params *p,
                           sl_error *err);
    /* SL_CAP_FIND_SHIPMENT: params "order_ref"; SL_OK with the create
       results of the parcel registered under it, SL_ENOTFOUND when the
       service has none. Lets the host resend safely after a crash between
       register and commit; without it the host never resends a register
       whose outcome it does not know (the shipment waits for the
       operator). */
    int (*find_shipment)(void *state, sl_ctx *ctx, const sl_params *p,
                         sl_error *err);
    /* track_shipment (SL_CAP_TRACK_SHIPMENT, the 1.0 slot) in 1.5: params
       "parcels" = N (at most SL_TRACK_BATCH_MAX), "parcel.I.id",
       "parcel.I.tracking_code"; the plugin batches as its service allows.
       One result_row per parcel it got an answer for: "parcel_id",
       "status", "status_raw", optional "changed_at" (UTC ISO-8601, from
       the service's Jalali date in Tehran time), "tracking_code",
       "cod_collected" ("1" when the service says the money was taken at
       the door), "cod_amount", "fee" (the service's charges, if it says).
       A parcel the service does not know gets a row with "error" = its
       message. SL_OK when any row was written. */
} sl_plugin;

/* Capability bits of 1.3 (gateways); their slots are the ones above. */
#define SL_CAP_REQUEST_PAYMENT (1u << 16)  /* request_payment + parse_return */
#define SL_CAP_SETTLE_PAYMENT (1u << 17)   /* settle_payment */
#define SL_CAP_INQUIRE_PAYMENT (1u << 18)  /* inquire_payment */
#define SL_CAP_REVERSE_PAYMENT (1u << 19)  /* reverse_payment */
#define SL_CAP_LIST_UNVERIFIED (1u << 20)  /* list_unverified */
#define SL_CAP_ALL_V1_3 (SL_CAP_ALL_V1_2 | 0x1f0000u) /* every bit of 1.3 */

/* Capability bits of 1.5 (post); their slots are the ones above. */
#define SL_CAP_QUOTE_SHIPMENT (1u << 21)   /* quote_shipment */
#define SL_CAP_CANCEL_SHIPMENT (1u << 22)  /* cancel_shipment */
#define SL_CAP_FIND_SHIPMENT (1u << 23)    /* find_shipment */
#define SL_CAP_ALL_V1_5 (SL_CAP_ALL_V1_3 | 0xe00000u) /* every bit of 1.5 */
/* The most parcels one track_shipment call is given. */
#define SL_TRACK_BATCH_MAX 50

/* Size of the first published plugin table (1.0): the oldest the host
   accepts. Fields after it are read only when SL_HAS_FIELD says so. */
#define SL_PLUGIN_SIZE_V1_0                                                    \
    (offsetof(sl_plugin, fetch_transactions) + sizeof(void *))

/* The one exported symbol. Returns the plugin's static table. */
typedef const sl_plugin *(*sl_plugin_entry_fn)(void);
#define SL_PLUGIN_ENTRY_SYMBOL "sl_plugin_entry"
SL_EXPORT const sl_plugin *sl_plugin_entry(void);

#ifdef __cplusplus
}
#endif
#endif /* SHOPLEDGER_SDK_H */

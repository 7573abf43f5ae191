/*
 * UNAS's rules for the SDK's hardened XML reader (shopledger/xml.h): the
 * depth cap, the root each answer must have, and SL_EREMOTE for an answer
 * that is not usable XML (the remote misbehaved; the call may be retried).
 * Why a tree reader: answers are small documents read by path with the
 * "one child vs list" ambiguity (api/unas.md §8), which sibling walks
 * (sl_xml_next_same) read the same way; the sandbox reuses this file.
 */
#include "shopledger/sdkutil.h"
#include "unas.h"

int unas_xml_parse(const char *data, size_t len, size_t max_len, const char *root, xmlDocPtr *out,
                   sl_error *err)
{
    const sl_xml_limits lim = {
        .max_len = max_len, .max_depth = UNAS_MAX_DEPTH, .not_xml = SL_EREMOTE, .root = root};
    return sl_xml_parse(data, len, &lim, out, err);
}

const char *unas_text_dup(const sl_host *h, sl_ctx *ctx, const xmlNode *n, const char *path)
{
    const xmlNode *e = sl_xml_path(n, path);
    if (e == NULL)
        return NULL;
    size_t cap = sl_xml_text_size(e);
    if (cap > (64u << 10))
        return NULL;
    char *buf = h->alloc(ctx, cap);
    if (buf == NULL || sl_xml_text(e, buf, cap) != 1)
        return NULL;
    return buf;
}

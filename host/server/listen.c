/*
 * The two listeners' addresses (listen.h): command line, then the
 * tenants' host-level keys, then the defaults; the loopback rule for the
 * admin API.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/listen.h"
#include "shopledger/sdkutil.h"

int server_listen_parse(const char *text, const char *field, struct sockaddr_in *addr,
                        sl_error *err)
{
    char host[64];
    const char *colon = text ? strrchr(text, ':') : NULL;
    if (colon == NULL || (size_t)(colon - text) >= sizeof host)
        return sl_error_set(err, SL_EINVALID, field, "%s must be ADDRESS:PORT, got '%s'", field,
                            text ? text : "");
    memcpy(host, text, (size_t)(colon - text));
    host[colon - text] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_port = htons((uint16_t)port);
    if (colon[1] == '\0' || *end != '\0' || port < 0 || port > 65535 ||
        inet_pton(AF_INET, host, &addr->sin_addr) != 1)
        return sl_error_set(err, SL_EINVALID, field, "bad %s address '%s' (IPv4 ADDRESS:PORT)",
                            field, text);
    return SL_OK;
}

int server_listen_resolve(const config_set *cfg, const server_options *opt,
                          server_listen_plan *plan, sl_error *err)
{
    plan->hooks = opt->listen;
    plan->admin = opt->admin_listen;
    plan->admin_public = 0;
    for (size_t i = 0; cfg != NULL && i < cfg->count; i++) {
        const config_tenant *t = &cfg->tenants[i];
        if (plan->hooks == NULL)
            plan->hooks = t->listen;
        if (plan->admin == NULL)
            plan->admin = t->admin_listen;
        plan->admin_public |= t->admin_public;
    }
    if (plan->hooks == NULL)
        plan->hooks = SERVER_DEFAULT_LISTEN;
    if (plan->admin == NULL)
        plan->admin = SERVER_DEFAULT_ADMIN_LISTEN;
    struct sockaddr_in a;
    int r = server_listen_parse(plan->hooks, "listen", &a, err);
    if (r == SL_OK)
        r = server_listen_parse(plan->admin, "admin_listen", &a, err);
    if (r != SL_OK)
        return r;
    int loopback = (ntohl(a.sin_addr.s_addr) >> 24) == 127;
    if (!loopback && !plan->admin_public)
        return sl_error_set(err, SL_EINVALID, "admin_listen",
                            "admin_listen %s is not a loopback address and the host has no "
                            "TLS (tokens would cross the network in the clear); set "
                            "admin_public = yes in [tenant] to allow it, e.g. behind a TLS "
                            "proxy",
                            plan->admin);
    return SL_OK;
}

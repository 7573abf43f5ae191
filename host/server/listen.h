/*
 * Where serve listens: the webhook listener and the admin API's own
 * listener, each one setting of the whole host (config.h: every tenant
 * that sets listen / admin_listen / admin_public agrees). The command
 * line wins over the files.
 */
#ifndef SL_SERVER_LISTEN_H
#define SL_SERVER_LISTEN_H

#include <netinet/in.h>

#include "config/config.h"
#include "server/server.h"

#define SERVER_DEFAULT_LISTEN "127.0.0.1:8080"
#define SERVER_DEFAULT_ADMIN_LISTEN "127.0.0.1:8081"

typedef struct server_listen_plan {
    const char *hooks; /* borrowed from opt or cfg, or a default */
    const char *admin;
    int admin_public; /* admin_public = yes was set */
} server_listen_plan;

/* Fills the plan; refuses (SL_EINVALID, field "admin_listen") an admin
   address that is not loopback (127.0.0.0/8) unless admin_public = yes:
   the host speaks plain HTTP only, so a public admin API would send its
   bearer tokens in the clear. */
int server_listen_resolve(const config_set *cfg, const server_options *opt,
                          server_listen_plan *plan, sl_error *err);
/* "ADDRESS:PORT" (IPv4) into addr; SL_EINVALID naming `field`. */
int server_listen_parse(const char *text, const char *field, struct sockaddr_in *addr,
                        sl_error *err);

#endif
